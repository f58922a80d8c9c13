"""The sync engine: bring one target up to date (read back outside edits, merge, write), keeping state.

Qt-free; the CLI calls it directly and the GUI runs `sync()` on a worker thread. One writer per
target at a time, across processes too (an OS lock on `sync/<id>.lock`).

The file is the user's as much as ours: an entry the reader rejects stops the sync with an error
naming its line and the file is left alone; text between entries is written back verbatim; and a
file that changes while senref works on it is read again, never overwritten.

Reading a changed file back is in `readback`, the write and its recovery after a kill in `written`,
the OS lock of `senref.core.oslock`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from senref.core.model import now_iso
from senref.core.oslock import file_lock
from senref.sync.conflicts import Conflict, ConflictStore
from senref.sync.exporter import (
    Exporter,
    SyncFailure,
    SyncStopped,
    WriteResult,
    describe_os_error,
    scope_rows,
    signature,
)
from senref.sync.freshness import scope_unchanged
from senref.sync.journal import ImportJournal
from senref.sync.manifest import Manifest, ManifestStore, columns_of, file_stamp
from senref.sync.outcome import SyncOutcome
from senref.sync.readback import FileReadBack, ReadBack
from senref.sync.state import StateStore, TargetState
from senref.sync.storage import sync_dir
from senref.sync.targets import Target, TargetStore
from senref.sync.written import TargetWrites

if TYPE_CHECKING:
    from senref.core.library import Library

__all__ = ["SyncEngine", "SyncOutcome"]


#: Tries of one sync when the file keeps changing under it (each one reads the new edit back first).
_ATTEMPTS = 3


class _FileMoved(Exception):
    """The target changed on disk while senref worked on it: read it again rather than overwrite it."""


class SyncEngine:
    """Everything sync knows about one library's targets; safe to call from one worker thread at a time."""

    def __init__(self, lib: Library, *, options: dict[str, str] | None = None,
                 formats: Callable[[str], Any] | None = None) -> None:
        self.lib = lib
        self.targets = TargetStore(lib.folder)
        self.states = StateStore(lib.folder)
        self.manifests = ManifestStore(lib.folder)
        self.conflicts = ConflictStore(lib.folder)
        self.journal = ImportJournal(lib.folder)
        self.options = dict(options or {})
        self._formats = formats
        self.writes = TargetWrites(self.manifests, self.journal)
        self._reader = FileReadBack(lib, self.targets, self.conflicts, self.journal)

    # -- queries -------------------------------------------------------------------------------
    def format(self, name: str) -> Any:
        if self._formats is not None:
            fmt = self._formats(name)
        else:
            from senref.formats import registry

            fmt = registry.get(name)
        if fmt is None:
            raise SyncFailure(f"the {name} format is not available")
        return fmt

    def state(self, target_id: str) -> TargetState:
        return self.states.load(target_id)

    def open_conflicts(self, target_id: str | None = None) -> list[Conflict]:
        ids = [target_id] if target_id else [t.id for t in self.targets.load()]
        return [c for tid in ids for c in self.conflicts.load(tid) if not c.resolution]

    def remove_target(self, target_id: str) -> Target:
        target = self.targets.remove(target_id)
        self.states.remove(target_id)
        self.manifests.remove(target_id)
        self.conflicts.clear(target_id)
        self.journal.clear(target_id)
        self.writes.forget(target_id)
        return target

    def written_keys(self, target_id: str) -> frozenset[str] | None:
        """The item keys of this process's last write of the target (None before one)."""
        manifest = self.writes.loaded(target_id)
        return frozenset(columns_of(manifest.entries)[0]) if manifest is not None else None

    def needs_sync(self, target: Target) -> bool:
        """True when the library or the file moved on since the last write (cheap: versions and stat)."""
        if target.paused:
            return False
        if self.manifests.has_pending(target.id):
            return True  # a write was cut short: the next sync settles it
        manifest = self.writes.previous_manifest(target)
        if manifest is None or manifest.signature != signature(target):
            return True
        if not manifest.matches_disk(target.file):
            return True
        return not scope_unchanged(self.lib, target, manifest)

    # -- the work ------------------------------------------------------------------------------
    def sync(self, target: Target, should_stop: Callable[[], bool] | None = None) -> SyncOutcome:
        """Bring *target* up to date; never raises for a failed write (the outcome says why)."""
        start = time.perf_counter()
        state = self.states.load(target.id)
        outcome = SyncOutcome(target.id, state.state)
        state.last_attempt = now_iso()
        if target.paused:
            outcome.state = state.state = "paused"
            self.states.save(target.id, state)
            return outcome
        try:
            with self._target_lock(target) as got:
                if not got:
                    outcome.error = "another senref process is writing this target"
                    outcome.state = state.state
                    return outcome
                self._sync_locked(target, outcome, should_stop)
        except SyncStopped as exc:
            # Shutting down is no fault of the target: its state stays what it was, no retry counted.
            outcome.error = str(exc)
            outcome.seconds = time.perf_counter() - start
            return outcome
        except SyncFailure as exc:
            outcome.state, outcome.error = "error", str(exc)
        except OSError as exc:
            outcome.state, outcome.error = "error", describe_os_error(exc, target.file)
        outcome.seconds = time.perf_counter() - start
        state.state = outcome.state
        if outcome.state == "error":
            state.last_error = outcome.error
            state.failures += 1
        else:
            state.failures = 0
            if outcome.state == "ok":
                state.last_success = now_iso()
                state.last_error = ""
                state.item_count = outcome.count
        state.merged, state.imported = outcome.merged, outcome.imported
        with contextlib.suppress(OSError):  # the library folder itself may be read-only
            self.states.save(target.id, state)
        return outcome

    def _sync_locked(self, target: Target, outcome: SyncOutcome, should_stop: Callable[[], bool] | None) -> None:
        fmt = self.format(target.format)
        exporter = Exporter(self.lib, fmt, options=self.options)
        if not target.file.parent.is_dir():
            raise SyncFailure(f"folder missing: {target.file.parent}")
        self.writes.settle_pending(target, exporter.codec)
        for _ in range(_ATTEMPTS):
            outcome.problems.clear()
            try:
                self._sync_once(target, fmt, exporter, outcome, should_stop)
                return
            except _FileMoved:
                continue  # the user saved meanwhile: their new edit is read back first
        raise SyncFailure("the file kept changing while senref was writing it; it will try again")

    def _sync_once(self, target: Target, fmt: Any, exporter: Exporter, outcome: SyncOutcome,
                   should_stop: Callable[[], bool] | None) -> None:
        path = target.file
        previous = self.writes.previous_manifest(target)
        early = file_stamp(path)
        on_disk = early is not None and previous is not None and previous.matches_disk(path)
        rows: list[tuple[str, int]] | None = None
        if on_disk and previous is not None and exporter.codec.incremental and previous.signature == signature(target):
            rows = scope_rows(self.lib, target)
            if scope_unchanged(self.lib, target, previous, rows):
                # The file is what senref wrote and every entry in it is current: a rebuild would join the
                # very same bytes and record nothing, so skip it, and before reading those bytes (the copy
                # is as large as the file, and hashed when read: 0.5 s at 100,000 entries).
                outcome.count, outcome.rendered = len(previous.entries), 0
                self.conflicts.clear(target.id)
                outcome.state = "ok"
                return
        previous, previous_bytes = self.writes.previous(target, previous)
        stamp = file_stamp(path)  # before any read: a later change of the file is caught before the write
        if stamp != early:
            on_disk = stamp is not None and previous is not None and previous.matches_disk(path)
        read: ReadBack | None = None
        if stamp is not None and not on_disk:
            rows = None  # reading the file back may merge its edits into the library
            read = self._reader.read(target, fmt, exporter, previous=previous, previous_bytes=previous_bytes,
                                   stored=self.conflicts.load(target.id), outcome=outcome)
            if read is None:
                return  # conflicts wait for the user; the file stays as it is
        manifest, data, result = exporter.build(target, previous, previous_bytes, should_stop,
                                                read.layout if read is not None else None, rows=rows)
        self._report(outcome, result)
        manifest.library_version = self.lib.library_version()
        if read is not None and read.current == data and stamp is not None and not target.with_files:
            # The file already says all the library says (the user only added text of their own):
            # take it as written, without touching it.
            self._unchanged_since(path, stamp)
            manifest.sha256, manifest.size, manifest.mtime_ns = data.sha256(), stamp[0], stamp[1]
            manifest.written_at = now_iso()
            self.writes.record(target, manifest, data)
        elif read is None and stamp is not None and previous is not None and previous_bytes == data \
                and previous.signature == manifest.signature:
            # Nothing changed in the file; remember newer versions (a pinned citation key) only.
            manifest.sha256, manifest.size, manifest.mtime_ns = previous.sha256, previous.size, previous.mtime_ns
            manifest.written_at, manifest.files = previous.written_at, previous.files
            if _versions(previous) != _versions(manifest):
                self.writes.record(target, manifest, data)
        else:
            self._unchanged_since(path, stamp)
            self.writes.commit(target, exporter, manifest, data, previous)
            outcome.written = True
        self.conflicts.clear(target.id)
        outcome.state = "ok"

    def _unchanged_since(self, path: Path, stamp: tuple[int, int, int] | None) -> None:
        if file_stamp(path) != stamp:
            raise _FileMoved

    def _report(self, outcome: SyncOutcome, result: WriteResult) -> None:
        outcome.count, outcome.rendered = result.count, result.rendered
        outcome.problems.extend(f"{key}: {reason}" for key, reason in result.problems)

    @contextlib.contextmanager
    def _target_lock(self, target: Target) -> Iterator[bool]:
        folder = sync_dir(self.lib.folder)
        folder.mkdir(parents=True, exist_ok=True)
        with file_lock(folder / f"{target.id}.lock") as got:
            yield got


def _versions(manifest: Manifest) -> list[tuple[str, int]]:
    keys, versions = columns_of(manifest.entries)[:2]
    return list(zip(keys, versions, strict=True))

