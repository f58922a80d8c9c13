"""Reading the progress events and reports of the Qt-free jobs into lines a person can follow.

The jobs in `senref.sources` and `senref.formats` report progress as counts, (done, total[, text])
tuples, text, or small event objects with `done`/`total`/`identifier`/`state`/`message` fields;
their reports carry `created`/`merged`/`failed`/`problems`. This module only reads those shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Step:
    """One progress event, normalised: counters when known, and a line for the job's log."""

    done: int | None = None
    total: int | None = None
    line: str = ""
    label: str = ""  # the identifier or file the line is about (for per-item state)
    state: str = ""


def read_event(event: Any) -> Step:
    """Normalise a progress event.

    >>> read_event((3, 10, "10.1/x saved"))
    Step(done=3, total=10, line='10.1/x saved', label='', state='')
    >>> read_event(7).done
    7
    """
    if isinstance(event, bool):
        return Step()
    if isinstance(event, int):
        return Step(done=event)
    if isinstance(event, str):
        return Step(line=event)
    if isinstance(event, tuple):
        done = event[0] if len(event) > 0 and isinstance(event[0], int) else None
        total = event[1] if len(event) > 1 and isinstance(event[1], int) else None
        line = " ".join(str(x) for x in event[2:]) if len(event) > 2 else ""
        return Step(done=done, total=total, line=line)
    get = event.get if isinstance(event, dict) else (lambda name: getattr(event, name, None))
    done, total = get("done"), get("total")
    label = str(get("identifier") or get("text") or get("path") or "")
    state = str(get("state") or get("status") or "")
    message = str(get("message") or get("reason") or "")
    line = " — ".join(x for x in (label, state, message) if x) or str(event)
    return Step(done=done if isinstance(done, int) else None, total=total if isinstance(total, int) else None,
                line=line, label=label, state=state)


def summarize(result: Any) -> str:
    """A one-line summary of a job's report ("2 added, 1 merged, 1 failed")."""
    if result is None:
        return "done"
    if isinstance(result, str):
        return result
    parts: list[str] = []
    for name, word in (("created", "added"), ("added", "added"), ("merged", "already in the library"),
                       ("failed", "failed"), ("problems", "problems")):
        value = getattr(result, name, None)
        if value is None:
            continue
        count = value if isinstance(value, int) else len(value) if hasattr(value, "__len__") else 0
        if count or name in ("created", "added"):
            parts.append(f"{count} {word}")
    return ", ".join(dict.fromkeys(parts)) or "done"


def report_lines(result: Any) -> list[str]:
    """Per-item lines from a report: failures with their reasons, and "why no PDF" reasons."""
    lines: list[str] = []
    for entry in _as_list(getattr(result, "failed", None)):
        lines.append(f"failed: {_entry_text(entry)}")
    for entry in _as_list(getattr(result, "problems", None)):
        lines.append(f"problem: {_entry_text(entry)}")
    reasons = getattr(result, "pdf_reasons", None) or getattr(result, "no_pdf", None)
    if isinstance(reasons, dict):
        for key, why in reasons.items():
            lines.append(f"no PDF for {key}: {'; '.join(why) if isinstance(why, list | tuple) else why}")
    for entry in _as_list(reasons if not isinstance(reasons, dict) else None):
        lines.append(f"no PDF: {_entry_text(entry)}")
    return lines


def failed_inputs(result: Any) -> list[str]:
    """The inputs (identifiers, paths) of the failed entries, to retry them."""
    out: list[str] = []
    for entry in _as_list(getattr(result, "failed", None)):
        if isinstance(entry, tuple | list) and entry:
            out.append(str(entry[0]))
        elif isinstance(entry, str):
            out.append(entry)
        else:
            value = getattr(entry, "identifier", None) or getattr(entry, "text", None)
            if value:
                out.append(str(value))
    return out


def _as_list(value: Any) -> list[Any]:
    if value is None or isinstance(value, int | str):
        return []
    if isinstance(value, dict):
        return list(value.items())
    return list(value)


def _entry_text(entry: Any) -> str:
    if isinstance(entry, tuple | list):
        return ": ".join(str(x) for x in entry)
    if isinstance(entry, str):
        return entry
    label = getattr(entry, "identifier", None) or getattr(entry, "text", None) or ""
    reason = getattr(entry, "reason", None) or getattr(entry, "message", None) or ""
    return f"{label}: {reason}" if label else str(reason or entry)
