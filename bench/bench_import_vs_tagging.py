"""Import throughput with and without automatic topic tagging, and tagging alone (ratios in one run)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import build, records
from senref.topics.tagger import get_tagger


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = build(Path(tmp) / "plain", args.n, autotag=False)
        tagged = build(Path(tmp) / "tagged", args.n, autotag=True)
    tagger = get_tagger()
    items = [r.item for r in records(args.n)]
    start = time.perf_counter()
    for item in items:
        tagger.apply(item)
    tagging = time.perf_counter() - start
    print(f"{args.n} records")
    print(f"  import without tagging: {plain:7.1f} s ({args.n / plain:7.0f}/s)")
    print(f"  import with tagging:    {tagged:7.1f} s ({args.n / tagged:7.0f}/s)")
    print(f"  tagging alone:          {tagging:7.1f} s ({args.n / tagging:7.0f}/s)")
    print(f"  tagging / import ratio: {tagging / plain:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
