"""Search, page and filter latency on a generated library (default 100,000 records), as ratios and ms."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import build
from senref.core.library import Library
from senref.storage.queries import ItemQuery


def timed(fn, repeat: int = 15) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    if not (args.folder / "library.sqlite").exists():
        seconds = build(args.folder, args.n)
        print(f"import: {args.n} records in {seconds:.1f} s ({args.n / seconds:.0f}/s)")
    lib = Library.open(args.folder, autotag=False)
    n = lib.count()
    print(f"library: {n} items")
    bench = lib.find_collection("Bench")
    cases = {
        "search 'senolytic' (count + first page)": lambda: (lib.count(ItemQuery(search="senolytic")),
                                                             lib.query(ItemQuery(search="senolytic"), 0, 100)),
        "search 'navitoclax fibrosis' first page": lambda: lib.query(ItemQuery(search="navitoclax fibrosis"), 0, 100),
        "search rare DOI": lambda: lib.query(ItemQuery(search="bench.7.99999"), 0, 100),
        "first page sorted by title": lambda: lib.query(ItemQuery(), 0, 100),
        "page at offset 50,000 sorted by year desc": lambda: lib.query(ItemQuery(sort="year", descending=True), 50_000, 100),
        "tag filter 'review' first page + count": lambda: (lib.count(ItemQuery(tags=["review"])),
                                                          lib.query(ItemQuery(tags=["review"]), 0, 100)),
        "collection filter (recursive) first page": lambda: lib.query(
            ItemQuery(collection=bench, recursive=True), 0, 100),
        "collection filter (recursive) count": lambda: lib.count(ItemQuery(collection=bench, recursive=True)),
        "collection tree with item counts": lambda: lib.list_collections(),
        "count all": lambda: lib.count(),
        "tag selector counts (whole library)": lambda: lib.tag_counts(),
    }
    for name, fn in cases.items():
        print(f"{timed(fn):8.2f} ms  {name}")
    lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
