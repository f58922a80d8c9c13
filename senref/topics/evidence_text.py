"""Topic and entity evidence as plain text lines, for the command line."""

from __future__ import annotations

from typing import Any


def evidence_lines(evidence: Any) -> list[str]:
    """One line per tag: "Tag: words (where; rule), ..."; tolerant of older shapes.

    >>> evidence_lines({"TIS": [{"field": "abstract", "term": "irradiated … senescent", "rule": "r"}]})
    ['TIS: irradiated … senescent (abstract; r)']
    >>> evidence_lines({"SASP": ["IL-6 (abstract)"]})
    ['SASP: IL-6 (abstract)']
    """
    if not isinstance(evidence, dict):
        return []
    lines = []
    for tag, found in evidence.items():
        rows = found if isinstance(found, list | tuple) else [found]
        lines.append(f"{tag}: " + ", ".join(_row(row) for row in rows))
    return lines


def _row(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    term = value.get("term") or value.get("match") or value.get("text") or ""
    where = str(value.get("field") or value.get("where") or "")
    if where == "implied":
        return f"implied by {term}"
    said = [where] if where else []
    if value.get("rule"):
        said.append(str(value["rule"]))
    return f"{term} ({'; '.join(said)})" if said else str(term or value)
