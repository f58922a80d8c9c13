"""The living watch: run the saved watches, file what is new in the Inbox, accept or dismiss from there.

A run adds only works the library does not hold (by identifier, the Trash included: a deleted paper is not
offered again) and the user has not dismissed, each auto-tagged with its TIS topics and their evidence,
into the Inbox collection. Accepting files a paper into a collection (and fetches its PDF); dismissing
puts it in the Trash and remembers it, so no later run brings it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import Settings
from senref.core.watch import (
    INBOX,
    Watch,
    identity,
    load_dismissed,
    load_watches,
    save_dismissed,
    save_watches,
)
from senref.sources.base import SourceError
from senref.sources.http import HttpError
from senref.sources.watch_search import WatchError, WatchSearcher

#: A run asks for works indexed since the last successful run, less this much: services index late.
OVERLAP = timedelta(days=7)


class Searcher(Protocol):
    def search(self, watch: Watch, since: str = "", dois: list[str] | None = None) -> list[Item]: ...


@dataclass
class WatchReport(Report):
    #: watch id -> keys of the items it added to the Inbox
    added: dict[str, list[str]] = field(default_factory=dict)
    known: int = 0
    dismissed: int = 0
    ran: int = 0

    def summary(self) -> str:
        new = sum(len(v) for v in self.added.values())
        parts = [f"{new} new paper{'s' if new != 1 else ''} in the {INBOX}"]
        if self.known:
            parts.append(f"{self.known} already in the library")
        if self.dismissed:
            parts.append(f"{self.dismissed} dismissed before")
        return f"{', '.join(parts)} ({self.ran} watch{'es' if self.ran != 1 else ''} run)"


def inbox_key(library: Library) -> str:
    """The Inbox collection (made on first use)."""
    return library.find_collection(INBOX) or library.create_collection(INBOX)


def add_watch(library: Library, watch: Watch) -> Report:
    report = Report()
    watches = load_watches(library.folder)
    report.problems.extend(watch.problems())
    if any(w.id == watch.id for w in watches):
        report.problems.append(f"a watch {watch.id!r} exists: remove it first, or choose another id")
    if watch.kind == "cites":
        missing = [k for k in watch.keys if not library.has_item(k)]
        if missing:
            report.problems.append(f"no such item: {', '.join(missing)}")
    if not report.problems:
        save_watches(library.folder, [*watches, watch])
    return report


def remove_watch(library: Library, watch_id: str) -> Report:
    report = Report()
    watches = load_watches(library.folder)
    kept = [w for w in watches if w.id != watch_id]
    if len(kept) == len(watches):
        report.problems.append(f"no watch {watch_id!r}")
    else:
        save_watches(library.folder, kept)
    return report


def run_watches(library: Library, settings: Settings, *, ids: Iterable[str] | None = None,
                searcher: Searcher | None = None, progress: ProgressSink = no_progress,
                should_stop: ShouldStop = never_stop, now: datetime | None = None) -> WatchReport:
    """Run the watches *ids* (all when None) and file what is new in the Inbox."""
    searcher = searcher or WatchSearcher(settings)
    report = WatchReport()
    now = now or datetime.now(UTC)
    watches = load_watches(library.folder)
    wanted = set(ids) if ids is not None else None
    if wanted is not None and (unknown := wanted - {w.id for w in watches}):
        report.problems.append(f"no watch {', '.join(sorted(unknown))}")
        return report
    dismissed = load_dismissed(library.folder)
    todo = [w for w in watches if wanted is None or w.id in wanted]
    for done, watch in enumerate(todo, 1):
        if should_stop():
            report.cancelled = True
            break
        watch.last_run = now.isoformat(timespec="seconds")
        since = ""
        if watch.last_ok:
            since = (datetime.fromisoformat(watch.last_ok) - OVERLAP).date().isoformat()
        dois = [library.get_item(k).identifiers.get("doi", "") for k in watch.keys if library.has_item(k)]
        try:
            found = searcher.search(watch, since, [d for d in dois if d])
        except (HttpError, SourceError, WatchError, ValueError) as exc:  # one watch failing never stops the others
            watch.last_error = _reason(exc)
            report.problems.append(f"watch {watch.id}: {watch.last_error}")
            continue
        report.ran += 1
        watch.last_ok, watch.last_error = watch.last_run, ""
        report.added[watch.id] = _file(library, watch, found, dismissed=dismissed, report=report, now=now)
        progress(Progress(done, len(todo), f"{watch.name}: {len(report.added[watch.id])} new"))
    save_watches(library.folder, watches)
    return report


def _file(library: Library, watch: Watch, found: list[Item], *, dismissed: set[str], report: WatchReport,
          now: datetime) -> list[str]:
    added: list[str] = []
    inbox: str | None = None
    for item in found:
        names = identity(item)
        if not names:
            continue  # a record without any identifier cannot be de-duplicated without guessing
        if dismissed.intersection(names):
            report.dismissed += 1
            continue
        if any(library.find_by_identifier(scheme, value, include_trash=True)
               for scheme, value in item.identifiers.items() if scheme in ("doi", "pmid", "pmcid", "arxiv", "hal")):
            report.known += 1
            continue
        inbox = inbox or inbox_key(library)
        item.extras["watch"] = {"id": watch.id, "name": watch.name, "found": now.isoformat(timespec="seconds")}
        result = library.save_item(item, collections=[inbox], source=f"watch:{watch.source}")
        if result.created:
            added.append(result.key)
        else:
            report.known += 1
    return added


def inbox_items(library: Library) -> list[Item]:
    key = library.find_collection(INBOX)
    if key is None:
        return []
    return [library.get_item(k) for k in library.keys(ItemQuery(collection=key))]


@dataclass
class InboxReport(Report):
    done: list[str] = field(default_factory=list)
    verb: str = "accepted"

    def summary(self) -> str:
        return f"{len(self.done)} {self.verb}"


def accept(library: Library, settings: Settings, keys: Iterable[str], *, collection: str | None = None,
           pdf: bool = True) -> InboxReport:
    """Take papers out of the Inbox into *collection* (or the watch's own, or none) and fetch their PDFs."""
    report = InboxReport()
    inbox = library.find_collection(INBOX)
    chosen = _inbox_keys(library, keys, inbox, report)
    if not chosen or inbox is None:
        return report
    target = None
    if collection:
        target = library.find_collection(collection) or library.ensure_collection_path(collection.split("/"))
    by_watch = {w.id: w.collection for w in load_watches(library.folder)}
    for key in chosen:
        watch = library.get_item(key).extras.get("watch") or {}
        into = target or by_watch.get(str(watch.get("id") or ""), "")
        if into and library.find_collection(into):
            library.add_to_collection(into, [key])
    library.remove_from_collection(inbox, chosen)
    report.done = chosen
    if pdf and settings.download_pdfs:
        from senref.actions.add import add_inputs

        for key in chosen:
            item = library.get_item(key)
            doi = item.identifiers.get("doi")
            if doi and not item.attachments:
                result = add_inputs(library, settings, [doi])
                report.warnings.extend(f"{key}: no PDF: {r}" for o in result.outcomes for r in o.pdf_reasons
                                       if not o.pdf)
    return report


def dismiss(library: Library, keys: Iterable[str]) -> InboxReport:
    """Trash papers from the Inbox and remember them: no later run offers them again."""
    report = InboxReport(verb="dismissed")
    inbox = library.find_collection(INBOX)
    chosen = _inbox_keys(library, keys, inbox, report)
    if not chosen:
        return report
    dismissed = load_dismissed(library.folder)
    for key in chosen:
        dismissed.update(identity(library.get_item(key)))
    save_dismissed(library.folder, dismissed)
    library.trash(chosen)
    report.done = chosen
    return report


def _inbox_keys(library: Library, keys: Iterable[str], inbox: str | None, report: Report) -> list[str]:
    held = set(library.keys(ItemQuery(collection=inbox))) if inbox else set()
    chosen: list[str] = []
    for text in keys:
        try:
            key = library.resolve_key(text.strip())
        except KeyError:
            report.problems.append(f"no such item: {text}")
            continue
        if key not in held:
            report.problems.append(f"{key} is not in the {INBOX}")
        elif key not in chosen:
            chosen.append(key)
    return chosen


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc) or type(exc).__name__
