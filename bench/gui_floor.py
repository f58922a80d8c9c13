"""The yardsticks of the window benchmarks, and the child process G6 and G11 spawn.

- `bare_window()`: a QMainWindow holding an empty QTableView (G6's floor: Qt's own start-up cost).
- `EagerModel` / `eager_window(folder)`: a plain QAbstractTableModel holding every row's visible columns in
  Python lists, read at once with stdlib sqlite3 (G7's, G8's and G11's floor: the simplest table that works).
- `python -m bench.gui_floor {senref,bare,eager} FOLDER --report {paint,rss}`: open that window, then print
  `painted` once the table's first paint is done, or `rss <MB>` once it has settled.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if sys.version_info < (3, 12):
    import ctypes

    # PySide6 6.12 releases a reference to None on each call of a void method (it counts on 3.12's immortal
    # None): on 3.11 a benchmark's tens of thousands of calls drive None's count to zero and abort the
    # process ("none_dealloc"). A pad of references keeps None alive; the measured code is unchanged.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40

from bench.bench_library import bench_home, rss_mb

# Window state and settings go to a throwaway folder, never to the user's own.
os.environ["SENREF_HOME"] = bench_home()

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

#: The item table's visible columns as stdlib SQL over `items`, in the window's column order.
EAGER_COLUMNS = (
    ("Title", "title"), ("Creator", "creator_summary"), ("Year", "year"), ("Publication", "publication"),
    ("Item Type", "item_type"), ("Date Added", "date_added"), ("Date Modified", "date_modified"),
    ("File", "has_file"), ("Tags", "(SELECT COUNT(*) FROM item_tags t WHERE t.item_id = items.id)"),
    ("Integrity", "json_extract(extras, '$.integrity.status')"),
)
WINDOW_SIZE = (1400, 900)

Index = QModelIndex | QPersistentModelIndex


class EagerModel(QAbstractTableModel):
    """Every row in memory as a Python list: no paging, no SQL after the load."""

    def __init__(self, rows: list[list[Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self.rows = rows

    @classmethod
    def load(cls, folder: Path, parent: Any = None) -> EagerModel:
        conn = sqlite3.connect(f"file:{folder / 'library.sqlite'}?mode=ro", uri=True)
        try:
            cols = ", ".join(sql for _, sql in EAGER_COLUMNS)
            rows = [list(r) for r in conn.execute(f"SELECT {cols} FROM items WHERE deleted = 0 ORDER BY id")]
        finally:
            conn.close()
        return cls(rows, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default index
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EAGER_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return EAGER_COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        return "" if value is None else str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """What an eager table does: sort its lists in Python (None and mixed types first, as text)."""
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=lambda r: "" if r[column] is None else str(r[column]).casefold(),
                       reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


def _window(model: QAbstractTableModel | None) -> tuple[QMainWindow, QTableView]:
    window = QMainWindow()
    table = QTableView(window)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    if model is not None:
        model.setParent(window)
        table.setModel(model)
        table.setSortingEnabled(False)  # the benchmark sorts through the model, as the header would
    window.setCentralWidget(table)
    window.resize(*WINDOW_SIZE)
    return window, table


def bare_window() -> tuple[QMainWindow, QTableView]:
    return _window(None)


def eager_window(folder: Path) -> tuple[QMainWindow, QTableView]:
    return _window(EagerModel.load(folder))


def senref_window(folder: Path) -> tuple[QMainWindow, QTableView]:
    """senref's window opened as `senref` opens it (session, library, window), minus the single-instance server."""
    from senref.gui.app import ensure_application, open_window
    from senref.session import Session

    ensure_application()
    window = open_window(folder, demo=False, session=Session.start(library=folder))
    window.resize(*WINDOW_SIZE)
    return window, window.table


def settle(app: QApplication, seconds: float) -> None:
    """Let the window's background reads (tags, collections, duplicates) land."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def show_now(app: QApplication, table: QTableView) -> None:
    """What a user waits for: pending events handled, then the visible rows painted (which fetches them)."""
    app.processEvents()
    table.viewport().repaint()


def wait_reads(app: QApplication, window: Any) -> None:
    """Until senref's window has no read in flight (its queries run off the GUI thread)."""
    while not window.reads.is_idle():
        app.processEvents()
        time.sleep(0.0005)
    app.processEvents()


def exit_now(code: int = 0) -> None:
    """Leave without tearing the windows down: PySide6 can crash deallocating a live window at interpreter
    exit, which would turn a finished benchmark into a failed one (and tear-down is not what is measured)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def open_pair(folder: Path) -> tuple[QApplication, tuple[Any, QTableView], tuple[QMainWindow, QTableView]]:
    """senref's window and the eager floor, both shown, the floor's columns as wide as senref's."""
    from senref.gui.app import ensure_application

    app = ensure_application()
    window, table = senref_window(folder)
    window.show()
    floor, floor_table = eager_window(folder)
    floor.show()
    show_now(app, table)
    settle(app, 1.0)
    wait_reads(app, window)
    for column in range(min(table.model().columnCount(), floor_table.model().columnCount())):
        floor_table.setColumnWidth(column, table.columnWidth(column))
        floor_table.setColumnHidden(column, table.isColumnHidden(column))
    show_now(app, floor_table)
    return app, (window, table), (floor, floor_table)


class _FirstPaint(QObject):
    def __init__(self, on_paint: Any) -> None:
        super().__init__()
        self.on_paint, self.seen = on_paint, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.on_paint)  # once this paint event has been handled: the rows are drawn
        return False


def child(kind: str, folder: Path, report: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if kind == "senref":
        window, table = senref_window(folder)
    else:
        window, table = eager_window(folder) if kind == "eager" else bare_window()
    if report == "paint":
        def painted() -> None:
            # The parent stops its clock when it reads this line.
            print("painted", flush=True)
            os._exit(0)  # the benchmark is the start, not the tear-down
        watcher = _FirstPaint(painted)
        table.viewport().installEventFilter(watcher)
        window.show()
        app.exec()
        return 1  # never painted
    window.show()
    app.processEvents()
    table.viewport().repaint()
    settle(app, 2.0)
    model = table.model()
    print(f"rss {rss_mb():.1f} rows {model.rowCount() if model is not None else 0}", flush=True)
    os._exit(0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=("senref", "bare", "eager"))
    p.add_argument("folder", type=Path)
    p.add_argument("--report", choices=("paint", "rss"), default="paint")
    args = p.parse_args()
    return child(args.kind, args.folder, args.report)


if __name__ == "__main__":
    sys.exit(main())
