"""Generate a realistic library of N records (titles, creators, abstracts, tags, collections) for benchmarks."""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.records import ImportRecord
from senref.topics.tagger import get_tagger

_WORDS = ["senescence", "therapy", "induced", "radiation", "chemotherapy", "tumour", "cells", "secretory", "phenotype", "senolytic", "navitoclax", "dasatinib", "quercetin", "fisetin", "biomarker", "p16INK4a", "p21", "relapse", "metastasis", "resistance", "fibrosis", "immune", "clearance", "macrophage", "NK", "cells", "organoid", "xenograft", "lung", "breast", "glioma", "melanoma", "lymphoma", "doxorubicin", "etoposide", "cisplatin", "palbociclib", "olaparib", "DNA", "damage", "response", "interleukin", "NF-κB", "mTOR", "stemness", "dormancy", "escape", "clinical", "trial", "mouse", "model", "single-cell", "signature", "lipofuscin", "lamin"]
_NAMES = ["Prasanna", "Citrin", "Campisi", "Lowe", "Gil", "Kirkland", "Schmitt", "Demaria", "Zhou", "Coleman", "Gewirtz", "Niedernhofer", "Müller", "García", "Nguyen", "Kowalski", "Dubois", "Rossi", "Tanaka", "Okafor", "Novak", "Jensen", "O'Brien", "van", "Dijk"]
_FIRST = ["Ana", "Jörg", "François", "Jesús", "Marco", "Judith", "Scott", "Clemens", "Daohong", "Laura", "Mei", "Kofi", "Ingrid", "Pierre"]
_JOURNALS = ("Nature", "Cell", "Cancer Research", "JNCI: Journal of the National Cancer Institute",
             "Aging Cell", "Nature Communications", "Oncogene", "Radiotherapy and Oncology")


def records(n: int, seed: int = 7) -> Iterator[ImportRecord]:
    rng = random.Random(seed)
    for i in range(n):
        words = rng.sample(_WORDS, 9)
        item = Item(fields={
            "title": " ".join(words).capitalize() + f" ({i})",
            "abstractNote": " ".join(rng.choice(_WORDS) for _ in range(60)),
            "publicationTitle": rng.choice(_JOURNALS),
            "date": str(rng.randint(1990, 2026)),
            "volume": str(rng.randint(1, 200)),
        })
        item.creators = [Creator("author", rng.choice(_FIRST), rng.choice(_NAMES)) for _ in range(rng.randint(1, 8))]
        item.set_identifier("doi", f"10.5555/bench.{seed}.{i}")
        for tag in rng.sample(("to-read", "review", "mouse", "clinical", "in vitro", "important"), 2):
            item.add_tag(tag)
        yield ImportRecord(item, [("Bench", rng.choice(("Radiation", "Chemotherapy", "Senolytics", "SASP")))], i + 1)


def build(folder: Path, n: int, autotag: bool = True) -> float:
    """Create the library; returns seconds taken."""
    start = time.perf_counter()
    # The library no longer finds a tagger itself; the built-in vocabulary, as a new user has it.
    lib = Library.open(folder, tagger=get_tagger() if autotag else None)
    try:
        lib.import_records(records(n), batch=2000)
    finally:
        lib.close()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--no-autotag", action="store_true")
    args = parser.parse_args()
    seconds = build(args.folder, args.n, autotag=not args.no_autotag)
    print(f"built {args.n} records in {seconds:.1f} s ({args.n / seconds:.0f} records/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
