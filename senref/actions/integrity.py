"""Check items for retractions, corrections and expressions of concern, and keep what the sources say.

The status and its notices go into the item (`extras["integrity"]`, so they travel with it to Zotero
and into exports); when each item was last asked goes into `<library>/integrity/checked.json`, so a
check of the whole library asks only what was not asked recently and a check that found nothing new
changes no item.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.atomic import atomic_write
from senref.core.integrity import FLAGGED, LABELS
from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import Settings

CHECKED_FILE = Path("integrity") / "checked.json"
#: A whole-library check skips items asked more recently than this.
RECHECK_DAYS = 30
#: How often the checked-times file is saved during a long check (a killed check resumes from there).
SAVE_EVERY = 50


class Checker(Protocol):
    def check(self, identifiers: dict[str, str]) -> Any: ...


@runtime_checkable
class BatchChecker(Checker, Protocol):
    def check_many(self, works: list[dict[str, str]]) -> list[Any]: ...


@dataclass
class IntegrityReport(Report):
    checked: int = 0
    #: of those, how many got an answer from at least one source (offline: none)
    answered: int = 0
    skipped: int = 0
    #: key -> new status, for items whose status changed
    changed: dict[str, str] = field(default_factory=dict)
    #: when a source last answered for any item ("" when never): said when this check got no answer
    last_answered: str = ""

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for status in self.changed.values():
            counts[status] = counts.get(status, 0) + 1
        news = [f"{n} newly {LABELS[s].lower()} item{'s' if n != 1 else ''}" for s, n in counts.items()
                if s in FLAGGED]
        head = "; ".join(news) if news else "nothing new"
        last = f"; the last answered check was on {self.last_answered[:10]}" if self.last_answered else ""
        asked = f"{self.checked} checked" if self.answered == self.checked else (
            f"{self.checked} asked, {self.answered} answered: offline? they are asked again next time{last}")
        return f"{head} ({asked}{f', {self.skipped} checked recently' if self.skipped else ''})"


def check_integrity(library: Library, settings: Settings, *, keys: Iterable[str] | None = None,
                    max_age_days: float = RECHECK_DAYS, checker: Checker | None = None,
                    progress: ProgressSink = no_progress, should_stop: ShouldStop = never_stop,
                    now: datetime | None = None) -> IntegrityReport:
    """Ask the sources about *keys* (all items when None, skipping those asked within *max_age_days*)."""
    if checker is None:
        from senref.sources.integrity_batch import BatchIntegrityChecker

        checker = BatchIntegrityChecker(settings)
    report = IntegrityReport()
    now = now or datetime.now(UTC)
    checked = _load_checked(library.folder)
    if keys is None:
        wanted = library.keys(ItemQuery())
        cutoff = now - timedelta(days=max_age_days)
        todo = [k for k in wanted if not _recent(checked.get(k), cutoff)]
        report.skipped = len(wanted) - len(todo)
    else:
        todo = [library.resolve_key(k) for k in keys]
    many = checker.check_many if isinstance(checker, BatchChecker) else None
    # A batch checker asks for many works per request: hand it enough for its biggest request.
    batch = int(getattr(checker, "batch_items", 1000)) if many else 1
    for start in range(0, len(todo), batch):
        if should_stop():
            report.cancelled = True
            break
        keys_here, works = [], []
        for key in todo[start:start + batch]:
            ids = {s: v for s, v in library.get_item(key).identifiers.items() if s in ("doi", "pmid")}
            if ids:
                keys_here.append(key)
                works.append(ids)
        results = many(works) if many else [checker.check(w) for w in works]
        changes: dict[str, dict[str, Any]] = {}
        for key, result in zip(keys_here, results, strict=True):
            record = _keep(library, key, result, report=report, checked=checked, now=now)
            if record is not None:
                changes[key] = record
        if changes:  # one transaction per batch: a check of 10,000 items is not 10,000 commits
            library.edit_items(list(changes), _setter_of(changes))
        done = min(start + batch, len(todo))
        last = keys_here[-1] if keys_here else ""
        progress(Progress(done, len(todo), f"{last} {results[-1].status}" if results else ""))
        if start // batch % max(1, SAVE_EVERY // batch) == 0:
            _save_checked(library.folder, checked)
    _save_checked(library.folder, checked)
    report.last_answered = max(checked.values(), default="")
    return report


def _keep(library: Library, key: str, result: Any, *, report: IntegrityReport, checked: dict[str, str],
          now: datetime) -> dict[str, Any] | None:
    """Count *result* in the report and the checked times; the record to store on the item, if it changed."""
    report.checked += 1
    for problem in getattr(result, "errors", []):
        report.warnings.append(f"{key}: {problem}")
    record = {"status": result.status, "notices": [n.to_json() for n in result.notices]}
    complete = not getattr(result, "errors", [])
    if result.status != "unknown":
        report.answered += 1
    # A partial answer (a source down) may add a notice but never clears one, and the item is asked
    # again next time: a retraction missed while Crossref was away must not wait a month.
    usable = result.status != "unknown" and (complete or result.status != "ok")
    if complete and result.status != "unknown":
        checked[key] = now.isoformat(timespec="seconds")
    item = library.get_item(key)
    status_changed = usable and _changed(item, record)
    count = getattr(result, "cited_by_count", None)
    count_changed = isinstance(count, int) and (item.extras.get("cited_by_count") or {}).get("count") != count
    if not (status_changed or count_changed):
        return None
    out: dict[str, Any] = {}
    if status_changed:
        out.update(record)
        if record["status"] != "ok":
            report.changed[key] = str(record["status"])
    if count_changed:
        out["cited_by_count"] = {"count": count, "source": "openalex", "checked": now.date().isoformat()}
    return out


def _changed(item: Item, record: dict[str, Any]) -> bool:
    old = item.extras.get("integrity")
    return not isinstance(old, dict) or old.get("status") != record["status"] or old.get("notices") != record["notices"]


def _setter_of(records: dict[str, dict[str, Any]]) -> Callable[[Item], bool]:
    def change(item: Item) -> bool:
        record = dict(records[item.key])
        count = record.pop("cited_by_count", None)
        if count is not None:  # OpenAlex's citation count, shown as an optional column
            item.extras["cited_by_count"] = count
        if "status" in record:
            item.extras["integrity"] = record
        return True
    return change


def _recent(when: str | None, cutoff: datetime) -> bool:
    if not when:
        return False
    try:
        return datetime.fromisoformat(when) >= cutoff
    except ValueError:
        return False


def _load_checked(folder: Path) -> dict[str, str]:
    try:
        raw = json.loads((folder / CHECKED_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _save_checked(folder: Path, checked: dict[str, str]) -> None:
    with atomic_write(folder / CHECKED_FILE) as out:
        json.dump(checked, out, separators=(",", ":"))
