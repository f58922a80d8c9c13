"""Likely duplicates across a generated library (default 100,000 records) with 1,000 planted duplicates:
the time a whole-library scan takes, and how many of the planted pairs it finds (and what else).

Planted copies carry no identifier (so nothing is proof and nothing is merged): a typo in the title,
another case, accents dropped or added, the author list cut to its first names, the year off by one.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import records
from senref.actions.duplicates import find_duplicates
from senref.core.library import Library
from senref.core.model import Item
from senref.core.records import ImportRecord


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, title: str) -> str:
    words = title.split()
    pos = rng.choice([i for i, w in enumerate(words) if w.isalpha()])  # a misspelt word, not a number
    word = words[pos]
    if len(word) > 3:
        i = rng.randrange(1, len(word) - 1)
        word = rng.choice((word[:i] + word[i + 1:], word[:i] + word[i + 1] + word[i] + word[i + 2:],
                           word[:i] + "e" + word[i + 1:]))
    words[pos] = word
    return " ".join(words)


def planted_copy(rng: random.Random, item: Item) -> Item:
    """Another database's record of *item*: no identifier, and two or three of the usual differences."""
    twin = copy.deepcopy(item)
    twin.identifiers = {}
    twin.tags, twin.collections = [], []
    twin.fields.pop("abstractNote", None)
    changes = rng.sample(("typo", "case", "accents", "truncate", "year"), rng.randint(2, 3))
    title = twin.fields["title"]
    if "typo" in changes:
        title = _typo(rng, title)
    if "case" in changes:
        title = title.upper() if rng.random() < 0.5 else title.title()
    twin.fields["title"] = title
    if "accents" in changes:
        for creator in twin.creators:
            creator.first_name, creator.last_name = _strip_accents(creator.first_name), _strip_accents(creator.last_name)
    if "truncate" in changes and len(twin.creators) > 1:
        twin.creators = twin.creators[:rng.randint(1, min(3, len(twin.creators) - 1))]
    if "year" in changes:
        twin.fields["date"] = str(int(twin.fields["date"]) + rng.choice((-1, 1)))
    return twin


def corpus(n: int, planted: int, seed: int = 11) -> tuple[list[ImportRecord], list[int]]:
    """*n* generated records plus *planted* copies; the positions of the originals copied, in order."""
    rng = random.Random(seed)
    base = list(records(n))
    originals = sorted(rng.sample(range(n), planted))
    copies = [ImportRecord(planted_copy(rng, base[i].item), [], n + k + 1) for k, i in enumerate(originals)]
    return base + copies, originals


def run(folder: Path, n: int, planted: int) -> dict[str, float]:
    all_records, originals = corpus(n, planted)
    lib = Library.open(folder, autotag=False)
    try:
        start = time.perf_counter()
        report = lib.import_records(iter(all_records), batch=2000, copy_files=False)
        imported = time.perf_counter() - start
        keys = report.keys
        planted_pairs = {frozenset((keys[i], keys[n + k])) for k, i in enumerate(originals)}
        at_import = {frozenset((c.a, c.b)) for c in lib.duplicate_candidates()}
        start = time.perf_counter()
        found = find_duplicates(lib)
        scanned = time.perf_counter() - start
        pairs = {frozenset((c.a, c.b)) for c in lib.duplicate_candidates()}
    finally:
        lib.close()
    return {"records": float(len(all_records)), "import_s": imported, "scan_s": scanned,
            "found_at_import": float(len(planted_pairs & at_import)), "found": float(len(planted_pairs & pairs)),
            "planted": float(len(planted_pairs)), "other_pairs": float(len(pairs - planted_pairs)),
            "groups": float(len(found.groups))}


def _iter_lines(figures: dict[str, float]) -> Iterator[str]:
    yield f"{figures['records']:.0f} records ({figures['planted']:.0f} planted duplicates)"
    yield (f"import with the duplicate check: {figures['import_s']:.1f} s; planted pairs found while importing: "
           f"{figures['found_at_import']:.0f}/{figures['planted']:.0f}")
    yield (f"whole-library scan: {figures['scan_s']:.1f} s; planted pairs found: {figures['found']:.0f}/"
           f"{figures['planted']:.0f}; other pairs offered: {figures['other_pairs']:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, nargs="?", help="where to build the library (default: a temporary folder)")
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args.folder or Path(tmp) / "lib", args.n, args.planted)
    for line in _iter_lines(figures):
        print(line)
    return 0 if figures["scan_s"] < 30 else 1


if __name__ == "__main__":
    sys.exit(main())
