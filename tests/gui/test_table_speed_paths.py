"""The item table's fast paths show what the slow ones showed: cells read from the cached pages, icons kept
per item type until the palette changes, a search's answer restoring the selection without rebuilding the
pane, an older query interrupted by a newer one, and macOS file-open events without an app-wide filter."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFileOpenEvent, QPalette
from PySide6.QtWidgets import QApplication

from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.gui.app import start_instance_server
from senref.gui.models.item_table import COLUMNS, PAGE_SIZE, ItemTableModel
from senref.gui.read_interrupt import SupersededReads
from senref.gui.single_instance import instance_name
from tests.gui.conftest import SAMPLE, add_items, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

#: Cells that must show their own row's values on every page: empty, odd and long values.
ODD = [{"title": "", "date": ""}, {"title": "T" * 3000, "date": "0"}, {"title": "Ünïcode — “quotes” \t tab", "date": "2020"},
       {"title": "None", "date": "1999", "publicationTitle": "0"}]


def test_cells_show_their_own_rows_on_every_page(gui_library: Library) -> None:
    add_items(gui_library, SAMPLE + ODD + [{"title": f"Filler {i}", "date": str(1900 + i)} for i in range(PAGE_SIZE + 30)])
    model = ItemTableModel(gui_library)
    rows = gui_library.query(ItemQuery(), 0, model.rowCount())
    assert model.rowCount() == len(rows) > PAGE_SIZE
    for row, found in enumerate(rows):
        for column, (_, name, _) in enumerate(COLUMNS):
            shown = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
            assert shown == ItemTableModel._display(column, found[name]), (row, column)
    # A re-sort forgets the pages and their strings together: the new first row shows its own title.
    model.sort(0, Qt.SortOrder.DescendingOrder)
    first = gui_library.query(model.query, 0, 1)[0]
    assert model.index(0, 0).data() == first["title"]
    assert model.data(model.index(model.rowCount(), 0)) is None and model.data(QModelIndex()) is None
    gui_library.close()


def test_type_icons_are_kept_until_the_palette_changes(window: Any) -> None:
    model, table = window.item_model, window.table
    first = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert first is model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)  # one icon per item type
    assert first.cacheKey() == model.index(0, 0).data(Qt.ItemDataRole.DecorationRole).cacheKey()
    palette = QPalette(table.palette())
    palette.setColor(QPalette.ColorRole.Base, Qt.GlobalColor.darkGray)
    table.setPalette(palette)  # the view hears PaletteChange and the model forgets its icons
    assert not model._type_icons
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None


def test_a_search_keeping_the_shown_item_does_not_rebuild_the_pane(window: Any, qtbot: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    model, table, pane = window.item_model, window.table, window.pane
    key = next(k for k in window.library.keys(model.query) if "navitoclax" in window.library.get_item(k).title)
    table.select_keys([key], key)
    qtbot.waitUntil(lambda: pane.item is not None and pane.item.key == key)
    shown: list[Any] = []
    original = pane.show_item
    monkeypatch.setattr(pane, "show_item", lambda item: (shown.append(item), original(item)))
    window.search_box.setText("navitoclax")
    window.apply_search_now()
    wait_idle(qtbot, window)
    assert model.rowCount() == 1 and table.selected_keys() == [key] and shown == []
    window.search_box.setText("doxorubicin")  # the item drops out: the pane empties, once
    window.apply_search_now()
    wait_idle(qtbot, window)
    assert table.selected_keys() == [] and shown == [None] and pane.item is None


def _slow_sql(conn: sqlite3.Connection) -> int:
    sql = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000000) SELECT SUM(x) FROM n"
    return int(conn.execute(sql).fetchone()[0])


def test_a_newer_read_interrupts_the_older_ones_sql() -> None:
    reads, outcome = SupersededReads(), {}
    started = threading.Event()

    def older(ticket: int) -> None:
        conn = sqlite3.connect(":memory:")
        with reads.running(ticket, conn) as current:
            started.set()
            outcome["older"] = _slow_sql(conn)  # ~minutes unless interrupted
        outcome["older still current"] = current()
    thread = threading.Thread(target=older, args=(reads.begin(),))
    thread.start()
    assert started.wait(10)
    newer = reads.begin()
    thread.join(10)
    assert not thread.is_alive() and "older" not in outcome and outcome["older still current"] is False
    assert reads.is_current(newer)
    with reads.running(newer, sqlite3.connect(":memory:")) as current:
        assert current()


def test_an_error_of_the_current_read_is_not_swallowed() -> None:
    reads = SupersededReads()
    ticket = reads.begin()
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError), reads.running(ticket, conn):
        conn.execute("SELECT * FROM no_such_table")


def test_a_plain_application_gets_no_app_wide_filter_off_macos(window: Any, qtbot: Any, tmp_path: Path) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS installs the filter on an application object senref did not make")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    server = start_instance_server(app, instance_name(tmp_path))
    assert server is not None
    try:
        seen: list[Any] = []
        server.request_received.connect(seen.append)
        QApplication.sendEvent(app, QFileOpenEvent(str(tmp_path / "refs.ris")))
        assert seen == []  # no filter saw the event: it was not installed
    finally:
        server.close()
        server.deleteLater()


FILE_OPEN = """
import sys
from pathlib import Path
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from senref.gui.app import SenrefApplication, ensure_application, start_instance_server
app = ensure_application()
assert isinstance(app, SenrefApplication), type(app)
server = start_instance_server(app, sys.argv[1])
seen = []
server.request_received.connect(seen.append)
QApplication.sendEvent(app, QFileOpenEvent(sys.argv[2]))
print(seen)
server.close()
"""


def test_file_open_events_reach_the_server_through_the_application_object(tmp_path: Path) -> None:
    ris = tmp_path / "refs.ris"
    ris.write_text("TY  - JOUR\nTI  - Senescence\nER  - \n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SENREF_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", FILE_OPEN, f"senref-test-{os.getpid()}", str(ris)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str([{"action": "open", "files": [str(ris.resolve())], "texts": []}])
