"""An item's integrity status as senref keeps it: `extras["integrity"]` = {status, notices, errors}.

Statuses, worst first: retracted, withdrawn, expression_of_concern, corrected, updated; "ok" when the
sources were asked and said nothing; absent when never checked. The notices are the sources' own
(kind, notice DOI, date, source, link); senref.sources.integrity finds them.
"""

from __future__ import annotations

from typing import Any

from senref.core.model import Item

#: Worst first; "flagged" in a query means any of these.
FLAGGED = ("retracted", "withdrawn", "expression_of_concern", "corrected", "updated")
#: The ones a bibliography or an export warns about.
WARN = ("retracted", "withdrawn", "expression_of_concern")
LABELS = {"retracted": "Retracted", "withdrawn": "Withdrawn", "expression_of_concern": "Expression of concern",
          "corrected": "Corrected", "updated": "Updated (new version)", "ok": "No notices"}


def integrity_of(item: Item) -> dict[str, Any] | None:
    value = item.extras.get("integrity")
    return value if isinstance(value, dict) else None


def status_of(item: Item) -> str:
    """The item's status, "" when never checked."""
    record = integrity_of(item)
    return str(record.get("status") or "") if record else ""


def warning(item: Item) -> str | None:
    """One line for a bibliography or export that includes a retracted or flagged item; None otherwise."""
    status = status_of(item)
    if status not in WARN:
        return None
    record = integrity_of(item) or {}
    notices = [n for n in record.get("notices", []) if isinstance(n, dict) and n.get("kind") == status]
    where = ""
    if notices:
        notice = notices[0]
        bits = [str(notice.get(k)) for k in ("date", "source") if notice.get(k)]
        link = notice.get("url") or (f"https://doi.org/{notice['notice_doi']}" if notice.get("notice_doi") else "")
        where = f" ({', '.join(bits)}{'; ' if bits and link else ''}{link})" if bits or link else ""
    title = item.title[:80] or item.key
    return f"{LABELS[status].lower()}: {title}{where}"


def query_statuses(wanted: str) -> list[str]:
    """`--integrity` values: a status, "flagged" (any notice), or "ok"."""
    if wanted == "flagged":
        return list(FLAGGED)
    if wanted in (*FLAGGED, "ok"):
        return [wanted]
    raise ValueError(f"unknown integrity status {wanted!r}: one of {', '.join((*FLAGGED, 'ok', 'flagged'))}")
