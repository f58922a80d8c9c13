"""G5: quick search, count + first page of 50, over a seeded 200-query mix: p95 ms of senref's search path
(`Library.count` + `Library.query` with an `ItemQuery`, as the window issues them) vs raw FTS5
`MATCH ... LIMIT 50` on the same database, query by query in alternating order.

    python -m bench.g05_search -n 100000 --runs 3
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
from collections.abc import Callable

from bench.bench_library import goal_row, library_folder, p95, parser, timed_ms
from bench.corpus import _FIRST, _NAMES, _WORDS
from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.storage.queries import fts_query, search_table

MUST_MS, MUST_RATIO, GOAL_MS = 50.0, 4.0, 25.0
PAGE = 50


def query_mix(n_records: int, count: int = 200, seed: int = 15) -> list[str]:
    """What people type into a quick search box, in a fixed seeded mix."""
    rng = random.Random(seed)
    words = sorted(set(_WORDS))
    makers: list[Callable[[], str]] = [
        lambda: rng.choice(words),                                            # single word
        lambda: f"{rng.choice(words)} {rng.choice(words)}",                   # two words
        lambda: (w := rng.choice(words))[: rng.randint(2, max(2, min(5, len(w))))],  # a prefix
        lambda: rng.choice("abcdefghilmnoprst"),                              # one letter
        lambda: rng.choice(_NAMES),                                           # an author
        lambda: f"{rng.choice(_FIRST)} {rng.choice(_NAMES)}",                 # first and last name
        lambda: f"bench.7.{rng.randrange(n_records)}",                        # a DOI fragment
        lambda: f"10.5555/bench.7.{rng.randrange(max(1, n_records // 10))}",  # a DOI prefix
        lambda: str(rng.randint(1990, 2026)),                                 # a year
        lambda: " ".join(rng.sample(words, 3)),                               # a field-less phrase
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def main() -> int:
    args = parser(__doc__, runs=3).parse_args()
    folder = library_folder(args.n)
    library = Library.open(folder, autotag=False)
    raw = sqlite3.connect(f"file:{folder / 'library.sqlite'}?mode=ro", uri=True)
    queries = query_mix(args.n)

    def senref(text: str) -> float:
        query = ItemQuery(search=text)
        return timed_ms(lambda: (library.count(query), library.query(query, 0, PAGE)))

    def floor(text: str) -> float:
        match = fts_query(text)
        table = search_table(match)  # raw FTS5 over the table that answers the query best (schema 9: two)
        return timed_ms(lambda: raw.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?",
                                            (match, PAGE)).fetchall())

    for text in [] if args.no_warmup else queries:  # warm the page cache for both
        senref(text)
        floor(text)
    p95s_a: list[float] = []
    p95s_b: list[float] = []
    slowest: list[tuple[float, str]] = []
    for k in range(args.runs):
        a: list[float] = []
        b: list[float] = []
        for j, text in enumerate(queries):
            if (j + k) % 2 == 0:
                a.append(senref(text))
                b.append(floor(text))
            else:
                b.append(floor(text))
                a.append(senref(text))
        p95s_a.append(p95(a))
        p95s_b.append(p95(b))
        slowest = sorted(zip(a, queries, strict=True), reverse=True)[:5]
    library.close()
    raw.close()
    ratios = [x / y for x, y in zip(p95s_a, p95s_b, strict=True)]
    ratio, a95, b95 = statistics.median(ratios), statistics.median(p95s_a), statistics.median(p95s_b)
    print("slowest in the last run: " + ", ".join(f"{t!r} {ms:.1f} ms" for ms, t in slowest))
    goal_row("G5 search p95 (count + first 50)", args.n, f"{a95:.1f} ms", f"{b95:.1f} ms", ratio,
             must=f"{MUST_MS:.0f} ms and {MUST_RATIO}x", target=f"{GOAL_MS:.0f} ms",
             must_met=a95 <= MUST_MS and ratio <= MUST_RATIO, goal_met=a95 <= GOAL_MS and ratio <= MUST_RATIO)
    return 0


if __name__ == "__main__":
    sys.exit(main())
