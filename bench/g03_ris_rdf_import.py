"""G3 RIS and Zotero RDF import, each vs the SQLite + FTS5 floor (bench/floor.py) on the same file.

    python -m bench.g03_ris_rdf_import -n 10000 [--pairs 5] [--only ris|rdf]

Bounds (issue 15): must 1.6x, goal 1.3x.
"""

from __future__ import annotations

import sys

from bench.harness import SenrefImport, bench_parser, bounds, cleanup, compare, corpus, emit_json, floor_side, fresh_home, goal_row

LABELS = {"ris": "RIS", "rdf": "Zotero RDF"}


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--only", choices=sorted(LABELS))
    args = parser.parse_args(argv)
    files = corpus(args)
    payload: dict[str, object] = {"goal": "G3"}
    for fmt in [args.only] if args.only else list(LABELS):
        senref, work = SenrefImport(files[fmt]), fresh_home("floor")
        try:
            result = compare(senref.side(), floor_side(files[fmt], work), args.pairs, warmup=not args.no_warmup)
        finally:
            senref.close()
            cleanup(work)
        ratio = result.median_ratio
        print(goal_row(f"G3 {LABELS[fmt]} import vs SQLite+FTS5 floor", args.n, f"{ratio:.2f}x", "1.6x", "1.3x",
                       met=bounds(ratio, 1.6, 1.3), detail=f"{result.median('a'):.1f} s vs {result.median('b'):.1f} s; "
                       f"peak {result.peak('a'):.0f} MB vs {result.peak('b'):.0f} MB"), flush=True)
        payload[fmt] = result.as_dict()
    emit_json(args.json, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
