"""G6: cold start, from spawning the process to the table's first paint, for senref's window on the
N-record library vs a bare QMainWindow with an empty QTableView (offscreen), in alternating pairs.

    python -m bench.g06_cold_start -n 100000 --runs 5
"""

from __future__ import annotations

import os
import statistics
import sys

from bench.bench_library import goal_row, library_folder, parser, ratio_of_pairs, spawn_until
from bench.harness import child_env

MUST, GOAL = 3.0, 1.5


def main() -> int:
    args = parser(__doc__, runs=5).parse_args()
    # Both sides start as every other benchmark's children do (harness.child_env; run_all already ran this
    # script so): from compiled bytecode. Started from a shell with PYTHONDONTWRITEBYTECODE set, senref
    # compiled its ~200 modules afresh on every start while the bare window's were all compiled.
    os.environ.clear()
    os.environ.update(child_env())
    folder = str(library_folder(args.n))
    # One unmeasured start of each warms the page cache and Python's bytecode cache for both alike.
    for kind in () if args.no_warmup else ("senref", "bare"):
        spawn_until(["bench.gui_floor", kind, folder], "painted")
    senref: list[float] = []
    bare: list[float] = []
    for k in range(args.runs):
        order = (("senref", senref), ("bare", bare)) if k % 2 == 0 else (("bare", bare), ("senref", senref))
        for kind, samples in order:
            samples.append(spawn_until(["bench.gui_floor", kind, folder], "painted")[0])
    a, b = statistics.median(senref), statistics.median(bare)
    ratio = a / b
    print(f"senref ms: {[round(x) for x in senref]}  bare ms: {[round(x) for x in bare]}  "
          f"median of pair ratios {ratio_of_pairs(senref, bare):.2f}x")
    goal_row("G6 cold start to painted table", args.n, f"{a:.0f} ms", f"{b:.0f} ms", ratio,
             must=f"{MUST}x", target=f"{GOAL}x", must_met=ratio <= MUST, goal_met=ratio <= GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
