"""G4 import peak memory: each format's `senref import` peak RSS vs bibtexparser 2's peak parsing the .bib.

    python -m bench.g04_import_memory -n 100000 [--pairs 1]

Peak RSS is per child from `wait4`; it varies little between runs, so one pair a format is usually enough.
The goal row shows the worst format. Bounds (issue 15): must 1.0x, goal 0.5x.
"""

from __future__ import annotations

import sys

from bench.harness import SenrefImport, bench_parser, bibtexparser_side, bounds, compare, corpus, emit_json, goal_row

FORMATS = {"bib": "BibTeX", "json": "CSL-JSON", "ris": "RIS", "rdf": "Zotero RDF"}


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.set_defaults(pairs=1)
    args = parser.parse_args(argv)
    files = corpus(args)
    yardstick = bibtexparser_side(files["bib"])
    ratios: dict[str, float] = {}
    payload: dict[str, object] = {"goal": "G4"}
    for fmt, label in FORMATS.items():
        senref = SenrefImport(files[fmt], f"senref import {label}")
        try:
            result = compare(senref.side(), yardstick, args.pairs, warmup=not args.no_warmup)
        finally:
            senref.close()
        ratios[label] = result.memory_ratio
        payload[fmt] = result.as_dict()
        print(f"  {label}: peak {result.peak('a'):.0f} MB vs bibtexparser {result.peak('b'):.0f} MB "
              f"= {result.memory_ratio:.2f}x", flush=True)
    worst = max(ratios, key=lambda k: ratios[k])
    print(goal_row("G4 import peak memory vs bibtexparser 2", args.n, f"{ratios[worst]:.2f}x ({worst})", "1.0x",
                   "0.5x", met=bounds(ratios[worst], 1.0, 0.5),
                   detail=", ".join(f"{k} {v:.2f}x" for k, v in ratios.items())), flush=True)
    emit_json(args.json, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
