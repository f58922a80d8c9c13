"""G11: idle memory: resident set size of senref's window on the N-record library once it has opened and
settled (2 s of events: tags, collections and duplicates read in the background), vs the eager-table floor
(every row's visible columns in Python lists behind a QAbstractTableModel), each in its own process,
in alternating pairs.

    python -m bench.g11_idle_memory -n 100000 --runs 3
"""

from __future__ import annotations

import statistics
import sys

from bench.bench_library import goal_row, library_folder, parser, ratio_of_pairs, spawn_until

MUST, GOAL = 1.2, 1.0


def rss(kind: str, folder: str) -> float:
    line = spawn_until(["bench.gui_floor", kind, folder, "--report", "rss"], "rss")[1]
    return float(line.split()[1])


def main() -> int:
    args = parser(__doc__, runs=3).parse_args()
    folder = str(library_folder(args.n))
    senref: list[float] = []
    eager: list[float] = []
    for k in range(args.runs):
        if k % 2 == 0:
            senref.append(rss("senref", folder))
            eager.append(rss("eager", folder))
        else:
            eager.append(rss("eager", folder))
            senref.append(rss("senref", folder))
    ratio = ratio_of_pairs(senref, eager)
    goal_row("G11 idle memory (RSS)", args.n, f"{statistics.median(senref):.0f} MB",
             f"{statistics.median(eager):.0f} MB", ratio, must=f"{MUST}x", target=f"{GOAL}x",
             must_met=ratio <= MUST, goal_met=ratio <= GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
