"""The search and window benchmarks (G5-G9, G11) run at 200 records and print their goal row.

Figures are not checked (they depend on the machine); a crash, a missing row or a wrong record count is.
The library is built inside the test's temporary folder (TMPDIR), never in the repository.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = ("g05_search", "g06_cold_start", "g07_scroll", "g08_sort", "g09_filter_typing", "g11_idle_memory")


@pytest.fixture(scope="module")
def bench_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gui-bench")


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_prints_its_goal_row(script: str, bench_tmp: Path) -> None:
    env = dict(os.environ, TMPDIR=str(bench_tmp), QT_QPA_PLATFORM="offscreen")
    env.pop("SENREF_BENCH_HOME", None)
    done = subprocess.run([sys.executable, "-m", f"bench.{script}", "-n", "200", "--runs", "1", "--no-warmup"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=580)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    goal = int(script[1:3])
    rows = [line for line in done.stdout.splitlines() if re.match(rf"G{goal}\b", line)]
    assert len(rows) == 1, done.stdout
    fields = [f.strip() for f in rows[0].split("|")]
    assert fields[1] == "N=200"
    assert re.fullmatch(r"senref \d+(\.\d+)? (ms|MB)", fields[2]), fields
    assert re.fullmatch(r"ratio \d+\.\d\dx", fields[4]), fields
    assert fields[5].startswith("must ") and fields[6].startswith("goal "), fields
    assert fields[7] in ("goal met", "must met", "MUST NOT MET"), fields
    assert (bench_tmp / "senref-bench-lib-200" / "bench-complete").exists()
