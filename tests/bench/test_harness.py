"""The paired harness: alternation, warm-up not counted, peak memory per child, crashes surfaced."""

from __future__ import annotations

import sys

import pytest

from bench.harness import BenchCrash, PairResult, Run, Side, bounds, compare, goal_row
from bench.run_all import run


def _python(code: str) -> Side:
    return Side(code, lambda _i: ([sys.executable, "-c", code], {}))


def test_pairs_alternate_and_the_warmup_is_not_counted() -> None:
    order: list[tuple[str, int]] = []
    a = Side("a", lambda i: ([sys.executable, "-c", "pass"], {}), prepare=lambda i: order.append(("a", i)))
    b = Side("b", lambda i: ([sys.executable, "-c", "pass"], {}), prepare=lambda i: order.append(("b", i)))
    result = compare(a, b, pairs=2, quiet=True)
    assert order == [("a", -1), ("b", -1), ("a", 0), ("b", 0), ("a", 1), ("b", 1)]
    assert len(result.a) == len(result.b) == len(result.ratios) == 2


def test_peak_memory_is_the_childs() -> None:
    big = _python("x = bytearray(120 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])")
    result = compare(big, _python("pass"), pairs=1, warmup=False, quiet=True)
    assert result.peak("a") > result.peak("b") + 80
    assert result.memory_ratio > 2


def test_a_failing_command_raises_with_its_stderr() -> None:
    with pytest.raises(BenchCrash, match="boom"):
        compare(_python("raise SystemExit('boom')"), _python("pass"), pairs=1, warmup=False, quiet=True)


def test_median_of_paired_ratios_and_verdicts() -> None:
    result = PairResult("a", "b", a=[Run(2, 1), Run(9, 1), Run(3, 1)], b=[Run(1, 1), Run(3, 1), Run(1, 1)])
    assert result.median_ratio == 3
    assert goal_row("G1 x", 10, "3x", "2.5x", "1.5x", met=bounds(3, 2.5, 1.5)).endswith("met: NO")
    assert goal_row("G1 x", 10, "2x", "2.5x", "1.5x", met=bounds(2, 2.5, 1.5)).endswith("met: must")
    assert goal_row("G1 x", 10, "1x", "2.5x", "1.5x", met=bounds(1, 2.5, 1.5)).endswith("met: goal")


def test_run_all_reports_a_crash_instead_of_a_row() -> None:
    outcome = run("g99_no_such_benchmark", 10, quick=False, timeout=120)
    assert outcome.error.startswith("exited 1") and not outcome.rows
