"""Run every benchmark in bench/ (each `gNN_*.py`) and print one summary table of their goal rows.

    python -m bench.run_all --n 1000 [--quick] [--only g01,g12] [--timeout 1800]

`--quick` asks each script for one pair (or one run) without a warm-up: CI's smoke test, where the suite must
run, not meet bounds. The exit status is non-zero only when a benchmark crashes (exits non-zero, times out or
prints no goal row); a missed bound is a figure, not a failure.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

from bench.harness import REPO, child_env

ROW = re.compile(r"^G\d+\b")


@dataclass
class Outcome:
    name: str
    seconds: float
    rows: list[str] = field(default_factory=list)
    error: str = ""


def scripts(only: set[str]) -> list[str]:
    names = sorted(p.stem for p in (REPO / "bench").glob("g[0-9][0-9]_*.py"))
    return [n for n in names if not only or n.split("_")[0] in only or n in only]


def command(name: str, n: int, quick: bool) -> list[str]:
    argv = [sys.executable, "-m", f"bench.{name}", "-n", str(n)]
    if not quick:
        return argv
    usage = subprocess.run([*argv[:3], "--help"], capture_output=True, text=True, cwd=REPO, env=child_env(),
                           timeout=120, check=False).stdout
    for flag in ("--pairs", "--runs"):
        if flag in usage:
            argv += [flag, "1"]
            break
    if "--no-warmup" in usage:
        argv.append("--no-warmup")
    return argv


def run(name: str, n: int, quick: bool, timeout: float) -> Outcome:
    start = time.perf_counter()
    try:
        done = subprocess.run(command(name, n, quick), capture_output=True, text=True, cwd=REPO, env=child_env(),
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(name, time.perf_counter() - start, error=f"timed out after {timeout:.0f} s")
    outcome = Outcome(name, time.perf_counter() - start,
                      rows=[line.strip() for line in done.stdout.splitlines() if ROW.match(line.strip())])
    if done.returncode:
        outcome.error = f"exited {done.returncode}: " + (done.stderr.strip().splitlines() or ["(no stderr)"])[-1]
    elif not outcome.rows:
        outcome.error = "printed no goal row"
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated script names or gNN prefixes")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per benchmark (default 1800)")
    args = parser.parse_args(argv)
    outcomes = []
    for name in scripts({s.strip() for s in args.only.split(",") if s.strip()}):
        print(f"-- {name}", flush=True)
        outcome = run(name, args.n, args.quick, args.timeout)
        for row in outcome.rows:
            print(f"   {row}", flush=True)
        if outcome.error:
            print(f"   CRASH: {outcome.error}", flush=True)
        outcomes.append(outcome)
    print(f"\nsummary at N={args.n}{' (quick)' if args.quick else ''}:")
    for outcome in outcomes:
        for row in outcome.rows or [f"{outcome.name}: CRASH {outcome.error}"]:
            print(f"  {row}")
        if outcome.rows and outcome.error:
            print(f"  {outcome.name}: CRASH {outcome.error}")
    crashed = [o.name for o in outcomes if o.error]
    print(f"{len(outcomes)} benchmarks, {len(crashed)} crashed{': ' + ', '.join(crashed) if crashed else ''}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
