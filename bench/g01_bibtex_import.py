"""G1 BibTeX import: `senref import corpus.bib` into a fresh library vs bibtexparser 2 parsing the same file.

    python -m bench.g01_bibtex_import -n 10000 [--pairs 5]

B is `bibtexparser.parse_file` with its default middlewares (string macros resolved, enclosing braces removed):
parse only, nothing stored. Bounds (issue 15): must 2.5x, goal 1.5x.
"""

from __future__ import annotations

import sys

from bench.harness import SenrefImport, bench_parser, bibtexparser_side, bounds, compare, corpus, emit_json, goal_row


def main(argv: list[str] | None = None) -> int:
    args = bench_parser(__doc__).parse_args(argv)
    bib = corpus(args)["bib"]
    senref = SenrefImport(bib)
    try:
        result = compare(senref.side(), bibtexparser_side(bib), args.pairs, warmup=not args.no_warmup)
    finally:
        senref.close()
    ratio = result.median_ratio
    print(goal_row("G1 BibTeX import vs bibtexparser 2 parse", args.n, f"{ratio:.2f}x", "2.5x", "1.5x",
                   met=bounds(ratio, 2.5, 1.5),
                   detail=f"{result.median('a'):.1f} s vs {result.median('b'):.1f} s; peak {result.peak('a'):.0f} MB vs "
                   f"{result.peak('b'):.0f} MB"), flush=True)
    emit_json(args.json, {"goal": "G1", **result.as_dict()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
