"""G2 CSL-JSON import vs the SQLite + FTS5 floor (bench/floor.py), and the library's size on disk vs the floor's
(the database files; the library folder with senref's backup copy is shown beside).

    python -m bench.g02_csljson_import -n 10000 [--pairs 5]

Bounds (issue 15): time must 1.5x, goal 1.2x; disk (part 3) must 1.5x.
"""

from __future__ import annotations

import sys

from bench.harness import (
    SenrefImport,
    bench_parser,
    bounds,
    cleanup,
    compare,
    corpus,
    emit_json,
    floor_side,
    folder_mb,
    fresh_home,
    goal_row,
)


def main(argv: list[str] | None = None) -> int:
    args = bench_parser(__doc__).parse_args(argv)
    source = corpus(args)["json"]
    senref, work = SenrefImport(source), fresh_home("floor")
    try:
        result = compare(senref.side(), floor_side(source, work), args.pairs, warmup=not args.no_warmup)
        # The database itself: the folder also holds the backup senref makes on close (shown apart).
        disk_a = sum(f.stat().st_size for f in senref.library.glob("library.sqlite*")) / 1e6
        folder, disk_b = folder_mb(senref.library), folder_mb(work)
    finally:
        senref.close()
        cleanup(work)
    ratio, disk = result.median_ratio, disk_a / disk_b
    print(goal_row("G2 CSL-JSON import vs SQLite+FTS5 floor", args.n, f"{ratio:.2f}x", "1.5x", "1.2x",
                   met=bounds(ratio, 1.5, 1.2), detail=f"{result.median('a'):.1f} s vs {result.median('b'):.1f} s"), flush=True)
    print(goal_row("G2 disk: library size vs floor", args.n, f"{disk:.2f}x", "1.5x", "-", met=bounds(disk, 1.5, None),
                   detail=f"{disk_a:.0f} MB vs {disk_b:.0f} MB; library folder with its backup {folder:.0f} MB"), flush=True)
    emit_json(args.json, {"goal": "G2", **result.as_dict(), "disk_mb": disk_a, "folder_mb": folder,
                          "floor_disk_mb": disk_b})
    return 0


if __name__ == "__main__":
    sys.exit(main())
