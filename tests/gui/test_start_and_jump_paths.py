"""The start-up and scroll-jump paths of issue 15 (G6, G7) answer what the old ones answered: deep pages of
SEEK_PAGE rows starting on any SEEK_STEP row give the OFFSET rows in any order of access; cells read by
position are the cells read by name, role for role; the side panes' reads and the pane's first item wait
for the table's first paint and still land; the first full garbage collection waits for a quiet moment."""

from __future__ import annotations

import gc
import itertools
import random
import sqlite3
import time
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QTableView

from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.core.settings import load_settings
from senref.gui import gc_policy, icons
from senref.gui.first_paint import AfterFirstPaint
from senref.gui.models import item_table
from senref.gui.models.item_table import (
    COL_CITED,
    COL_FILE,
    COL_INTEGRITY,
    COL_PUBLICATION,
    COL_TAGS,
    COL_TITLE,
    COL_YEAR,
    COLUMNS,
    KEY_ROLE,
    SORT_ROLE,
    ItemTableModel,
)
from senref.gui.workers.tasks import TaskRunner
from tests.gui.conftest import SAMPLE, add_items, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

SPECS: list[dict[str, Any]] = (
    [{"title": "Same", "date": "2001", "publicationTitle": "J"} for _ in range(40)]
    + [{"title": f"Senescence {i % 37} of {i}", "date": str(1900 + i % 90), "publicationTitle": f"P{i % 7}",
        "creators": [f"Author{i % 11}"], "tags": ["hot"] if i % 3 == 0 else []} for i in range(430)]
)


def _accesses(rng: random.Random, n: int) -> list[int]:
    """Rows in the orders a table asks for them: jumps, screens read down, screens read up, single rows."""
    rows: list[int] = []
    for _ in range(30):
        top = rng.randrange(n)
        kind = rng.randrange(4)
        if kind == 0:
            rows += range(top, min(n, top + 35))
        elif kind == 1:
            rows += range(top, max(-1, top - 60), -1)
        elif kind == 2:
            rows += [rng.randrange(n) for _ in range(5)]
        else:
            rows += range(max(0, top - 3), min(n, top + 90), 7)
    return rows


@pytest.mark.parametrize("query", [ItemQuery(), ItemQuery(sort="year", descending=True),
                                   ItemQuery(search="senescence", sort="creator"), ItemQuery(tags=["hot"])])
@pytest.mark.parametrize("seek_from", [0, 25, 200])
def test_deep_pages_give_the_offset_rows_in_any_order_of_access(gui_library: Library, monkeypatch: pytest.MonkeyPatch,
                                                                query: ItemQuery, seek_from: int) -> None:
    add_items(gui_library, SPECS)
    monkeypatch.setattr(item_table, "SEEK_FROM", seek_from)
    monkeypatch.setattr(item_table, "MAX_ROWS", 150)  # evictions happen within the test
    model = ItemTableModel(gui_library)
    model.set_query(query)
    n = model.rowCount()
    expected = [dict(r) for r in gui_library.query(model.query, 0, n + 5)]
    assert len(expected) == n > 50
    rng = random.Random(seek_from * 31 + n)
    for row in _accesses(rng, n):
        found = model._row(row)
        assert found is not None and dict(found) == expected[row], row
        assert model.key_at(row) == expected[row]["key"]
        assert model._cached_rows == sum(len(page[0]) for page in model._pages.values())
        assert model._cached_rows <= 150 + item_table.PAGE_SIZE
    # Keys are found on whatever pages are cached, wherever those pages start.
    cached = [start + offset for start, (page, _, _) in model._pages.items() for offset in range(len(page))]
    wanted = [expected[row]["key"] for row in cached[:: max(1, len(cached) // 20)]]
    assert all(expected[row]["key"] == key for key, row in model.rows_of(wanted).items())
    assert set(model.rows_of(wanted)) == set(wanted)
    assert model._row(n) is None and model.key_at(n) is None
    gui_library.close()


def test_a_jump_reads_one_short_page_from_its_first_row(gui_library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    add_items(gui_library, SPECS)
    monkeypatch.setattr(item_table, "SEEK_FROM", 0)
    model = ItemTableModel(gui_library)
    reads: list[int] = []
    fetch = model._fetch

    def counted(offset: int, size: int = item_table.PAGE_SIZE) -> list[Any]:
        reads.append(size)
        return fetch(offset, size)
    monkeypatch.setattr(model, "_fetch", counted)
    for row in range(313, 313 + 35):  # a screen from row 313: one page of SEEK_PAGE rows, not two of 200
        model._row(row)
    assert reads == [item_table.SEEK_PAGE]
    for row in range(312, 250, -1):  # reading up ends each new page where the cached one begins
        model._row(row)
    starts = sorted(model._pages)
    assert all(b - a <= item_table.SEEK_PAGE for a, b in itertools.pairwise(starts))
    assert sum(reads) <= 35 + 62 + 2 * item_table.SEEK_PAGE
    gui_library.close()


def _old_data(model: ItemTableModel, found: sqlite3.Row, column: int, role: int) -> Any:
    """The cell as data() answered it reading its row by column name (before issue 15's G7 work)."""
    value = found[COLUMNS[column][1]]
    if role == Qt.ItemDataRole.DisplayRole:
        return ItemTableModel._display(column, value)
    if role == Qt.ItemDataRole.DecorationRole:
        if column == COL_TITLE:
            return icons.item_type_icon(str(found["item_type"])).cacheKey()
        if column == COL_FILE:
            icon = icons.attachment_icon(int(value or 0))
            return icon.cacheKey() if icon is not None else None
        if column == COL_TAGS:
            colored = model.item_colors(str(found["key"])) if model._tag_colors else []
            return model._dots(tuple(color for _, color in colored)).cacheKey() if colored else None
        return None
    if role == Qt.ItemDataRole.ToolTipRole:
        if column == COL_TITLE and found["integrity"] in item_table._INTEGRITY_TEXT:
            return f"{item_table._INTEGRITY_TEXT[found['integrity']]}: {value or ''}"
        if column in (COL_TITLE, COL_PUBLICATION):
            return str(value or "")
        if column == COL_FILE:
            kind = int(value or 0)
            return icons.attachment_tooltip(kind) if kind else None
        if column == COL_TAGS and model._tag_colors:
            return ", ".join(name for name, _ in model.item_colors(str(found["key"]))) or None
        return None
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return item_table._CENTRED if column in (COL_YEAR, COL_FILE, COL_TAGS, COL_CITED) else None
    if role == Qt.ItemDataRole.ForegroundRole:
        flagged = found["integrity"] in ("retracted", "withdrawn", "expression_of_concern")
        return item_table._WARN_COLOUR.name() if flagged and column in (COL_TITLE, COL_INTEGRITY) else None
    if role == SORT_ROLE:
        return value
    if role == KEY_ROLE:
        return str(found["key"])
    return None


def test_cells_read_by_position_are_the_cells_read_by_name(gui_library: Library) -> None:
    add_items(gui_library, SAMPLE)
    names = list(gui_library.query(ItemQuery(), 0, 1)[0].keys())
    memory = sqlite3.connect(":memory:")
    memory.row_factory = sqlite3.Row
    memory.execute(f"CREATE TABLE t ({', '.join(names)})")
    rng = random.Random(5)
    pick = {"integrity": [None, "", "retracted", "withdrawn", "expression_of_concern", "corrected", "updated", "odd"],
            "attachment_kind": [None, 0, 1, 2, 3, 4, 9], "item_type": ["journalArticle", "book", "nonsense", ""],
            "n_tags": [0, 1, 12, None], "cited_by": [None, 0, 7]}
    for n in range(60):
        row = {name: rng.choice(pick[name]) if name in pick else rng.choice([None, "", f"{name} {n}", "0"])
               for name in names}
        row["key"] = f"K{n:03d}"
        memory.execute(f"INSERT INTO t VALUES ({', '.join('?' for _ in names)})", [row[name] for name in names])
    # Columns in another order than the library's: positions come from each page's own names.
    shuffled = names[::-1]
    model = ItemTableModel(gui_library)
    model._read_page = lambda _q, offset, limit: memory.execute(
        f"SELECT {', '.join(shuffled)} FROM t LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    model.set_query(ItemQuery(), count=60)
    model.set_tag_colors({"red": "#ff0000", "blue": "#0000ff"}, {"red": {"K001", "K005", "K010"}, "blue": {"K005"}})
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
             Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole, SORT_ROLE, KEY_ROLE,
             Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.CheckStateRole]
    expected_rows = memory.execute("SELECT * FROM t").fetchall()
    for row in rng.sample(range(60), 60):
        for column in range(len(COLUMNS)):
            for role in roles:
                shown = model.data(model.index(row, column), role)
                if role == Qt.ItemDataRole.DecorationRole and shown is not None:
                    shown = shown.cacheKey()
                if role == Qt.ItemDataRole.ForegroundRole and shown is not None:
                    shown = shown.name()
                assert shown == _old_data(model, expected_rows[row], column, role), (row, column, role)
    gui_library.close()


class _PaintSeen(QObject):
    def __init__(self, order: list[str]) -> None:
        super().__init__()
        self.order = order

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and "paint" not in self.order:
            self.order.append("paint")
        return False


def test_work_waits_for_the_first_paint_and_holds_the_reads(qtbot: Any) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    order: list[str] = []
    seen = _PaintSeen(order)
    view.viewport().installEventFilter(seen)
    reads = TaskRunner(1)
    view.show()
    later = AfterFirstPaint(view.viewport(), [lambda: order.append("a"), lambda: order.append("b")], reads=reads)
    assert later.pending and not reads.is_idle() and order == []
    qtbot.waitUntil(lambda: order[-1:] == ["b"])
    assert order == ["paint", "a", "b"] and reads.is_idle() and not later.pending


def test_a_widget_not_on_screen_gets_its_work_on_the_first_turn(qtbot: Any) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    ran: list[int] = []
    reads = TaskRunner(1)
    AfterFirstPaint(view.viewport(), [lambda: ran.append(1)], reads=reads)
    qtbot.waitUntil(lambda: ran == [1])
    assert reads.is_idle()
    cancelled = AfterFirstPaint(view.viewport(), [lambda: ran.append(2)], reads=reads)
    cancelled.cancel()
    assert reads.is_idle()
    qtbot.wait(50)
    assert ran == [1]


def test_the_window_paints_its_table_before_the_side_reads_and_the_pane(qtbot: Any, gui_library: Library,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from senref.gui.controllers.browse import BrowseController
    from senref.gui.controllers.collections import CollectionsController
    from senref.gui.controllers.duplicates import DuplicatesController
    from senref.gui.controllers.tags import TagsController
    from senref.gui.main_window import MainWindow

    add_items(gui_library, SAMPLE)
    order: list[str] = []
    for cls, name in ((CollectionsController, "refresh"), (TagsController, "refresh"),
                      (DuplicatesController, "refresh"), (BrowseController, "select_first_row")):
        original = getattr(cls, name)

        def wrapped(self: Any, *args: Any, _original: Any = original, _label: str = f"{cls.__name__}.{name}") -> Any:
            order.append(_label)
            return _original(self, *args)
        monkeypatch.setattr(cls, name, wrapped)
    win = MainWindow(gui_library, settings=load_settings())
    qtbot.addWidget(win)
    seen = _PaintSeen(order)
    win.table.viewport().installEventFilter(seen)
    win.resize(1000, 700)
    win.show()
    assert set(order) <= {"paint"}
    wait_idle(qtbot, win)
    assert order[0] == "paint" and sorted(order[1:]) == sorted(["CollectionsController.refresh", "TagsController.refresh",
                                                               "DuplicatesController.refresh",
                                                               "BrowseController.select_first_row"])
    # The pane shows the first row's item once the reads settle, as it did when it came before the paint.
    assert win.pane.item is not None and win.pane.item.key == win.item_model.key_at(0)
    win.close()


def test_a_window_closed_before_its_first_paint_starts_no_read(qtbot: Any, gui_library: Library) -> None:
    from senref.gui.main_window import MainWindow

    add_items(gui_library, SAMPLE)
    win = MainWindow(gui_library, settings=load_settings())
    qtbot.addWidget(win)
    win.close()  # never shown, closed at once: the deferred reads are dropped, not run on a closed library
    qtbot.wait(50)
    assert not win.after_first_paint.pending and win.reads.is_idle()


def test_the_first_full_collection_waits_for_quiet_and_freezes(qapp: Any) -> None:
    thresholds, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    full_before = gc.get_stats()[2]["collections"]
    collector = gc_policy.IdleCollector()
    try:
        assert not collector.frozen and collector.full_collections == 0
        # Building it neither collected nor froze (that was 30 ms of the window's start).
        assert gc.get_freeze_count() == frozen_before and gc.get_stats()[2]["collections"] == full_before
        busy = [True]
        collector.busy_checks.append(lambda: busy[0])
        collector.last_activity -= 2 * gc_policy.QUIET_SECONDS
        collector.on_timer()
        assert collector.full_collections == 0  # a job is running: it waits
        busy[0] = False
        collector.last_activity = time.monotonic() - 2 * gc_policy.QUIET_SECONDS
        collector.on_timer()
        assert collector.full_collections == 1 and collector.frozen and gc.get_freeze_count() > 0
        collector.on_timer()  # nothing happened since: no second collection
        assert collector.full_collections == 1
    finally:
        collector.timer.stop()
        collector.deleteLater()
        gc.set_threshold(*thresholds)
        if not frozen_before:
            gc.unfreeze()
