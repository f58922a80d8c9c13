"""The generated library the window and search benchmarks (G5-G9, G11) open, built once per size and
cached under /tmp, plus the timing and reporting helpers they share.

    python -m bench.bench_library -n 100000     # build (or find) /tmp/senref-bench-lib-100000
"""

from __future__ import annotations

import argparse
import fcntl
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

#: Written last: a folder without it is a build that was interrupted, and is rebuilt.
_DONE = "bench-complete"


def library_folder(n: int, root: Path | None = None) -> Path:
    """The folder of the N-record library, built with `bench.corpus.build` when missing or unfinished.

    Built beside its final name and renamed, under a lock, so two benchmarks started together never
    open a half-written library.
    """
    base = root or Path(tempfile.gettempdir())
    folder = base / f"senref-bench-lib-{n}"
    if (folder / _DONE).exists():
        return folder
    with (base / f"senref-bench-lib-{n}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / _DONE).exists():
            return folder
        # Imported here: the floors' child processes import this module, and must not load senref.
        from bench.corpus import build

        staging = base / f"senref-bench-lib-{n}.building"
        shutil.rmtree(staging, ignore_errors=True)
        seconds = build(staging, n)
        (staging / _DONE).write_text(f"{n} records built in {seconds:.1f} s\n")
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
        print(f"built {n:,} records in {seconds:.1f} s -> {folder}", file=sys.stderr)
    return folder


def bench_home() -> str:
    """A throwaway SENREF_HOME, so window state and settings never reach the user's own."""
    home = os.environ.get("SENREF_BENCH_HOME") or tempfile.mkdtemp(prefix="senref-bench-home-")
    os.environ["SENREF_BENCH_HOME"] = home
    return home


def parser(doc: str | None, runs: int = 5) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=10_000, help="records in the library (default 10,000)")
    p.add_argument("--runs", type=int, default=runs, help=f"A/B pairs (default {runs})")
    p.add_argument("--no-warmup", action="store_true", help="skip the unmeasured first pass (CI's smoke run)")
    return p


# -- timing ------------------------------------------------------------------------------------
def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def timed_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return ms_since(start)


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def p95(samples: Sequence[float]) -> float:
    return percentile(samples, 95)


def paired(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[list[float], list[float]]:
    """Run *a* and *b* alternately (A B, then B A, ...) so drift on a shared machine hits both alike;
    each returns its own figure for one run."""
    fa: list[float] = []
    fb: list[float] = []
    for k in range(runs):
        if k % 2 == 0:
            fa.append(a())
            fb.append(b())
        else:
            fb.append(b())
            fa.append(a())
    return fa, fb


def ratio_of_pairs(fa: Sequence[float], fb: Sequence[float]) -> float:
    """The median of the per-pair ratios A/B."""
    return statistics.median(x / y for x, y in zip(fa, fb, strict=True) if y > 0)


def rss_mb(pid: int | None = None) -> float:
    """Resident memory now (MB), from /proc."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def spawn_until(args: list[str], marker: str, timeout: float = 300.0) -> tuple[float, str]:
    """Start `python -m ARGS`; (ms from spawn until it prints a line starting with *marker*, that line)."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), SENREF_HOME=bench_home())
    start = time.perf_counter()
    with subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, env=env) as child:
        assert child.stdout is not None
        deadline = start + timeout
        for line in child.stdout:
            if line.startswith(marker):
                elapsed = ms_since(start)
                child.wait(max(1.0, deadline - time.perf_counter()))
                return elapsed, line.strip()
            if time.perf_counter() > deadline:
                break
        child.kill()
    raise RuntimeError(f"{' '.join(args)} never printed {marker!r}")


# -- the goal row ------------------------------------------------------------------------------
def goal_row(goal: str, n: int, measured: str, floor: str, ratio: float | None, *, must: str, target: str,
             must_met: bool, goal_met: bool) -> str:
    """One line per goal: what senref measured, what the yardstick measured, the paired ratio, the bounds."""
    ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
    verdict = "goal met" if goal_met else ("must met" if must_met else "MUST NOT MET")
    line = (f"{goal} | N={n:,} | senref {measured} | floor {floor} | ratio {ratio_text} | "
            f"must {must} | goal {target} | {verdict}")
    print(line, flush=True)
    return line


def main() -> int:
    args = parser(__doc__).parse_args()
    print(library_folder(args.n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
