"""The sync engine in the desktop app: debounced by a QTimer, written by a worker process, files watched.

The writes run in one worker process of the service's own (never two at once: each run reads the
target's last write from disk), so a big auto-export does not hold the window's interpreter lock.

Signals:
    target_changed(str): a target's state, count or error changed (panel refresh).
    targets_changed(): targets were added, removed, paused or resumed.
    conflicts_found(str, int): a target has open conflicts (target id, how many).
    conflicts_changed(): conflicts were found or decided (the open count may have changed).
    problem(str): something the user asked for could not be done (a message to show).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from senref.actions import sync as sync_actions
from senref.core.library import Library
from senref.core.settings import Settings
from senref.gui.library_signals import LibrarySignals
from senref.gui.workers import remote_jobs
from senref.gui.workers.processes import ProcessPool, ProcessWorker
from senref.gui.workers.remote import remote_job
from senref.sync.changes import file_stamp, touched_by_items, touched_by_structure
from senref.sync.conflicts import Conflict
from senref.sync.outcome import SyncOutcome
from senref.sync.scheduler import Scheduler
from senref.sync.targets import Target, TargetError, TargetStore, normalise_path, validate

if TYPE_CHECKING:
    from senref.sync.engine import SyncEngine


class SyncService(QObject):
    """Owns the scheduler; never touches a target file or the library's write path on the GUI thread."""

    target_changed = Signal(str)
    targets_changed = Signal()
    conflicts_found = Signal(str, int)
    conflicts_changed = Signal()
    problem = Signal(str)
    # Library hooks fire on the writing thread; these hop to the GUI thread (queued).

    def __init__(self, library: Library, *, settings: Settings | None = None, delay: float = 1.0,
                 signals: LibrarySignals | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: the user's settings, read at each write (the settings dialog edits them in place)
        self.settings = settings if settings is not None else Settings()
        self._engine: SyncEngine | None = None
        self.scheduler = Scheduler(delay=delay)
        self.paused = False
        self._library = library
        self._processes = ProcessPool(size=1, parent=self)
        self._workers: dict[str, ProcessWorker] = {}
        #: target id -> the keys its file held after the last run here (for the change check)
        self._written: dict[str, frozenset[str] | None] = {}
        self._own_stamps: dict[str, tuple[int, int] | None] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_timer)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self.on_path_changed)
        self._watcher.directoryChanged.connect(self.on_path_changed)
        # The window's adapter when given (one subscription to the library), else one of our own.
        self._own_signals = signals is None
        self._signals = signals if signals is not None else LibrarySignals(library, self)
        self._signals.items_changed.connect(self.on_items_changed)
        self._signals.items_removed.connect(self.on_items_changed)
        self._signals.collections_changed.connect(self.on_structure_changed)
        self._signals.tags_changed.connect(self.on_structure_changed)
        self._hooked = True
        self._targets: dict[str, Target] = {}
        #: target id -> the target replacing it, once its file has been read back a last time
        self._replacing: dict[str, Target] = {}
        self.reload()

    @property
    def engine(self) -> SyncEngine:
        """The library's sync engine, opened on first use: the engine and its writers and readers (~0.25 s
        of imports) wait until a target exists or is written; a window without targets never loads them."""
        if self._engine is None:
            self._engine = sync_actions.open_engine(self._library, self.settings)
        return self._engine

    # -- targets -------------------------------------------------------------------------------
    def targets(self) -> list[Target]:
        return list(self._targets.values())

    def reload(self) -> None:
        """Re-read targets.json (also after the CLI changed it) and watch their files."""
        store = self._engine.targets if self._engine is not None else TargetStore(self._library.folder)
        self._targets = {t.id: t for t in store.load()}
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)
        for target in self._targets.values():
            self._watch(target)
        self.targets_changed.emit()

    def _watch(self, target: Target) -> None:
        # The folder too: an atomic replace swaps the file's inode, which drops a file watch.
        for path in (target.file, target.file.parent):
            if path.exists() and str(path) not in self._watcher.files() + self._watcher.directories():
                self._watcher.addPath(str(path))

    def add_target(self, target: Target) -> Target:
        added = sync_actions.add_target(self.engine, target)
        self.reload()
        self.sync_now(added.id)
        return added

    def remove_target(self, target_id: str) -> None:
        self._written.pop(target_id, None)
        self.scheduler.cancel(target_id)
        sync_actions.remove_target(self.engine, target_id)
        self.reload()

    def edit_target(self, target_id: str, changed: Target) -> Target:
        """Change a target's scope, "with files", file or format (TargetError says why not, before anything).

        Same file and format: the target keeps its id, state and manifest, which still describe the file,
        so edits made in it since the last write are read back before the new scope is written. Another
        file or format: the manifest says nothing about the new file, so a new target replaces the old one,
        after a last sync has read the old file's edits back (the old file stays as it is, like Remove).
        """
        old = self._targets.get(target_id)
        if old is None:
            raise TargetError("that target was removed meanwhile")
        if self.engine.open_conflicts(target_id):
            raise TargetError("decide this target's conflicts first: they belong to its current file")
        if self.is_running(target_id) or target_id in self._replacing:
            raise TargetError("the target is being written; try again in a moment")
        others = [t for t in self.engine.targets.load() if t.id != target_id]
        if normalise_path(changed.path) == normalise_path(old.path) and changed.format == old.format:
            updated = replace(old, scope=changed.scope, with_files=changed.with_files)
            validate(updated, others, self.engine.lib.folder)
            self.engine.targets.save([*others, updated])
            self.reload()
            self.sync_now(target_id)
            return updated
        changed.paused = old.paused
        changed.path = str(normalise_path(changed.path))
        validate(changed, others, self.engine.lib.folder)
        self._replacing[target_id] = changed
        self.sync_now(target_id)
        return changed

    def _finish_replacing(self, target_id: str, outcome: SyncOutcome | None) -> None:
        new = self._replacing.pop(target_id, None)
        if new is None:
            return
        if outcome is None or outcome.state not in ("ok", "paused"):
            why = "it has conflicts to decide" if outcome is not None and outcome.conflicts else "its last sync failed"
            self.problem.emit(f"The target was not changed: {why}.")
            return
        try:
            sync_actions.remove_target(self.engine, target_id)
            self.add_target(new)
        except (TargetError, KeyError) as exc:
            self.reload()
            self.problem.emit(f"The new target could not be kept: {exc}")

    def open_conflicts(self) -> list[Conflict]:
        """The conflicts waiting for the user, over all targets (small JSON files: fine on the GUI thread)."""
        if self._engine is None and not TargetStore(self._library.folder).load():
            return []  # no target, no conflict: the panel's first paint need not load the engine
        return self.engine.open_conflicts()

    def set_target_paused(self, target_id: str, paused: bool) -> None:
        sync_actions.set_target_paused(self.engine, target_id, paused)
        self.reload()
        if not paused:
            self.sync_now(target_id)
        self.target_changed.emit(target_id)

    def set_paused(self, paused: bool) -> None:
        """Pause all writing (changes are still noted and written on resume)."""
        self.paused = paused
        if not paused:
            self._arm()

    def sync_now(self, target_id: str | None = None) -> None:
        ids = [target_id] if target_id else list(self._targets)
        self.scheduler.touch(ids, delay=0.0)
        self._arm()

    def resolve(self, conflict_id: str, keep: str) -> None:
        conflict = self.engine.conflicts.resolve(list(self._targets), conflict_id, keep)
        if not self.engine.open_conflicts(conflict.target_id):
            self.sync_now(conflict.target_id)
        self.conflicts_changed.emit()

    def is_running(self, target_id: str) -> bool:
        return target_id in self._workers

    def busy(self) -> bool:
        return bool(self._workers)

    def shutdown(self, msecs: int = 30000) -> bool:
        """Stop scheduling, let running writes finish (each is atomic), unhook from the library."""
        self._timer.stop()
        for worker in self._workers.values():
            worker.cancel()
        done = self._processes.wait_for_done(msecs)
        self._processes.shutdown(msecs)
        if self._hooked:
            self._hooked = False
            for signal, slot in ((self._signals.items_changed, self.on_items_changed),
                                 (self._signals.items_removed, self.on_items_changed),
                                 (self._signals.collections_changed, self.on_structure_changed),
                                 (self._signals.tags_changed, self.on_structure_changed)):
                signal.disconnect(slot)
            if self._own_signals:
                self._signals.disconnect_library()
        return done

    # -- slots ---------------------------------------------------------------------------------
    def on_items_changed(self, keys: list[str]) -> None:
        active = [t for t in self._targets.values() if not t.paused]
        self.scheduler.touch(touched_by_items(self.engine.lib, active, keys, self._written))
        self._arm()

    def on_structure_changed(self) -> None:
        self.scheduler.touch(touched_by_structure(t for t in self._targets.values() if not t.paused))
        self._arm()

    def on_path_changed(self, path: str) -> None:
        for target in self._targets.values():
            if path not in (str(target.file), str(target.file.parent)):
                continue
            self._watch(target)
            stamp = file_stamp(target.file)
            if stamp == self._own_stamps.get(target.id) or target.paused:
                continue  # our own write, seen by the watcher: not an outside change
            self._own_stamps[target.id] = stamp
            self.scheduler.touch([target.id], delay=0.3)
        self._arm()

    def on_timer(self) -> None:
        if self.paused:
            return
        for tid in self.scheduler.due():
            target = self._targets.get(tid)
            if target is None:
                self.scheduler.finished(tid, True)
                continue
            self._start(target)
        self._arm()

    def _start(self, target: Target) -> None:
        worker = ProcessWorker(remote_job(self._library, remote_jobs.sync_target, settings=self.settings,
                                          target=target))
        worker.signals.finished.connect(lambda run, tid=target.id: self.on_run_finished(tid, run))
        worker.signals.failed.connect(lambda message, details, tid=target.id: self.on_failed(tid, message))
        self._workers[target.id] = worker
        self._processes.start(worker)
        self.target_changed.emit(target.id)

    def on_run_finished(self, target_id: str, run: remote_jobs.SyncRun) -> None:
        self._written[target_id] = run.keys
        self.on_finished(target_id, run.outcome)

    def on_finished(self, target_id: str, outcome: SyncOutcome) -> None:
        self._workers.pop(target_id, None)
        target = self._targets.get(target_id)
        if target is not None:
            self._own_stamps[target_id] = file_stamp(target.file)
            self._watch(target)
        self.scheduler.finished(target_id, outcome.state in ("ok", "paused", "conflict"))
        if outcome.conflicts:
            self.conflicts_found.emit(target_id, len(outcome.conflicts))
        self.conflicts_changed.emit()
        if outcome.state == "paused":
            self.reload()
        self.target_changed.emit(target_id)
        self._finish_replacing(target_id, outcome)
        self._arm()

    def on_failed(self, target_id: str, message: str) -> None:
        self._workers.pop(target_id, None)
        self.scheduler.finished(target_id, False)
        self.target_changed.emit(target_id)
        self._finish_replacing(target_id, None)
        self._arm()

    def _arm(self) -> None:
        deadline = self.scheduler.next_deadline()
        if deadline is None or self.paused:
            return
        msecs = max(0, int((deadline - time.monotonic()) * 1000))
        if not self._timer.isActive() or self._timer.remainingTime() > msecs:
            self._timer.start(msecs)

    def target_file(self, target_id: str) -> Path | None:
        target = self._targets.get(target_id)
        return target.file if target else None
