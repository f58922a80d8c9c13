"""Start the desktop application: QApplication, the library window, files given on the command line.

One window per library: a later launch on the same library hands its files to the running window
through `senref.gui.single_instance` and exits, as Zotero does when a .ris is double-clicked.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from importlib.resources import files as resource_files
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

import senref.gui.source_scan  # noqa: F401 - first: the modules below are read without caching their source
from senref.core.library import Library, LibraryError
from senref.core.maintenance import backup_if_due
from senref.gui import clipboard
from senref.gui.dialogs.error import error_box
from senref.gui.drops import DropPayload, classify_path
from senref.gui.gui_settings import ORGANIZATION
from senref.gui.main_window import MainWindow
from senref.session import Session

if TYPE_CHECKING:
    # QtNetwork and the instance server load in run_gui: a window opened without them (tests, bench/) never needs them.
    from senref.gui.single_instance import InstanceServer

log = logging.getLogger(__name__)

#: The freedesktop application id: matches the shipped .desktop file, so the window gets its icon and entry.
DESKTOP_FILE_NAME = "io.github.senref.senref"
#: Icon sizes shipped in resources/icons (senref-<size>.png) beside the scalable senref.svg.
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

#: Open windows, so a window replaced by another library's (the demo) is not garbage-collected early.
_windows: list[MainWindow] = []


class SenrefApplication(QApplication):
    """The application object. macOS hands a double-clicked file to the running program as a QFileOpenEvent
    sent to this object: `event` sees only the events sent to it, where an application-wide event filter
    would run Python for every event of every widget (each paint, each mouse move)."""

    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        #: answers a file-open event (True: handled); set by start_instance_server
        self.file_open_handler: Callable[[QEvent], bool] | None = None

    def event(self, event: QEvent) -> bool:
        handler = self.file_open_handler
        if handler is not None and event.type() == QEvent.Type.FileOpen and handler(event):
            return True
        return super().event(event)


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName("senref")
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = SenrefApplication(sys.argv[:1])
    app.setApplicationDisplayName("senref")
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The senref icon at every shipped size (the SVG when the platform has an SVG icon engine)."""
    folder = resource_files("senref.resources") / "icons"
    icon = QIcon()
    for size in ICON_SIZES:
        png = folder / f"senref-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = folder / "senref.svg"
    if icon.isNull() and svg.is_file():
        icon.addFile(str(svg))
    return icon


#: How often an open window looks whether a backup is due (it is made only when one is; see storage.backup).
BACKUP_CHECK_MS = 10 * 60 * 1000


def open_window(folder: Path, *, demo: bool, files: list[str] | None = None,
                session: Session | None = None) -> MainWindow:
    """Open *folder* in a new window (the library is opened here, closed when the window closes).

    *session* gives the folders and settings (default: the user's); its tagger and backup policy
    apply to the library. Raises LibraryError when the library cannot be used (damaged, missing
    beside its files, from a newer senref): the message says what was done and which backup
    `senref backup restore` brings back.
    """
    session = (session or Session.start()).switched(folder, demo=demo)
    library = session.open_library(role="gui")
    window = MainWindow(library, settings=session.settings, demo=demo)
    if library.read_only:
        window.setWindowTitle(f"{window.windowTitle()} (read-only)")
        window.statusBar().showMessage("This library is read-only: you can read and export, not change it")
    else:
        start_backup_timer(window, library)
    window.library_switch_requested.connect(lambda target, is_demo: _switch(window, target, is_demo, session))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.destroyed.connect(lambda: _windows.remove(window) if window in _windows else None)
    _windows.append(window)
    if files:
        payload = DropPayload()
        for name in files:
            path = Path(name)
            if path.exists():
                classify_path(path, payload)
            else:
                payload.texts.append(name)  # an identifier or URL given on the command line
        window.on_payload_dropped(payload, None)
    return window


def start_backup_timer(window: MainWindow, library: Library) -> QTimer:
    """While the window is open, make the backups a long session would otherwise only get on close.

    The check runs on the window's write thread (in order with the edits); it is a stat of the
    backups folder unless a backup is due, and the copy itself releases the GIL.
    """
    timer = QTimer(window)
    timer.setInterval(BACKUP_CHECK_MS)
    timer.timeout.connect(lambda: window.write(lambda: backup_if_due(library)))
    timer.start()
    return timer


def explain_unusable(parent: MainWindow | None, exc: Exception) -> None:
    """The one message a library that cannot be opened gets (the same text the CLI prints)."""
    QMessageBox.critical(parent, "senref cannot open the library", str(exc))


def _switch(old: MainWindow, folder: Path, demo: bool, session: Session | None = None) -> None:
    try:
        new = open_window(folder, demo=demo, session=session)
    except (LibraryError, OSError) as exc:
        explain_unusable(old, exc)  # the current window stays open
        return
    new.setGeometry(old.geometry())
    new.show()
    old.close()


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """An unexpected error in a slot becomes a dialog with details, not a crash or a console traceback."""
    log.error("unexpected error", exc_info=(kind, value, tb))
    parent = _windows[-1] if _windows else None
    error_box(parent, "Something went wrong", f"{value or kind.__name__}",
              "".join(traceback.format_exception(kind, value, tb)))


def start_instance_server(app: QApplication, name: str) -> InstanceServer | None:
    """Listen for later launches on *name*; None when another window holds the name but did not answer."""
    from senref.gui.single_instance import InstanceServer

    server = InstanceServer(app)
    if not server.start(name):
        return None
    # macOS file-open events arrive as the same requests as a later launch's.
    if isinstance(app, SenrefApplication):
        app.file_open_handler = lambda event: server.eventFilter(app, event)
    elif sys.platform == "darwin":
        app.installEventFilter(server)  # an application object made elsewhere: only macOS sends these events
    return server


def serve_window(server: InstanceServer, window: MainWindow) -> None:
    """Hand each request from a later launch to *window*, as if its files had been dropped on it."""
    from senref.gui.single_instance import raise_window, to_payload

    def on_request_received(request: dict[str, object]) -> None:
        # The newest window: the first one may have been replaced (the demo switch) since.
        target = _windows[-1] if _windows else window
        raise_window(target)
        target.on_payload_dropped(to_payload(request), None)
    server.request_received.connect(on_request_received)


def run_gui(library_folder: Path, *, demo: bool, files: list[str], session: Session | None = None) -> int:
    """The `senref` / `senref --demo` / `senref-gui FILES` entry point; returns the exit code."""
    from senref.gui.single_instance import instance_name, make_request, send_to_running

    name = instance_name(library_folder)
    # Before any QApplication: a launch that only forwards its files must not flash a window.
    if send_to_running(name, make_request("open", files)):
        return 0
    app = ensure_application()
    server = start_instance_server(app, name)
    if server is None:
        QMessageBox.information(None, "senref", "senref has this library open in another window, "
                                "which did not answer")
        return 1
    try:
        window = open_window(Path(library_folder), demo=demo, files=files, session=session)
    except (LibraryError, OSError) as exc:
        server.close()
        explain_unusable(None, exc)
        return 1
    window.show()
    serve_window(server, window)
    sys.excepthook = _excepthook
    try:
        return app.exec()
    finally:
        server.close()
        if isinstance(app, SenrefApplication):
            app.file_open_handler = None
        clipboard.release()
        sys.excepthook = sys.__excepthook__

