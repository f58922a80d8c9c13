"""A settings change made in the window's Settings dialog rewrites only the changed value of settings.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from senref.gui.dialogs.settings_dialog import SettingsDialog
from senref.paths import get_paths
from tests.gui.conftest import wait_idle

# A modal dialog on the offscreen platform logs this once per show; nothing to fix on our side.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

HAND_WRITTEN = """\
# senref settings, kept by hand
email = "old@lab.example"   # for the polite pools

# topics I follow
watch = ["senolytics", "SASP", "radiotherapy"]

[network]
# slow campus proxy
read_timeout = 45

[sync.targets.thesis]  # nested table
path = "~/thesis/refs.bib"
formats = ["bibtex", "csljson"]
"""


@pytest.fixture
def settings_file() -> Path:
    """The hand-written file, in place before the window (listed first) loads the settings."""
    path = get_paths().settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def _in_dialog(change: Any) -> None:
    """Run *change* on the Settings dialog once it is up, then press OK (closes it whatever happens)."""
    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SettingsDialog)
        try:
            change(dialog)
        finally:
            dialog.accept()
    QTimer.singleShot(0, act)


def test_changing_the_email_in_the_window_keeps_comments_lists_and_tables(settings_file: Path, window: Any,
                                                                          qtbot: Any) -> None:
    assert window.settings.email == "old@lab.example"
    _in_dialog(lambda dialog: dialog.email.setText("new@lab.example"))
    window.settings_action.trigger()
    wait_idle(qtbot, window)  # the save runs on the window's write thread
    qtbot.waitUntil(lambda: "new@lab.example" in settings_file.read_text(encoding="utf-8"))
    assert settings_file.read_text(encoding="utf-8") == HAND_WRITTEN.replace("old@lab.example", "new@lab.example")


def test_unticking_pdf_downloads_adds_one_line_and_changes_nothing_else(settings_file: Path, window: Any,
                                                                       qtbot: Any) -> None:
    _in_dialog(lambda dialog: dialog.download_pdfs.setChecked(False))
    window.settings_action.trigger()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: "download_pdfs" in settings_file.read_text(encoding="utf-8"))
    # A key the file did not have goes after the last top-level one, before the first table.
    expected = HAND_WRITTEN.replace('radiotherapy"]\n', 'radiotherapy"]\ndownload_pdfs = false\n', 1)
    assert settings_file.read_text(encoding="utf-8") == expected
    assert window.settings.download_pdfs is False
