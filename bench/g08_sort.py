"""G8: sort by each sortable visible column, both ways: ms from the header's sort request to the first rows
painted, senref's window vs the eager floor sorting its Python lists (gui_floor), in alternating order.
The figure is the slowest column's median (the bound is "sort by any column").

    python -m bench.g08_sort -n 100000 --runs 3
"""

from __future__ import annotations

import statistics
import time

from PySide6.QtCore import Qt

from bench.bench_library import goal_row, library_folder, ms_since, parser, ratio_of_pairs
from bench.gui_floor import exit_now, open_pair, show_now
from senref.gui.models.item_table import COLUMNS

MUST_MS, GOAL_MS = 300.0, 100.0
ORDERS = (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder)


def main() -> int:
    args = parser(__doc__, runs=3).parse_args()
    app, (_window, table), (_floor, floor_table) = open_pair(library_folder(args.n))
    header = table.horizontalHeader()
    sortable = [i for i, c in enumerate(COLUMNS) if c[2] is not None]

    def senref(column: int, order: Qt.SortOrder) -> float:
        start = time.perf_counter()
        header.setSortIndicator(column, order)  # what a header click does
        show_now(app, table)
        return ms_since(start)

    def floor(column: int, order: Qt.SortOrder) -> float:
        start = time.perf_counter()
        floor_table.model().sort(column, order)
        show_now(app, floor_table)
        return ms_since(start)

    by_column: dict[str, list[float]] = {COLUMNS[c][0]: [] for c in sortable}
    a: list[float] = []
    b: list[float] = []
    for k in range(args.runs):
        for column in sortable:
            for order in ORDERS:
                if k % 2 == 0:
                    a.append(senref(column, order))
                    b.append(floor(column, order))
                else:
                    b.append(floor(column, order))
                    a.append(senref(column, order))
                by_column[COLUMNS[column][0]].append(a[-1])
    medians = {name: statistics.median(v) for name, v in by_column.items()}
    worst = max(medians, key=lambda name: medians[name])
    print("median ms by column: " + ", ".join(f"{name} {ms:.0f}" for name, ms in medians.items()))
    ratio = ratio_of_pairs(a, b)
    goal_row(f"G8 sort, slowest column ({worst})", args.n, f"{medians[worst]:.1f} ms",
             f"{statistics.median(b):.1f} ms (median)", ratio, must=f"{MUST_MS:.0f} ms", target=f"{GOAL_MS:.0f} ms",
             must_met=medians[worst] <= MUST_MS, goal_met=medians[worst] <= GOAL_MS)
    return 0


if __name__ == "__main__":
    exit_now(main())
