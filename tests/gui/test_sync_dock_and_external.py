"""The sync panel as a dock of the real window, and changes made by other processes showing in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from senref.gui.sync_panel import COL_TARGET

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

SAVE_ONE = """
import sys
from senref.core.library import Library
from senref.core.model import Item
with Library.open(sys.argv[1], autotag=False) as lib:
    lib.save_item(Item(fields={"title": "Written by another process", "date": "2024"}))
    lib.create_collection("From the CLI")
"""


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SENREF_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "senref", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_sync_dock_lists_a_target_added_by_the_cli(window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = window
    assert win.sync_dock.widget() is win.sync_panel and not win.sync_dock.isVisible()
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    assert win.sync_action in view_menu.actions() and win.sync_action.text() == "Sync"
    win.sync_action.trigger()
    assert win.sync_dock.isVisible()
    out = tmp_path / "tis.bib"
    done = run_cli("--library", str(win.library.folder), "sync", "add", "--format", "bibtex", "-o", str(out),
                   home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    # The service re-reads its targets when asked (the panel's refresh follows its signal).
    win.sync_service.reload()
    table = win.sync_panel.table
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    assert "tis.bib" in table.item(0, COL_TARGET).text()


def test_items_written_by_another_process_show_up(window: Any, qtbot: Any) -> None:
    win = window
    assert win.item_model.rowCount() == 3
    done = subprocess.run([sys.executable, "-c", SAVE_ONE, str(win.library.folder)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    with qtbot.waitSignal(win.external_controller.external_change_seen, timeout=6_000):
        pass  # the 2-second poll notices the new library version
    qtbot.waitUntil(lambda: win.item_model.rowCount() == 4)
    qtbot.waitUntil(lambda: any(c.name == "From the CLI" for c in win.collection_controller.collections))
    assert win.count_label.text() == "4 items"
