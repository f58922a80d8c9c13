"""G7: scroll jump p95: the real window's table jumps to random rows (scrollTo), timed until the viewport
has repainted, vs a bare QTableView over an eager Python-list model of the same columns (gui_floor),
jump by jump in alternating order.

    python -m bench.g07_scroll -n 100000 --runs 5
"""

from __future__ import annotations

import random
import statistics
import time

from PySide6.QtWidgets import QTableView

from bench.bench_library import goal_row, library_folder, ms_since, p95, parser
from bench.gui_floor import exit_now, open_pair, show_now

MUST, GOAL = 1.2, 1.0
JUMPS = 40


def main() -> int:
    args = parser(__doc__, runs=5).parse_args()
    app, (_window, table), (_floor, floor_table) = open_pair(library_folder(args.n))
    rng = random.Random(7)
    rows = table.model().rowCount()

    def jump(view: QTableView, row: int) -> float:
        start = time.perf_counter()
        view.scrollTo(view.model().index(row, 0), QTableView.ScrollHint.PositionAtTop)
        show_now(app, view)
        return ms_since(start)

    for _ in range(0 if args.no_warmup else 5):  # unmeasured: fonts, icons and the first pages' statements
        row = rng.randrange(rows)
        jump(table, row)
        jump(floor_table, row)
    p95_a: list[float] = []
    p95_b: list[float] = []
    for k in range(args.runs):
        a: list[float] = []
        b: list[float] = []
        for j in range(JUMPS):
            row = rng.randrange(rows)
            if (j + k) % 2 == 0:
                a.append(jump(table, row))
                b.append(jump(floor_table, row))
            else:
                b.append(jump(floor_table, row))
                a.append(jump(table, row))
        p95_a.append(p95(a))
        p95_b.append(p95(b))
    ratio = statistics.median(x / y for x, y in zip(p95_a, p95_b, strict=True))
    a95, b95 = statistics.median(p95_a), statistics.median(p95_b)
    goal_row("G7 scroll jump p95", args.n, f"{a95:.1f} ms", f"{b95:.1f} ms", ratio,
             must=f"{MUST}x", target=f"{GOAL}x", must_met=ratio <= MUST, goal_met=ratio <= GOAL)
    return 0


if __name__ == "__main__":
    exit_now(main())
