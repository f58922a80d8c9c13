"""One running instance: a second process hands its files to the first over QLocalSocket and exits 0."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from senref.gui.single_instance import (
    InstanceServer,
    instance_name,
    make_request,
    raise_window,
    send_to_running,
    to_payload,
    validate_request,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def name() -> str:
    # A fresh name per test: a failed test must not leave a listener that the next one talks to.
    return f"senref-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def server(qtbot, name: str) -> Iterator[InstanceServer]:
    instance = InstanceServer()
    assert instance.start(name)
    yield instance
    instance.close()


def second_process(script: str) -> subprocess.Popen[str]:
    """Another Python process, as a second `senref-gui` launch would be (no QApplication in it)."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_instance_name_is_per_library_and_spelling_independent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (tmp_path / "link").symlink_to(library)
    monkeypatch.chdir(tmp_path)
    name = instance_name(library)
    assert name == instance_name("lib") == instance_name(tmp_path / "link") == instance_name(tmp_path / "lib" / ".")
    assert name != instance_name(tmp_path / "other")
    assert name.startswith("senref-") and len(name) < 70


def test_make_request_resolves_files_in_the_caller_and_keeps_identifiers(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text("@article{a, title={T}}\n", encoding="utf-8")
    request = make_request("open", ["refs.bib", "10.1038/nature12345", "missing.ris"], cwd=tmp_path)
    assert request == {"action": "open", "files": [str((tmp_path / "refs.bib").resolve())],
                       "texts": ["10.1038/nature12345", "missing.ris"]}
    with pytest.raises(ValueError, match="unknown action"):
        make_request("delete", [])


@pytest.mark.parametrize("bad", [[], {"action": "rm"}, {"action": "open", "files": "a.bib"},
                                 {"action": "add", "texts": [1]}])
def test_malformed_requests_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        validate_request(bad)


def test_request_becomes_the_drop_it_amounts_to(tmp_path: Path) -> None:
    payload = to_payload({"action": "open", "files": [str(tmp_path / "a.bib"), str(tmp_path / "p.pdf")],
                          "texts": ["10.1/x"]})
    assert payload.record_files == [tmp_path / "a.bib"]
    assert payload.pdfs == [tmp_path / "p.pdf"]
    assert payload.texts == ["10.1/x"]


def test_second_process_delivers_its_files_and_exits_zero(qtbot, server: InstanceServer, tmp_path: Path) -> None:
    bib = tmp_path / "some.bib"
    bib.write_text("@article{k, title={Senolytics}}\n", encoding="utf-8")
    script = f"""
        import sys
        from pathlib import Path
        from senref.gui.single_instance import make_request, send_to_running
        ok = send_to_running({server.name!r}, make_request("open", ["some.bib"], cwd=Path({str(tmp_path)!r})), 5000)
        sys.exit(0 if ok else 3)
    """
    with qtbot.waitSignal(server.request_received, timeout=15000) as blocker:
        process = second_process(script)
    assert blocker.args == [{"action": "open", "files": [str(bib.resolve())], "texts": []}]
    code, _out, err = finish(process)
    assert code == 0, err
    assert err == ""  # no Qt warning from a process that never created a QApplication


def test_several_launches_in_a_row_are_each_delivered(qtbot, server: InstanceServer) -> None:
    received: list[dict] = []
    server.request_received.connect(received.append)
    script = f"""
        import sys
        from senref.gui.single_instance import send_to_running
        sent = [send_to_running({server.name!r}, {{"action": "add", "texts": [f"10.1/{{i}}"]}}, 5000) for i in range(3)]
        sys.exit(0 if all(sent) else 3)
    """
    process = second_process(script)
    qtbot.waitUntil(lambda: len(received) == 3, timeout=15000)
    assert finish(process)[0] == 0
    assert [r["texts"] for r in received] == [["10.1/0"], ["10.1/1"], ["10.1/2"]]


def test_garbage_is_refused_and_not_emitted(qtbot, server: InstanceServer) -> None:
    received: list[dict] = []
    server.request_received.connect(received.append)
    script = f"""
        import sys
        from PySide6.QtNetwork import QLocalSocket
        s = QLocalSocket()
        s.connectToServer({server.name!r})
        assert s.waitForConnected(5000)
        s.write(b'{{"action": "format-disk"}}\\n')
        s.waitForBytesWritten(5000)
        data = b""
        while b"\\n" not in data and s.waitForReadyRead(5000):
            data += bytes(s.readAll().data())
        print(data.decode().strip())
    """
    process = second_process(script)
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=15000)
    code, out, err = finish(process)
    assert code == 0, err
    reply = json.loads(out)
    assert reply["ok"] is False and "unknown action" in reply["error"]
    assert received == []


def test_nobody_listening_means_start_your_own(name: str) -> None:
    assert send_to_running(name, {"action": "open", "files": [], "texts": []}, 500) is False


def test_a_second_server_on_a_live_name_does_not_steal_it(qtbot, server: InstanceServer) -> None:
    rival = InstanceServer()
    assert rival.start(server.name) is False
    assert server.is_listening()
    rival.close()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="named pipes leave no file behind after a crash")
def test_stale_socket_left_by_a_crash_is_replaced(qtbot, name: str) -> None:
    # What a killed senref leaves: the socket file in the temp folder, with nobody accepting on it.
    path = Path(QDir.tempPath()) / name
    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    crashed.bind(str(path))
    crashed.close()
    assert path.exists()

    server = InstanceServer()
    try:
        assert server.start(name)
        received: list[dict] = []
        server.request_received.connect(received.append)
        process = second_process(f"""
            import sys
            from senref.gui.single_instance import send_to_running
            sys.exit(0 if send_to_running({name!r}, {{"action": "import", "files": ["/x.ris"]}}, 5000) else 3)
        """)
        qtbot.waitUntil(lambda: bool(received), timeout=15000)
        assert finish(process)[0] == 0
        assert received == [{"action": "import", "files": ["/x.ris"], "texts": []}]
    finally:
        server.close()
    assert not path.exists()  # closing the server removes its socket file again


def test_raise_window_restores_a_minimised_window(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    raise_window(window)  # offscreen: must not warn (qt_log_level_fail), must still restore
    assert window.isVisible() and not window.isMinimized()


def test_file_open_events_become_requests(qtbot, tmp_path: Path) -> None:
    """macOS delivers a double-clicked file to the running application as a QFileOpenEvent."""
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    ris = tmp_path / "refs.ris"
    ris.write_text("TY  - JOUR\nTI  - Senescence\nER  - \n", encoding="utf-8")
    server = InstanceServer()
    app = QApplication.instance()
    app.installEventFilter(server)
    try:
        with qtbot.waitSignal(server.request_received, timeout=2000) as blocker:
            QApplication.sendEvent(app, QFileOpenEvent(str(ris)))
    finally:
        app.removeEventFilter(server)
    assert blocker.args == [{"action": "open", "files": [str(ris.resolve())], "texts": []}]
