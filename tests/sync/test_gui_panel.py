"""The sync service and panel in Qt: a saved item reaches the file off the GUI thread; a hand edit comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library
from senref.sync.targets import Scope, Target
from tests.sync.conftest import make_item

pytestmark = pytest.mark.gui


def test_panel_shows_state_and_the_file_follows_the_library(qtbot: Any, lib: Library, tis: str,
                                                             out_dir: Path) -> None:
    from PySide6.QtCore import Qt

    from senref.gui.sync_panel import COL_ITEMS, COL_STATE, SyncPanel
    from senref.gui.sync_service import SyncService

    service = SyncService(lib, delay=0.05)
    panel = SyncPanel(service)
    qtbot.addWidget(panel)
    try:
        target_path = out_dir / "tis.bib"
        service.add_target(Target(path=str(target_path), format="bibtex", scope=Scope("collection", tis)))
        qtbot.waitUntil(lambda: panel.table.item(0, COL_STATE) is not None
                        and panel.table.item(0, COL_STATE).text() == "ok", timeout=10000)
        assert panel.table.item(0, COL_ITEMS).text() == "3"
        lib.save_item(make_item("Senolytic clearance after cisplatin", "2024", "10.5555/gui.1"), collections=[tis])
        qtbot.waitUntil(lambda: target_path.exists() and "cisplatin" in target_path.read_text(encoding="utf-8"),
                        timeout=10000)
        qtbot.waitUntil(lambda: panel.table.item(0, COL_ITEMS).text() == "4", timeout=10000)
        # A hand edit is noticed by the file watcher and merged back without any click.
        text = target_path.read_text(encoding="utf-8")
        target_path.write_text(text.replace("Therapy-induced senescence study 0", "Edited in the editor"),
                               encoding="utf-8")
        qtbot.waitUntil(lambda: any(i.title == "Edited in the editor" for i in lib.iter_items()), timeout=10000)
        panel.table.selectRow(0)
        qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.table.item(0, COL_STATE).text() == "paused", timeout=5000)
    finally:
        assert service.shutdown()


def test_panel_shows_the_line_of_a_broken_hand_edit_and_recovers(qtbot: Any, lib: Library, tis: str,
                                                                  out_dir: Path) -> None:
    from senref.gui.sync_panel import COL_ERROR, COL_STATE, SyncPanel
    from senref.gui.sync_service import SyncService

    service = SyncService(lib, delay=0.05)
    panel = SyncPanel(service)
    qtbot.addWidget(panel)
    try:
        target_path = out_dir / "tis.bib"
        service.add_target(Target(path=str(target_path), format="bibtex", scope=Scope("collection", tis)))
        qtbot.waitUntil(lambda: panel.table.item(0, COL_STATE) is not None
                        and panel.table.item(0, COL_STATE).text() == "ok", timeout=10000)
        good = target_path.read_text(encoding="utf-8")
        broken = good + "\n@article{broken2024,\n  title = {never closed,\n  year = 2024\n"
        target_path.write_text(broken, encoding="utf-8")
        line = good.count("\n") + 2
        qtbot.waitUntil(lambda: panel.table.item(0, COL_STATE).text() == "error", timeout=10000)
        cell = panel.table.item(0, COL_ERROR)
        assert cell.text().startswith(f"file has an error at line {line}: ")
        assert "broken2024" in cell.toolTip()
        assert target_path.read_text(encoding="utf-8") == broken
        # Fixed in the editor: the watcher notices, the entry is imported, the error goes.
        target_path.write_text(good + "\n@article{fixed2024,\n  title = {Closed now},\n  year = 2024\n}\n",
                               encoding="utf-8")
        qtbot.waitUntil(lambda: panel.table.item(0, COL_STATE).text() == "ok", timeout=10000)
        assert panel.table.item(0, COL_ERROR).text() == ""
        assert any(i.title == "Closed now" for i in lib.iter_items())
    finally:
        assert service.shutdown()
