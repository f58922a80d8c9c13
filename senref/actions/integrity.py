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
from typing import Any, Protocol

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


@dataclass
class IntegrityReport(Report):
    checked: int = 0
    #: of those, how many got an answer from at least one source (offline: none)
    answered: int = 0
    skipped: int = 0
    #: key -> new status, for items whose status changed
    changed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for status in self.changed.values():
            counts[status] = counts.get(status, 0) + 1
        news = [f"{n} newly {LABELS[s].lower()} item{'s' if n != 1 else ''}" for s, n in counts.items()
                if s in FLAGGED]
        head = "; ".join(news) if news else "nothing new"
        asked = f"{self.checked} checked" if self.answered == self.checked else (
            f"{self.checked} asked, {self.answered} answered: offline? they are asked again next time")
        return f"{head} ({asked}{f', {self.skipped} checked recently' if self.skipped else ''})"


def check_integrity(library: Library, settings: Settings, *, keys: Iterable[str] | None = None,
                    max_age_days: float = RECHECK_DAYS, checker: Checker | None = None,
                    progress: ProgressSink = no_progress, should_stop: ShouldStop = never_stop,
                    now: datetime | None = None) -> IntegrityReport:
    """Ask the sources about *keys* (all items when None, skipping those asked within *max_age_days*)."""
    if checker is None:
        from senref.sources.integrity import IntegrityChecker

        checker = IntegrityChecker(settings)
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
    for done, key in enumerate(todo, 1):
        if should_stop():
            report.cancelled = True
            break
        item = library.get_item(key)
        ids = {scheme: value for scheme, value in item.identifiers.items() if scheme in ("doi", "pmid")}
        if not ids:
            continue
        result = checker.check(ids)
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
        if usable and _changed(item, record):
            library.edit_items([key], _setter(record))
            if record["status"] != "ok":
                report.changed[key] = str(record["status"])
        if complete and result.status != "unknown":
            checked[key] = now.isoformat(timespec="seconds")
        progress(Progress(done, len(todo), f"{key} {result.status}"))
        if done % SAVE_EVERY == 0:
            _save_checked(library.folder, checked)
    _save_checked(library.folder, checked)
    return report


def _changed(item: Item, record: dict[str, Any]) -> bool:
    old = item.extras.get("integrity")
    return not isinstance(old, dict) or old.get("status") != record["status"] or old.get("notices") != record["notices"]


def _setter(record: dict[str, Any]) -> Callable[[Item], bool]:
    def change(item: Item) -> bool:
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
