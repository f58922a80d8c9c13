"""G9: filter-as-you-type: queries typed key by key into the window's search field (QTest.keyClicks), timed
from each key to the table painted with that text's rows. The window's typing pause (the browse
controller's SEARCH_DELAY_MS debounce) is left out: after each key the benchmark stops that timer and
issues the query itself, as its timeout would. Each typed word starts with a one-letter query.
The floor: a bare QTableView showing raw FTS5's count and first page for the same text (stdlib sqlite3), painted.

    python -m bench.g09_filter_typing -n 100000 --runs 2
"""

from __future__ import annotations

import sqlite3
import statistics
import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from bench.bench_library import goal_row, library_folder, ms_since, p95, parser
from bench.gui_floor import EAGER_COLUMNS, EagerModel, exit_now, open_pair, show_now, wait_reads
from senref.gui.models.item_table import PAGE_SIZE
from senref.storage.queries import fts_query, search_table

MUST_MS, GOAL_MS = 100.0, 50.0
TYPED = ("senolytic", "p16", "Campisi", "dasatinib quercetin", "bench.7.4", "2015", "r", "macrophage lung", "Müller")


def type_key(box: QLineEdit, ch: str) -> None:
    """One key as the user presses it (QTest only maps ASCII keys; others go as the key event's text)."""
    if ch.isascii():
        QTest.keyClicks(box, ch)
        return
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(box, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def main() -> int:
    args = parser(__doc__, runs=2).parse_args()
    folder = library_folder(args.n)
    app, (window, table), (_floor, floor_table) = open_pair(folder)
    browse, box, model = window.browse_controller, window.search_box, window.item_model
    raw = sqlite3.connect(f"file:{folder / 'library.sqlite'}?mode=ro", uri=True)

    def clear() -> None:
        box.clear()
        browse.apply_query()
        wait_reads(app, window)
        show_now(app, table)

    def key(ch: str) -> float:
        start = time.perf_counter()
        type_key(box, ch)
        browse.search_timer.stop()  # the typing pause is not counted ...
        browse.apply_query()  # ... so the query is issued now, as the timer's timeout does
        wait_reads(app, window)
        assert model.query.search == box.text()
        show_now(app, table)
        return ms_since(start)

    floor_model = floor_table.model()
    assert isinstance(floor_model, EagerModel)
    cols = ", ".join(sql for _, sql in EAGER_COLUMNS)

    def floor(text: str) -> float:
        """A bare table showing raw FTS5's count and first page for *text*, painted."""
        start = time.perf_counter()
        match = fts_query(text)
        if match:
            table = search_table(match)  # the search table that answers it best (schema 9 has two)
            raw.execute(f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ?", (match,)).fetchone()
            rows = raw.execute(f"SELECT {cols} FROM items WHERE id IN (SELECT rowid FROM {table} "
                               f"WHERE {table} MATCH ? LIMIT ?)", (match, PAGE_SIZE)).fetchall()
        else:
            rows = raw.execute(f"SELECT {cols} FROM items LIMIT ?", (PAGE_SIZE,)).fetchall()
        floor_model.beginResetModel()
        floor_model.rows = [list(r) for r in rows]
        floor_model.endResetModel()
        show_now(app, floor_table)
        return ms_since(start)

    box.setFocus()
    a: list[float] = []
    b: list[float] = []
    one_letter: list[float] = []
    worst: tuple[float, str] = (0.0, "")
    for k in range(args.runs):
        for j, word in enumerate(TYPED):
            clear()
            for i, ch in enumerate(word):
                text = word[: i + 1]
                if (j + k) % 2 == 0:
                    a.append(key(ch))
                    b.append(floor(text))
                else:
                    b.append(floor(text))
                    a.append(key(ch))
                if len(text) == 1:
                    one_letter.append(a[-1])
                worst = max(worst, (a[-1], text))
    raw.close()
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True) if y > 0)
    print(f"{len(a)} keys; one-letter queries: median {statistics.median(one_letter):.0f} ms, "
          f"max {max(one_letter):.0f} ms; slowest key: {worst[1]!r} {worst[0]:.0f} ms")
    goal_row("G9 filter-as-you-type p95", args.n, f"{p95(a):.1f} ms", f"{p95(b):.1f} ms", ratio,
             must=f"{MUST_MS:.0f} ms", target=f"{GOAL_MS:.0f} ms", must_met=p95(a) <= MUST_MS, goal_met=p95(a) <= GOAL_MS)
    return 0


if __name__ == "__main__":
    exit_now(main())
