"""CI's smoke run of the whole benchmark suite at 1,000 records (as CI runs it): every benchmark runs and prints its goal row.

Bounds are not checked here (the figures depend on the machine); crashes are.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_run_all_quick_at_1000_records() -> None:
    done = subprocess.run([sys.executable, "-m", "bench.run_all", "--n", "1000", "--quick", "--timeout", "900"],
                          cwd=REPO, capture_output=True, text=True, timeout=3500)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = done.stdout.split("\nsummary at N=1000")[1]
    scripts = sorted(p.stem for p in (REPO / "bench").glob("g[0-9][0-9]_*.py"))
    goals = {int(m.group(1)) for m in re.finditer(r"^  G(\d+)\b", summary, re.M)}
    assert goals >= {int(name[1:3]) for name in scripts}, summary
