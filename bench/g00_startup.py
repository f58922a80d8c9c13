"""G0 start-up: `senref --version` vs `python -c pass`, whole processes, paired (issue 15 part 3: under 3x).

    python -m bench.g00_startup [--pairs 10]
"""

from __future__ import annotations

import sys

from bench.harness import Side, bench_parser, bounds, compare, emit_json, goal_row, senref_argv


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.set_defaults(pairs=10)
    args = parser.parse_args(argv)
    result = compare(Side("senref --version", lambda _i: (senref_argv("--version"), {})),
                     Side("python -c pass", lambda _i: ([sys.executable, "-c", "pass"], {})),
                     args.pairs, warmup=not args.no_warmup)
    ratio = result.median_ratio
    print(goal_row("G0 startup: senref --version vs python -c pass", args.n, f"{ratio:.2f}x", "3.0x", "-",
                   met=bounds(ratio, 3.0, None),
                   detail=f"{result.median('a') * 1000:.0f} ms vs {result.median('b') * 1000:.0f} ms"), flush=True)
    emit_json(args.json, {"goal": "G0", **result.as_dict()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
