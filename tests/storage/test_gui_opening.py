"""The window's opening path: a damaged library is explained (as the CLI does), read-only is shown, backups run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from senref.core.library import Library
from senref.core.model import Item
from senref.gui import app
from senref.storage import backup, health

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def _seed(folder: Path, n: int) -> None:
    with Library.open(folder, autotag=False) as lib:
        for i in range(n):
            lib.save_item(Item(item_type="journalArticle", fields={"title": f"Senescence after therapy {i}"}))


def _close(qtbot: Any, window: Any) -> None:
    qtbot.addWidget(window)
    window.close()  # drains the pools and closes the library


def test_a_damaged_library_gets_one_message_box_naming_the_restore(tmp_path: Path, qapp: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _seed(folder, 3)
    (folder / "library.sqlite").write_bytes(b"")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(app.QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    assert app.run_gui(folder, demo=False, files=[]) == 1
    [(title, text)] = shown
    assert title == "senref cannot open the library"
    assert "is empty (0 bytes)" in text and "moved aside" in text and "senref backup restore" in text
    assert "(3 items," in text
    assert not (folder / "library.sqlite").exists()


def test_switching_to_a_library_that_cannot_open_keeps_the_current_window(tmp_path: Path, qtbot: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    _seed(good, 1)
    _seed(bad, 1)
    (bad / "library.sqlite").unlink()
    shown: list[str] = []
    monkeypatch.setattr(app.QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    window = app.open_window(good, demo=False)
    try:
        app._switch(window, bad, False)
        assert len(shown) == 1 and "is missing, but the folder holds a library" in shown[0]
        assert window in app._windows
    finally:
        _close(qtbot, window)


def test_a_read_only_library_opens_in_a_window_that_says_so(tmp_path: Path, qtbot: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _seed(folder, 2)
    monkeypatch.setattr(health, "is_read_only", lambda path: True)  # as for a user without write access
    window = app.open_window(folder, demo=False)
    try:
        assert window.library.read_only
        assert window.windowTitle().endswith("(read-only)")
        assert not [t for t in window.findChildren(QTimer) if t.interval() == app.BACKUP_CHECK_MS]
    finally:
        _close(qtbot, window)


def test_an_open_window_makes_the_backups_a_long_session_needs(tmp_path: Path, qtbot: Any,
                                                               senref_home: Path) -> None:
    (senref_home / "config").mkdir(parents=True)
    (senref_home / "config" / "settings.toml").write_text("[backup]\ninterval_hours = 0\nkeep = 5\n",
                                                          encoding="utf-8")
    folder = tmp_path / "lib"
    _seed(folder, 1)
    assert len(backup.list_backups(folder)) == 1
    window = app.open_window(folder, demo=False)
    try:
        window.library.save_item(Item(item_type="journalArticle", fields={"title": "Added while open"}))
        [timer] = [t for t in window.findChildren(QTimer) if t.interval() == app.BACKUP_CHECK_MS]
        assert timer.isActive()
        timer.timeout.emit()
        qtbot.waitUntil(lambda: len(backup.list_backups(folder)) == 2, timeout=10_000)
        assert backup.verify(backup.list_backups(folder)[-1].path).items == 2
    finally:
        _close(qtbot, window)
