"""One running senref window per user and library: later launches hand their files to it and exit.

The first window listens on a QLocalServer (a Unix socket, or a named pipe on Windows) whose name
comes from the user and the resolved library folder. A second launch (`senref-gui FILE`, a double
click in the file manager) connects, sends one JSON line
`{"action": "open"|"import"|"add", "files": [...], "texts": [...]}`, waits for the one-line
answer `{"ok": true}` and exits 0; the first window receives the request as `request_received`.

A launch that forwards uses only QtCore and QtNetwork and never creates a QApplication.
"""

from __future__ import annotations

import contextlib
import getpass
import importlib
import json
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDir, QEvent, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from senref.gui.drops import DropPayload

log = logging.getLogger(__name__)

ACTIONS = ("open", "import", "add")
#: A request is a few file names or identifiers; anything larger is not from senref and is dropped.
MAX_REQUEST_BYTES = 1 << 20
#: Qt platform plugins with no window manager: nothing to raise there.
WINDOWLESS_PLATFORMS = ("offscreen", "minimal", "minimalegl")
#: How long a forwarding launch waits for the running window (connect, then answer) by default.
DEFAULT_TIMEOUT_MS = 3000


def _sha256_hex(data: bytes) -> str:
    """sha256 from CPython's built-in module where there is one (`_sha256` to 3.11, `_sha2` after): hashlib
    would load OpenSSL's libcrypto (~3.5 MB resident) into every window for this one short name."""
    for name in ("_sha256", "_sha2"):
        with contextlib.suppress(ImportError):
            return str(importlib.import_module(name).sha256(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()


def instance_name(library_folder: Path | str) -> str:
    """The server name for this user and library: `senref-<user>-<16 hex of the resolved path>`.

    The user is part of the name because on Unix the socket lives in the shared temp folder and
    on Windows pipe names are machine-wide; the hash keeps the name short (socket paths are
    limited to ~100 bytes) and the same however the folder was spelled (relative, via a symlink).
    """
    resolved = Path(library_folder).expanduser().resolve()
    key = str(resolved)
    if sys.platform.startswith("win") or sys.platform == "darwin":
        key = key.casefold()  # case-insensitive file systems: C:\Lib and c:\lib are one library
    digest = _sha256_hex(key.encode("utf-8"))[:16]
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no USER variable (some containers)
        user = "user"
    user = re.sub(r"[^A-Za-z0-9_.-]", "_", user)[:32] or "user"
    return f"senref-{user}-{digest}"


def make_request(action: str, arguments: list[str], cwd: Path | None = None) -> dict[str, Any]:
    """A request from command-line arguments: existing paths become absolute files, the rest texts.

    Paths are resolved here, in the launching process, because the running window has another
    working directory.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}")
    base = Path.cwd() if cwd is None else cwd
    files: list[str] = []
    texts: list[str] = []
    for argument in arguments:
        candidate = Path(argument).expanduser()
        if not candidate.is_absolute():
            candidate = base / candidate
        if candidate.exists():
            files.append(str(candidate.resolve()))
        else:
            texts.append(argument)  # an identifier, a URL or a pasted citation
    return {"action": action, "files": files, "texts": texts}


def validate_request(request: object) -> dict[str, Any]:
    """The request with exactly the expected keys and types, or ValueError."""
    if not isinstance(request, dict):
        raise ValueError("request is not a JSON object")
    action = request.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    clean: dict[str, Any] = {"action": action}
    for key in ("files", "texts"):
        values = request.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"{key!r} must be a list of strings")
        clean[key] = list(values)
    return clean


def _encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def send_to_running(name: str, request: dict[str, Any], timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bool:
    """Hand *request* to the instance listening on *name*; True once it acknowledged it.

    False when nobody listens (the caller then starts its own window) or the running instance did
    not answer in time. Blocking calls only, so no event loop or QApplication is needed.
    """
    payload = _encode(validate_request(request))
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    try:
        socket.write(payload)
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        answer = b""
        while b"\n" not in answer:
            if not socket.waitForReadyRead(timeout_ms):
                return False
            answer += bytes(socket.readAll().data())
        try:
            reply = json.loads(answer.split(b"\n", 1)[0])
        except ValueError:
            return False
        return isinstance(reply, dict) and reply.get("ok") is True
    finally:
        socket.disconnectFromServer()


def _answers(name: str, timeout_ms: int = 500) -> bool:
    """Whether a server accepts connections on *name* right now."""
    probe = QLocalSocket()
    probe.connectToServer(name)
    if not probe.waitForConnected(timeout_ms):
        return False
    probe.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches and emits each valid request (a dict) as `request_received`."""

    request_received = Signal(dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        # Only this user may connect: the socket file / pipe gets user-only permissions.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def name(self) -> str:
        return self._server.serverName()

    def is_listening(self) -> bool:
        return self._server.isListening()

    def start(self, name: str) -> bool:
        """Listen on *name*; False when another live instance already does.

        With user-only access Qt binds the socket elsewhere and renames it over the name, which would
        silently take the name from a running window; so we first try to connect, and only listen
        when nobody answers. A lock file makes probe-then-listen atomic between two launches started
        together (double-clicking two files). The probe also covers crashes: a socket file left by a
        killed senref answers no connection, so it is removed before listening.
        """
        guard = QLockFile(str(Path(QDir.tempPath()) / f"{name}.lock"))
        guard.setStaleLockTime(10_000)  # a launch killed between probe and listen frees it after 10 s
        if not guard.tryLock(5_000):
            log.warning("single-instance lock for %s is held; not listening", name)
            return False
        try:
            if _answers(name):
                return False  # a live instance owns the name
            # Nobody answered: whatever is left under the name is a crashed instance's socket file.
            QLocalServer.removeServer(name)
            if self._server.listen(name):
                return True
            log.warning("single-instance server %s cannot listen: %s", name, self._server.errorString())
            return False
        finally:
            guard.unlock()

    def close(self) -> None:
        self._server.close()
        for socket in list(self._buffers):
            socket.abort()
        self._buffers.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Install on the QApplication: macOS hands double-clicked files to the running program as
        QFileOpenEvents (not argv), and they become the same requests as a second launch's."""
        if event.type() == QEvent.Type.FileOpen:
            name = event.file()  # type: ignore[attr-defined]  # a QFileOpenEvent
            if name:
                self.request_received.emit(make_request("open", [name]))
                return True
        return super().eventFilter(watched, event)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > MAX_REQUEST_BYTES:
                log.warning("single-instance request too large; connection dropped")
                self._buffers.pop(socket, None)
                socket.abort()
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        self._buffers.pop(socket, None)
        try:
            request = validate_request(json.loads(line))
        except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors too
            log.warning("single-instance request ignored: %s", exc)
            socket.write(_encode({"ok": False, "error": str(exc)}))
            socket.disconnectFromServer()
            return
        # Acknowledge before handling: the launching process exits at once while the window works.
        socket.write(_encode({"ok": True}))
        socket.flush()
        socket.disconnectFromServer()
        self.request_received.emit(request)


def to_payload(request: dict[str, Any]) -> DropPayload:
    """What the window does with a request, as the drop it amounts to: files by type, texts as identifiers.

    Dropping the same files on the window and double-clicking them then behave alike.
    """
    from senref.gui.drops import DropPayload, classify_path  # lazily: a forwarding launch never needs QtGui

    payload = DropPayload(texts=list(request.get("texts", [])))
    for name in request.get("files", []):
        classify_path(Path(name), payload)
    return payload


def raise_window(window: QWidget) -> None:
    """Bring *window* (a QWidget) to the front after a request: un-minimise, raise, focus.

    Window managers may refuse focus stealing; `activateWindow` then flashes the taskbar entry.
    """
    from PySide6.QtGui import QGuiApplication  # lazily, like to_payload: forwarding needs no QtGui

    if window.isMinimized():
        window.showNormal()
    window.show()
    # Without a window manager (offscreen, minimal) there is no stacking order to change, and Qt
    # answers raise() with a warning on every request.
    if QGuiApplication.platformName() not in WINDOWLESS_PLATFORMS:
        window.raise_()
        window.activateWindow()
