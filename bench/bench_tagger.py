"""Tag N generated records with the topic tagger and print records/s (compare with bench/corpus.py import times)."""

from __future__ import annotations

import argparse
import sys
import time

from bench.corpus import records
from senref.topics.tagger import Tagger
from senref.topics.vocabulary import load_vocabulary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000, help="number of records (default 100000)")
    args = parser.parse_args()
    start = time.perf_counter()
    tagger = Tagger(load_vocabulary(include_user=False))
    compiled = time.perf_counter() - start
    items = [record.item for record in records(args.n)]
    chars = sum(len(i.fields.get("title", "")) + len(i.fields.get("abstractNote", "")) for i in items)
    start = time.perf_counter()
    tagged = sum(1 for item in items if tagger.apply(item))
    elapsed = time.perf_counter() - start
    print(f"vocabulary compiled in {compiled * 1000:.0f} ms ({len(tagger.names)} topics, "
          f"{len(tagger.scanner.term_of_id)} terms)")
    print(f"{args.n} records ({chars / args.n:.0f} characters each) tagged in {elapsed:.1f} s: "
          f"{args.n / elapsed:,.0f} records/s; {tagged} got topic tags")
    return 0


if __name__ == "__main__":
    sys.exit(main())
