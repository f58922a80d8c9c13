"""Filtering the ~10,800 official CSL styles as a user types, against a bare substring scan of the titles.

Prints, per keystroke of a typed query, the median of paired ratios senref/yardstick and senref's time.
Run by hand: `python bench/bench_style_filter.py` (the picker filters on every keystroke on the GUI thread,
so this is what a user waits for; a 50 ms keystroke is the bound a person notices).
"""

from __future__ import annotations

import statistics
import time

from senref.formats.csl_styles import normalise, official

TYPED = "journal of the national cancer"


def main() -> None:
    lib = official()
    entries = lib.entries()
    titles = [normalise(f"{e.title} {e.title_short} {e.id}") for e in entries]
    ratios, ours_ms = [], []
    for end in range(1, len(TYPED) + 1):
        query = normalise(TYPED[:end])
        for _ in range(3):  # A B A B: alternate so machine noise hits both alike
            started = time.perf_counter()
            lib.search(TYPED[:end])
            ours = time.perf_counter() - started
            started = time.perf_counter()
            _ = [t for t in titles if query in t]
            floor = time.perf_counter() - started
            ratios.append(ours / floor if floor else 1.0)
            ours_ms.append(ours * 1000)
    print(f"{len(entries):,} styles, {len(TYPED)} keystrokes: senref/substring-scan median ratio "
          f"{statistics.median(ratios):.2f}x, senref median {statistics.median(ours_ms):.1f} ms, "
          f"worst {max(ours_ms):.1f} ms")


if __name__ == "__main__":
    main()
