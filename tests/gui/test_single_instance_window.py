"""A second launch on the same library hands its file to the running window and exits without a window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from senref.gui.app import app_icon, serve_window, start_instance_server
from senref.gui.single_instance import instance_name

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

LAUNCH = "import sys; from senref.__main__ import gui_main; sys.argv[0] = 'senref-gui'; sys.exit(gui_main())"


def test_second_launch_hands_its_file_to_the_running_window(window: Any, qtbot: Any, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    server = start_instance_server(app, instance_name(window.library.folder))
    assert server is not None
    try:
        serve_window(server, window)
        ris = tmp_path / "from-file-manager.ris"
        ris.write_text("TY  - JOUR\nTI  - Senescence after radiotherapy\nPY  - 2020\nER  - \n", encoding="utf-8")
        env = {**os.environ, "SENREF_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
        # Relative library path and file name from another working directory: both resolve the same.
        proc = subprocess.Popen([sys.executable, "-c", LAUNCH, "--library", str(window.library.folder), ris.name],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # The running window must keep answering while the launch waits for it.
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30_000)
        _out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
        assert b"propagateSizeHints" not in err  # it never created a window of its own
        qtbot.waitUntil(lambda: bool(window.transfer_controller.dialogs))
        dialog = window.transfer_controller.dialogs[-1]
        assert dialog.paths == [ris.resolve()]
        qtbot.waitUntil(lambda: dialog.inspection_done)
        with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000):
            dialog.ok_button.click()
        qtbot.waitUntil(lambda: window.library.count() == 4)
    finally:
        server.close()
        app.removeEventFilter(server)
        server.deleteLater()
    assert [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"] == [window]


def test_a_second_server_on_the_same_name_is_refused(window: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    name = instance_name(window.library.folder)
    first = start_instance_server(app, name)
    assert first is not None
    try:
        assert start_instance_server(app, name) is None
    finally:
        first.close()
        app.removeEventFilter(first)
        first.deleteLater()


def test_application_icon_has_the_shipped_sizes() -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 48, 256} <= sizes
