"""Paired whole-process timing: run A and B alternately (A B A B ...), wall clock and peak RSS per child.

    python -m bench.harness --a "CMD" --b "CMD" [--pairs 5] [--json]

Each run is one child process timed from spawn to exit; its peak resident memory comes from `os.wait4`
(`ru_maxrss` covers the child and the descendants it waited for, so `sh -c "a && b"` counts both), read by a
small launcher so that our own memory does not leak into the child's figure. One warm-up
pair runs first and is not counted, so the page cache is equally warm for both sides. The figure to quote is the
median of the per-pair ratios A/B: on a shared machine the noise moves both halves of a pair together.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class BenchCrash(RuntimeError):
    """A benchmarked command failed: the figures would be meaningless."""


@dataclass
class Run:
    seconds: float
    peak_mb: float


@dataclass
class Side:
    """One side of a comparison. `make` returns (argv, env overrides) per run, so each run can get a fresh folder;
    `prepare` runs untimed before each timed run (e.g. the edit an auto-export must catch up with)."""
    label: str
    make: Callable[[int], tuple[list[str], dict[str, str]]]
    prepare: Callable[[int], None] | None = None


@dataclass
class PairResult:
    label_a: str
    label_b: str
    a: list[Run] = field(default_factory=list)
    b: list[Run] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [x.seconds / y.seconds for x, y in zip(self.a, self.b, strict=True) if y.seconds > 0]

    @property
    def median_ratio(self) -> float:
        return float(statistics.median(self.ratios))

    def median(self, side: str) -> float:
        return float(statistics.median(r.seconds for r in getattr(self, side)))

    def peak(self, side: str) -> float:
        return float(max(r.peak_mb for r in getattr(self, side)))

    @property
    def memory_ratio(self) -> float:
        return self.peak("a") / self.peak("b")

    def as_dict(self) -> dict[str, object]:
        return {"a": self.label_a, "b": self.label_b, "runs_a": [asdict(r) for r in self.a],
                "runs_b": [asdict(r) for r in self.b], "median_ratio": self.median_ratio,
                "median_a_s": self.median("a"), "median_b_s": self.median("b"),
                "peak_a_mb": self.peak("a"), "peak_b_mb": self.peak("b"), "memory_ratio": self.memory_ratio}


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that imports senref from this checkout (both sides of a pair get it)."""
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    # A user's senref runs from compiled bytecode: children keep theirs in one cache under the temp folder
    # (both sides alike), not recompiling every module because the environment said not to write any.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "senref-bench-pycache")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH", "")])])
    env.update(extra or {})
    return env


def senref_argv(*args: str) -> list[str]:
    """senref as a user runs it (the console script is `python -m senref`'s entry point)."""
    return [sys.executable, "-m", "senref", *args]


def fresh_home(tag: str) -> Path:
    """An empty SENREF_HOME under /tmp (config, data, cache: nothing carried over between runs)."""
    return Path(tempfile.mkdtemp(prefix=f"senref-bench-{tag}-"))


# The child is started by a small launcher (python -I -S, a few MB) that forks, execs, times and waits for it.
# Linux carries the spawning process's high-water RSS into the child's ru_maxrss across exec, so a child forked
# straight from this (larger) process would report at least our peak; from the launcher it reports its own.
LAUNCHER = """
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    except OSError as exc:
        os.write(2, f"cannot run {argv[0]}: {exc}".encode())
    os._exit(127)
_pid, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(out, "w") as handle:
    handle.write(f"{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_once(argv: Sequence[str], env: dict[str, str], *, cwd: Path | None = None) -> Run:
    """Run one child; wall seconds from fork to exit and its peak RSS in MB (Linux: kB); raise on failure."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".run") as result:
        subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, result.name, *argv], env=env, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=err, check=False)
        figures = result.read().split()
        code = int(figures[2]) if len(figures) == 3 else -1
        if code != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise BenchCrash(f"{shlex.join(argv)} exited {code}:\n{tail}")
    return Run(seconds=float(figures[0]), peak_mb=int(figures[1]) / 1024)


def compare(a: Side, b: Side, pairs: int = 5, *, warmup: bool = True, quiet: bool = False) -> PairResult:
    result = PairResult(a.label, b.label)
    for index in range(-1 if warmup else 0, pairs):
        pair = []
        for side in (a, b):
            if side.prepare:
                side.prepare(index)
            argv, extra = side.make(index)
            pair.append(run_once(argv, child_env(extra)))
        if index < 0:
            continue
        result.a.append(pair[0])
        result.b.append(pair[1])
        if not quiet:
            print(f"  pair {index + 1}: A {pair[0].seconds:7.3f} s {pair[0].peak_mb:7.1f} MB | "
                  f"B {pair[1].seconds:7.3f} s {pair[1].peak_mb:7.1f} MB | A/B {pair[0].seconds / pair[1].seconds:.2f}",
                  flush=True)
    return result


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every gNN benchmark takes."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="records in the corpus (default 10000)")
    parser.add_argument("--pairs", type=int, default=5, help="counted A/B pairs (default 5)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the uncounted warm-up pair")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default /tmp/bench-corpus-<N>)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here as JSON")
    return parser


def corpus(args: argparse.Namespace) -> dict[str, Path]:
    from bench.corpus_files import default_folder, ensure_corpus

    return ensure_corpus(args.corpus or default_folder(args.n), args.n)


class SenrefImport:
    """`senref --library DIR import FILE` into a fresh library and SENREF_HOME each run; keeps only the last
    library (a 100k library is most of a GB) so its size can be read afterwards."""

    def __init__(self, source: Path, label: str = "senref import") -> None:
        self.source, self.label = source, label
        self.home: Path | None = None

    @property
    def library(self) -> Path:
        assert self.home is not None
        return self.home / "library"

    def make(self, _index: int) -> tuple[list[str], dict[str, str]]:
        if self.home:
            cleanup(self.home)
        self.home = fresh_home("import")
        return senref_argv("--library", str(self.library), "import", str(self.source)), {
            "SENREF_HOME": str(self.home)}

    def side(self) -> Side:
        return Side(self.label, self.make)

    def close(self) -> None:
        if self.home:
            cleanup(self.home)


def bibtexparser_side(bib: Path) -> Side:
    code = "import sys, bibtexparser; bibtexparser.parse_file(sys.argv[1])"
    return Side("bibtexparser 2 parse", lambda _i: ([sys.executable, "-c", code, str(bib)], {}))


def floor_side(source: Path, work: Path) -> Side:
    db = work / "floor.sqlite"
    return Side("sqlite+FTS5 floor", lambda _i: ([sys.executable, "-m", "bench.floor", str(source), str(db)], {}))


def bounds(value: float, must: float, goal: float | None) -> tuple[bool, bool | None]:
    return value <= must, (None if goal is None else value <= goal)


def goal_row(goal: str, n: int, now: str, must: str, target: str, *, met: tuple[bool, bool | None] | None,
             detail: str = "") -> str:
    """The one line each benchmark ends with; run_all collects these."""
    verdict = "n/a" if met is None else ("goal" if met[1] else "must" if met[0] else "NO")
    return f"{goal} | N={n} | now {now} | must {must} | goal {target} | met: {verdict}" + (f" | {detail}" if detail
                                                                                          else "")


def emit_json(path: str | None, payload: dict[str, object]) -> None:
    if path:
        Path(path).write_text(json.dumps(payload, indent=1), encoding="utf-8")


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def cleanup(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", required=True, help="command A (shell words)")
    parser.add_argument("--b", required=True, help="command B (shell words)")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    side_a = Side("A", lambda _i: (shlex.split(args.a), {}))
    side_b = Side("B", lambda _i: (shlex.split(args.b), {}))
    result = compare(side_a, side_b, args.pairs)
    print(f"median A/B {result.median_ratio:.2f}x; peak A {result.peak('a'):.0f} MB, B {result.peak('b'):.0f} MB")
    emit_json(args.json, result.as_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main())
