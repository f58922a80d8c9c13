"""Reading the progress events and reports of the Qt-free jobs into lines a person can follow.

Actions (`senref.actions`) report `Progress` events and return a `Report`, whose `lines()` are the
job's log once it ends. Older shapes still read: progress(done, total, message) tuples, bare counts
and strings (as `senref.actions.add.add_texts` and its test stand-ins send).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from senref.actions.progress import Progress, Report


@dataclass
class Step:
    """One progress event, normalised: counters when known, and a line for the job's log."""

    done: int | None = None
    total: int | None = None
    line: str = ""


def read_event(event: Any) -> Step:
    """Normalise a progress event.

    >>> read_event((3, 10, "added   ABCD2345 doi:10.1/x"))
    Step(done=3, total=10, line='added   ABCD2345 doi:10.1/x')
    >>> read_event(7).done
    7
    >>> read_event("importing refs.bib").line
    'importing refs.bib'
    >>> read_event(Progress(2, 5, "refs.bib: 500 entries"))
    Step(done=2, total=5, line='refs.bib: 500 entries')
    """
    if isinstance(event, Progress):
        # Problems and warnings come again in the report's lines when the job ends: listed once, there.
        line = event.message if event.level == "info" else ""
        if not event.total:
            return Step(line=line)
        return Step(done=event.done, total=event.total, line=line)
    if isinstance(event, bool):
        return Step()
    if isinstance(event, int):
        return Step(done=event)
    if isinstance(event, tuple):
        done = event[0] if len(event) > 0 and isinstance(event[0], int) else None
        total = event[1] if len(event) > 1 and isinstance(event[1], int) else None
        return Step(done=done, total=total, line=" ".join(str(x) for x in event[2:]))
    return Step(line=str(event))


def summarize(result: Any) -> str:
    """A one-line summary of a job's report ("2 added, 0 merged, 0 unchanged, 1 failed")."""
    if result is None:
        return "done"
    if hasattr(result, "summary"):
        return str(result.summary())
    if hasattr(result, "created"):  # ImportReport
        text = f"{result.created} added, {result.merged} merged"
        text += f", {len(result.problems)} problems" if result.problems else ""
        return text + (f", {len(result.warnings)} warnings" if getattr(result, "warnings", None) else "")
    return str(result)


def report_lines(result: Any) -> list[str]:
    """Per-item lines: each outcome with its state, failures with their reason, why no PDF was kept."""
    if isinstance(result, Report):
        return result.lines()
    lines: list[str] = []
    for outcome in getattr(result, "outcomes", None) or []:
        lines.append(outcome.line())
        if not outcome.pdf and outcome.pdf_reasons:
            lines.extend(f"    no PDF: {reason}" for reason in outcome.pdf_reasons)
    for line_no, message in getattr(result, "problems", None) or []:
        lines.append(f"problem at line {line_no}: {message}")
    for line_no, message in getattr(result, "warnings", None) or []:
        lines.append(f"warning at line {line_no}: {message}" if line_no else f"warning: {message}")
    return lines


def failure_counts(result: Any) -> tuple[int, int]:
    """(failed, attempted) for a job's report; attempted is 0 when the report cannot say how many were tried.

    Adds count works, imports count entries (a refused file counts as one); any other report counts
    its problems.
    """
    failed = getattr(result, "failed", None)
    if isinstance(failed, list) and isinstance(getattr(result, "outcomes", None), list):
        return len(failed), len(result.outcomes)
    problems = getattr(result, "problems", None)
    if not isinstance(problems, list) or not problems:
        return 0, 0
    if isinstance(getattr(result, "created", None), int):  # imports: entries brought in or skipped
        return len(problems), result.created + result.merged + len(problems)
    return len(problems), 0


def merge_lines(live: list[str], final: list[str]) -> list[str]:
    """The live log followed by the report's lines, each line the report repeats kept once.

    >>> merge_lines(["reading refs.bib", "added   K1 doi:10.1/a: A"], ["added   K1 doi:10.1/a: A", "failed  x: y"])
    ['reading refs.bib', 'added   K1 doi:10.1/a: A', 'failed  x: y']
    """
    pending = list(final)
    kept = []
    for line in live:
        if line in pending:
            pending.remove(line)  # the report says it again, in its own place
        else:
            kept.append(line)
    return kept + list(final)


def failed_inputs(result: Any) -> list[str]:
    """The labels (identifiers or file names) of the failed works, to fetch them again."""
    failed = getattr(result, "failed", None)
    return [str(o.label) for o in failed] if isinstance(failed, list) else []
