"""G10 BibTeX -> RIS from the command line: senref vs JabRef 3.8.2, both converting a file to a file.

    python -m bench.g10_jabref_ris -n 10000 [--pairs 5] [--jabref /usr/bin/jabref] [--via-library]

A: `senref convert corpus.bib -o out.ris` (no library, as JabRef keeps none); with `--via-library`,
`senref import corpus.bib && senref export --format ris -o out.ris` in a fresh library instead. B: `jabref -n -i corpus.bib,bibtex -o out.ris,ris` (no GUI, its own fresh HOME so its
preferences start clean; `-Djava.awt.headless=true` through JAVA_TOOL_OPTIONS). Without JabRef the row shows
senref's seconds alone. Bounds (issue 15): must 0.5x, goal 0.25x.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from bench.harness import (
    Run,
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
    run_once,
    senref_argv,
)


class SenrefConvert:
    def __init__(self, bib: Path, via_library: bool) -> None:
        self.bib, self.home, self.via_library = bib, fresh_home("g10"), via_library

    @property
    def label(self) -> str:
        return "senref import+export" if self.via_library else "senref convert"

    def make(self, _index: int) -> tuple[list[str], dict[str, str]]:
        cleanup(self.home)
        self.home.mkdir()
        lib, out = self.home / "library", self.home / "out.ris"
        if not self.via_library:
            return senref_argv("convert", str(self.bib), "-o", str(out)), {"SENREF_HOME": str(self.home)}
        script = (shlex.join(senref_argv("--library", str(lib), "import", str(self.bib))) + " && "
                  + shlex.join(senref_argv("--library", str(lib), "export", "--format", "ris", "-o", str(out))))
        return ["sh", "-c", script], {"SENREF_HOME": str(self.home)}


def jabref_side(jabref: str, bib: Path, work: Path) -> Side:
    def make(_index: int) -> tuple[list[str], dict[str, str]]:
        cleanup(work)
        work.mkdir()
        return [jabref, "-n", "-i", f"{bib},bibtex", "-o", f"{work / 'out.ris'},ris"], {
            "HOME": str(work), "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"}
    return Side("jabref 3.8.2", make)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--jabref", default=shutil.which("jabref") or "")
    parser.add_argument("--via-library", action="store_true", help="senref imports into a fresh library, then exports")
    args = parser.parse_args(argv)
    bib = corpus(args)["bib"]
    senref, work = SenrefConvert(bib, args.via_library), fresh_home("jabref")
    try:
        if not args.jabref:
            runs: list[Run] = []
            for index in range(args.pairs):
                argv_, extra = senref.make(index)
                runs.append(run_once(argv_, child_env(extra)))
            seconds = sorted(r.seconds for r in runs)[len(runs) // 2]
            print(goal_row("G10 BibTeX->RIS CLI vs JabRef 3.8.2", args.n, f"senref {seconds:.1f} s", "0.5x", "0.25x",
                           met=None, detail="JabRef not installed: senref's side only"), flush=True)
            emit_json(args.json, {"goal": "G10", "senref_runs": [r.seconds for r in runs], "jabref": None})
            return 0
        result = compare(Side(senref.label, senref.make), jabref_side(args.jabref, bib, work),
                         args.pairs, warmup=not args.no_warmup)
    finally:
        cleanup(senref.home, work)
    ratio = result.median_ratio
    print(goal_row(f"G10 BibTeX->RIS CLI vs JabRef 3.8.2 ({senref.label})", args.n, f"{ratio:.2f}x", "0.5x", "0.25x",
                   met=bounds(ratio, 0.5, 0.25), detail=f"{result.median('a'):.1f} s vs {result.median('b'):.1f} s; "
                   f"peak {result.peak('a'):.0f} MB vs {result.peak('b'):.0f} MB"), flush=True)
    emit_json(args.json, {"goal": "G10", **result.as_dict()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
