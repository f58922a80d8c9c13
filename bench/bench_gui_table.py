"""Item table latency on a generated library (default 100,000 records): window open, sort by year,
tag filter and quick search, in milliseconds, measured on the real main window (offscreen)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Window state goes to a throwaway folder, never to the user's own settings.
os.environ.setdefault("SENREF_HOME", tempfile.mkdtemp(prefix="senref-bench-"))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from bench.corpus import build
from senref.core.library import Library
from senref.core.settings import load_settings
from senref.gui.app import ensure_application
from senref.gui.main_window import MainWindow
from senref.gui.models.item_table import COL_TITLE, COL_YEAR


def settle(app: QApplication) -> None:
    """Paint what changed: the cost a user sees includes the view fetching its visible rows."""
    app.processEvents()
    for widget in app.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.table.viewport().repaint()  # synchronous paint: every visible row is fetched


def timed(app: QApplication, action: Callable[[], None], repeat: int = 7) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        settle(app)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    if not (args.folder / "library.sqlite").exists():
        seconds = build(args.folder, args.n)
        print(f"built {args.n} records in {seconds:.1f} s")
    app = ensure_application()
    start = time.perf_counter()
    window = MainWindow(Library.open(args.folder, role="gui"), settings=load_settings())
    window.resize(1400, 900)
    window.show()
    settle(app)
    open_ms = (time.perf_counter() - start) * 1000
    model, header = window.item_model, window.table.horizontalHeader()
    print(f"library: {model.rowCount():,} items")
    print(f"{open_ms:8.1f} ms  open the window (first page shown; tags and collections load in the background)")

    orders = iter([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder] * 20)
    print(f"{timed(app, lambda: header.setSortIndicator(COL_YEAR, next(orders))):8.1f} ms  sort by year")
    window.table.scrollToBottom()
    rows = iter(range(5_000, 100_000, 3_000))
    print(f"{timed(app, lambda: window.table.scrollTo(model.index(min(next(rows), model.rowCount() - 1), 0))):8.1f}"
          " ms  jump to another part of the table (uncached page)")
    header.setSortIndicator(COL_TITLE, Qt.SortOrder.AscendingOrder)

    def answered() -> None:
        # Filters are read off the GUI thread; the figure is the time until the table shows the answer.
        while not window.reads.is_idle():
            app.processEvents()
            time.sleep(0.001)

    def tag_filter() -> None:
        window.on_tag_filter_changed(["review"], "and")
        answered()
        window.on_tag_filter_changed([], "and")
        answered()
    window.reads.pool.waitForDone()
    answered()
    print(f"{timed(app, tag_filter) / 2:8.1f} ms  filter by a tag ('review', then cleared), until shown")

    words = iter(["senolytic", "navitoclax fibrosis", "bench.7.99999", "dasatinib", "p16INK4a"] * 3)

    def search() -> None:
        window.search_box.setText(next(words))
        window.apply_search_now()
        answered()
    print(f"{timed(app, search):8.1f} ms  quick search (count + first page), until shown")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
