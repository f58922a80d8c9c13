"""G12 auto-export: a BibTeX sync target made current again after one edit, and a no-change check, at N records.

    python -m bench.g12_autoexport -n 10000 [--pairs 5] [--library DIR]

Set-up (not timed): `senref import corpus.bib`, `senref sync add --format bibtex -o library.bib`, a first
`senref sync run`. Then pairs of whole processes: before A, `senref edit DOI title=...` changes one item's
title (not timed); A is the `senref sync run` that brings the file up to date, B a `senref sync run` with
nothing changed. Figures are seconds (bounds on A, issue 15: must 1 s, goal 0.3 s); A/B is shown for scale.
`--library DIR` reuses (or builds once into) DIR, which pays off at 100k.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import (
    Side,
    bench_parser,
    bounds,
    child_env,
    cleanup,
    compare,
    corpus,
    emit_json,
    fresh_home,
    goal_row,
    senref_argv,
)

DOI = re.compile(r"^\s*doi\s*=\s*[{\"]([^}\"]+)", re.M | re.I)


def _senref(home: Path, *args: str) -> str:
    done = subprocess.run(senref_argv("--library", str(home / "library"), *args), env=child_env(
        {"SENREF_HOME": str(home)}), capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"senref {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def target_dois(target: Path, count: int = 50) -> list[str]:
    """DOIs spread over the exported file: what the library holds, whatever corpus it was built from."""
    found = DOI.findall(target.read_text(encoding="utf-8"))
    return found[:: max(1, len(found) // count)][:count]


def build(home: Path, args: argparse.Namespace) -> Path:
    target = home / "out" / "library.bib"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _senref(home, "import", str(corpus(args)["bib"]))
        _senref(home, "sync", "add", "--format", "bibtex", "-o", str(target))
        _senref(home, "sync", "run")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--library", type=Path, help="keep the library (and its target) here for reuse")
    args = parser.parse_args(argv)
    home = args.library or fresh_home("g12")
    home.mkdir(parents=True, exist_ok=True)
    try:
        target = build(home, args)
        dois = target_dois(target)
        titles: list[str] = []
        nonce = time.strftime("%Y%m%d%H%M%S")  # a kept library has seen earlier runs' titles: each edit must change one

        def edit(index: int) -> None:
            titles.append(f"Edited title {index + 1} of run {nonce} for the auto-export bench")
            _senref(home, "edit", dois[(index + 1) % len(dois)], f"title={titles[-1]}")

        def run(_index: int) -> tuple[list[str], dict[str, str]]:
            return senref_argv("--library", str(home / "library"), "sync", "run"), {"SENREF_HOME": str(home)}

        result = compare(Side("sync run after one edit", run, prepare=edit), Side("sync run, nothing changed", run),
                         args.pairs, warmup=not args.no_warmup)
        if titles[-1] not in target.read_text(encoding="utf-8"):
            raise RuntimeError("the edited title never reached the BibTeX target: the benchmark measured nothing")
    finally:
        if not args.library:
            cleanup(home)
    after, check = result.median("a"), result.median("b")
    print(goal_row("G12 BibTeX auto-export current after one edit", args.n, f"{after:.2f} s", "1 s", "0.3 s",
                   met=bounds(after, 1.0, 0.3), detail=f"no-change check {check:.2f} s; A/B {result.median_ratio:.2f}x"),
          flush=True)
    emit_json(args.json, {"goal": "G12", **result.as_dict()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
