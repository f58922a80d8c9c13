"""Sync targets (files kept current, edits read back), run with the writers' options from the settings."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from senref.actions.export import export_options
from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.settings import Settings

if TYPE_CHECKING:
    from senref.core.library import Library
    from senref.sync.engine import SyncEngine, SyncOutcome
    from senref.sync.targets import Scope, Target


def open_engine(library: Library, settings: Settings) -> SyncEngine:
    """A sync engine over *library* whose writers follow *settings*."""
    from senref.sync.engine import SyncEngine

    return SyncEngine(library, options=export_options(settings))


def apply_settings(engine: SyncEngine, settings: Settings) -> None:
    """Bring a long-lived engine's options up to date with settings the user may have changed since."""
    engine.options = export_options(settings)


@dataclass
class SyncReport(Report):
    """Each target synced, with its outcome, in order."""

    results: list[tuple[Target, SyncOutcome]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """A target left in error or in conflict (a skipped one, not written for now, is not a failure)."""
        return any(o.state in ("error", "conflict") for _t, o in self.results)

    def summary(self) -> str:
        written = sum(1 for _t, o in self.results if o.state == "ok" and o.written)
        return (f"{len(self.results)} target{'s' if len(self.results) != 1 else ''} synced, {written} written"
                + (f", {len(self.problems)} problems" if self.problems else "")
                + (" (cancelled)" if self.cancelled else ""))


def outcome_events(target: Target, outcome: SyncOutcome) -> list[Progress]:
    """What to tell the user about one target's sync: info lines, and problems for what was not done."""
    from senref.sync.merge import UnreadableFile

    events: list[Progress] = []
    if outcome.error and outcome.state != "error":
        # Skipped, not failed (stopping, or another process holds the target): the state is unchanged.
        events.append(Progress(message=f"{target.id}: not written now: {outcome.error}"))
    elif outcome.state == "ok":
        what = "written" if outcome.written else "already current"
        extra = f", {outcome.rendered} rendered" if outcome.written else ""
        merged = f", {outcome.merged} merged from the file, {outcome.imported} new from the file" \
            if outcome.merged or outcome.imported else ""
        events.append(Progress(message=f"{target.id}: {what}: {outcome.count} items{extra}{merged} -> "
                                       f"{target.path} ({outcome.seconds:.2f} s)"))
    elif outcome.state == "conflict":
        events.append(Progress(message=f"{target.id}: {len(outcome.conflicts)} conflict(s); {target.path} left "
                                       f"untouched (see 'senref sync conflicts')", level="problem"))
    elif outcome.state == "paused":
        events.append(Progress(message=f"{target.id}: paused"))
    else:
        events.append(Progress(message=f"{target.id}: not written: {outcome.error}", level="problem"))
        if outcome.error.startswith(UnreadableFile.PREFIX):
            events.append(Progress(message=f"{target.id}: {target.path} is left exactly as it is; fix it and "
                                           f"run 'senref sync run' again", level="problem"))
    # Entries the target could not carry: the target itself is current, so these are warnings.
    events.extend(Progress(message=f"{target.id}: {problem}", level="warning") for problem in outcome.problems)
    return events


def sync_target(engine: SyncEngine, settings: Settings, target: Target, *, report: SyncReport | None = None,
                progress: ProgressSink = no_progress, should_stop: ShouldStop = never_stop) -> SyncOutcome:
    """Sync one target now (with the settings' options), telling *progress* and noting it in *report*."""
    apply_settings(engine, settings)
    outcome = engine.sync(target, should_stop=should_stop)
    for event in outcome_events(target, outcome):
        if report is not None and event.level != "info":
            (report.problems if event.level == "problem" else report.warnings).append(event.message)
        progress(event)
    if report is not None:
        report.results.append((target, outcome))
    return outcome


def chosen_targets(engine: SyncEngine, target_ids: Sequence[str] = ()) -> list[Target]:
    """The targets named by *target_ids* (all when none); KeyError names the first unknown one."""
    targets = engine.targets.load()
    if target_ids:
        known = {t.id for t in targets}
        missing = [t for t in target_ids if t not in known]
        if missing:
            raise KeyError(f"sync target {missing[0]}")
        targets = [t for t in targets if t.id in target_ids]
    return targets


def run_targets(engine: SyncEngine, settings: Settings, targets: Sequence[Target], *,
                progress: ProgressSink = no_progress, should_stop: ShouldStop = never_stop) -> SyncReport:
    """Bring each of *targets* up to date; a target in error or conflict is a problem of the report."""
    report = SyncReport()
    for target in targets:
        if should_stop():
            report.cancelled = True
            break
        sync_target(engine, settings, target, report=report, progress=progress, should_stop=should_stop)
    return report


def watch_targets(engine: SyncEngine, settings: Settings, target_ids: Sequence[str], *, interval: float,
                  seconds: float = 0.0, progress: ProgressSink = no_progress,
                  should_stop: ShouldStop = never_stop) -> SyncReport:
    """Poll the library version and the files' stamps; write through the debouncing scheduler until stopped.

    *seconds* > 0 ends the watch after that long (tests); otherwise only *should_stop* does.
    """
    from senref.sync.changes import file_stamp
    from senref.sync.scheduler import Scheduler

    report = SyncReport()
    ids = set(target_ids)
    scheduler = Scheduler(delay=max(interval, 0.2))
    version = engine.lib.library_version()
    stamps = {t.id: file_stamp(t.file) for t in engine.targets.load() if t.id in ids}
    stop_at = time.monotonic() + seconds if seconds else None
    while stop_at is None or time.monotonic() < stop_at:
        if _wait(interval, should_stop):
            break
        targets = {t.id: t for t in engine.targets.load() if t.id in ids}
        now_version = engine.lib.library_version()
        if now_version != version:
            version = now_version
            scheduler.touch([tid for tid, t in targets.items() if engine.needs_sync(t)])
        for tid, target in targets.items():
            stamp = file_stamp(target.file)
            if stamp != stamps.get(tid):
                stamps[tid] = stamp
                scheduler.touch([tid])
        for tid in scheduler.due():
            found = targets.get(tid)
            if found is None:
                scheduler.finished(tid, True)
                continue
            if should_stop():
                break
            outcome = sync_target(engine, settings, found, report=report, progress=progress,
                                  should_stop=should_stop)
            stamps[tid] = file_stamp(found.file)
            scheduler.finished(tid, outcome.state in ("ok", "paused", "conflict"))
    return report


def _wait(seconds: float, should_stop: ShouldStop) -> bool:
    """Sleep up to *seconds*, looking at *should_stop* often; True when it asked to stop."""
    end = time.monotonic() + seconds
    while not should_stop():
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, 0.05))
    return True


def scope_for(library: Library, *, collection: str | None = None, recursive: bool = False, tag: str | None = None,
              search: str | None = None) -> Scope:
    """The items a target keeps: a collection (name, Parent/Child or key), a tag, a search, else all."""
    from senref.sync.targets import Scope

    if recursive and not collection:
        raise ValueError("--recursive goes with --collection")
    if collection:
        key = library.find_collection(collection)
        if key is None:
            raise KeyError(f"collection {collection!r}")
        return Scope("collection", key, recursive)
    if tag:
        return Scope("tag", tag)
    if search:
        return Scope("search", search)
    return Scope()


def resolve_conflict(engine: SyncEngine, settings: Settings, conflict_id: str, keep: str, *,
                     progress: ProgressSink = no_progress) -> SyncReport:
    """Decide a conflict (*keep* "library" or "file"); its target is synced once none is left open."""
    targets = engine.targets.load()
    conflict = engine.conflicts.resolve([t.id for t in targets], conflict_id, keep)
    report = SyncReport()
    progress(Progress(message=f"{conflict.id}: keeping the {keep} side"))
    left = engine.open_conflicts(conflict.target_id)
    if left:
        progress(Progress(message=f"{len(left)} more conflict(s) before {conflict.target_id} is written"))
        return report
    target = next(t for t in targets if t.id == conflict.target_id)
    sync_target(engine, settings, target, report=report, progress=progress)
    return report


def new_target(*, path: str, format_name: str, scope: Scope, with_files: bool = False) -> Target:
    """A target description, not yet kept (see `add_target`)."""
    from senref.sync.targets import Target

    return Target(path=path, format=format_name.lower(), scope=scope, with_files=with_files)


def add_target(engine: SyncEngine, target: Target) -> Target:
    """Keep a new target (TargetError says why not: unknown format, a path another target has...)."""
    return engine.targets.add(target)


def remove_target(engine: SyncEngine, target_id: str) -> Target:
    """Stop keeping a target; its file stays as it is."""
    return engine.remove_target(target_id)


def set_target_paused(engine: SyncEngine, target_id: str, paused: bool) -> Target:
    return engine.targets.set_paused(target_id, paused)
