"""The sync engine: bring one target up to date (read back outside edits, merge, write), keeping state.

Qt-free; the CLI calls it directly and the GUI runs `sync()` on a worker thread. One writer per
target at a time, across processes too (an OS lock on `sync/<id>.lock`).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from senref.core.model import Item, now_iso
from senref.sync.conflicts import Conflict, ConflictStore
from senref.sync.exporter import Exporter, SyncFailure, SyncStopped, WriteResult, describe_os_error, signature
from senref.sync.manifest import Manifest, ManifestStore
from senref.sync.merge import MergePlan, apply_unit, plan_merge
from senref.sync.state import StateStore, TargetState
from senref.sync.storage import sync_dir
from senref.sync.targets import Target, TargetStore

if TYPE_CHECKING:
    from senref.core.library import Library


@dataclass
class SyncOutcome:
    """What one sync of one target did; `state` is the state it left the target in."""

    target_id: str
    state: str
    written: bool = False
    count: int = 0
    rendered: int = 0
    merged: int = 0
    imported: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


class SyncEngine:
    """Everything sync knows about one library's targets; safe to call from one worker thread at a time."""

    def __init__(self, lib: Library, *, options: dict[str, str] | None = None,
                 formats: Callable[[str], Any] | None = None) -> None:
        self.lib = lib
        self.targets = TargetStore(lib.folder)
        self.states = StateStore(lib.folder)
        self.manifests = ManifestStore(lib.folder)
        self.conflicts = ConflictStore(lib.folder)
        self.options = dict(options or {})
        self._formats = formats
        #: target id -> (manifest, bytes) of the last write by this process: no reload next time
        self._memory: dict[str, tuple[Manifest, bytes]] = {}
        self._mutex = threading.Lock()

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
        self._memory.pop(target_id, None)
        return target

    def loaded_manifest(self, target_id: str) -> Manifest | None:
        """The manifest of this process's last write, if any (no disk read: safe on the GUI thread)."""
        with self._mutex:
            cached = self._memory.get(target_id)
        return cached[0] if cached else None

    def needs_sync(self, target: Target) -> bool:
        """True when the library or the file moved on since the last write (cheap: versions and stat)."""
        if target.paused:
            return False
        manifest = self._previous(target)[0]
        if manifest is None or manifest.signature != signature(target):
            return True
        if not manifest.matches_disk(target.file):
            return True
        from senref.sync.exporter import scope_rows

        written = {e.key: e.version for e in manifest.entries}
        return dict(scope_rows(self.lib, target)) != written

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
        previous, previous_bytes = self._previous(target)
        path = target.file
        if not path.parent.is_dir():
            raise SyncFailure(f"folder missing: {path.parent}")
        stored = self.conflicts.load(target.id)
        if path.exists() and (previous is None or not previous.matches_disk(path)):
            if not self._read_back(target, fmt, exporter, previous=previous, previous_bytes=previous_bytes,
                                   stored=stored, outcome=outcome):
                return  # conflicts wait for the user; the file stays as it is
            previous, previous_bytes = self._previous(target)
        manifest, data, result = exporter.build(target, previous, previous_bytes, should_stop)
        self._report(outcome, result)
        if previous is not None and previous_bytes == data and previous.matches_disk(path) \
                and previous.signature == manifest.signature:
            # Nothing changed in the file; remember newer versions (a pinned citation key) only.
            manifest.sha256, manifest.size, manifest.mtime_ns = previous.sha256, previous.size, previous.mtime_ns
            manifest.written_at, manifest.files = previous.written_at, previous.files
        else:
            exporter.write(target, manifest, data, previous)
            outcome.written = True
        manifest.library_version = self.lib.library_version()
        if outcome.written or previous is None or _versions(previous) != _versions(manifest):
            self._remember(target, manifest, data)
        self.conflicts.clear(target.id)
        outcome.state = "ok"

    def _report(self, outcome: SyncOutcome, result: WriteResult) -> None:
        outcome.count, outcome.rendered = result.count, result.rendered
        outcome.problems.extend(f"{key}: {reason}" for key, reason in result.problems)

    def _read_back(self, target: Target, fmt: Any, exporter: Exporter, *, previous: Manifest | None,
                   previous_bytes: bytes | None, stored: list[Conflict], outcome: SyncOutcome) -> bool:
        """The file changed since senref wrote it. True when the write may go ahead."""
        whole_file = Conflict(id=Conflict.make_id(target.id, "file", "", ""), target_id=target.id, kind="file",
                              title=str(target.file),
                              library_value="overwrite the file with the library's records",
                              file_value="keep the file as it is (the target is paused)")
        decided = next((c for c in stored if c.id == whole_file.id and c.resolution), None)
        if decided is not None:
            if decided.resolution == "file":
                self.targets.set_paused(target.id, True)
                outcome.state = "paused"
                self.conflicts.clear(target.id)
                return False
            return True  # keep library: overwrite
        if not target.two_way or previous is None or previous.signature != signature(target):
            # Not a file senref can merge entry by entry (or not one it wrote): ask, never clobber.
            self.conflicts.save(target.id, [whole_file])
            outcome.conflicts = [whole_file]
            outcome.state = "conflict"
            return False
        current = target.file.read_bytes()

        def render(items: list[Item]) -> list[bytes | None]:
            return exporter.render_items(target, items)
        plan = plan_merge(self.lib, fmt, exporter.codec, target_id=target.id, manifest=previous, base=previous_bytes,
                          current=current, render=render, resolved=stored)
        outcome.problems.extend(plan.problems)
        self._apply(target, plan, outcome)
        if plan.open_conflicts:
            self.conflicts.save(target.id, plan.conflicts)
            outcome.conflicts = plan.open_conflicts
            outcome.state = "conflict"
            return False
        return True

    def _apply(self, target: Target, plan: MergePlan, outcome: SyncOutcome) -> None:
        """Merge the file's edits and new entries into the library (each a normal, undoable edit)."""
        updates = plan.updates

        def change(item: Item) -> bool:
            file_item, take = updates[item.key]
            for unit in take:
                apply_unit(item, file_item, unit)
            return bool(take)
        if updates:
            outcome.merged = len(self.lib.edit_items(list(updates), change))
        scope = target.scope
        for item in plan.new_items:
            collections = [scope.value] if scope.kind == "collection" else []
            if scope.kind == "tag":
                item.add_tag(scope.value)
            self.lib.save_item(item, collections=collections, source=f"sync:{target.format}")
            outcome.imported += 1
        if plan.removals:
            if scope.kind == "collection":
                self.lib.remove_from_collection(scope.value, plan.removals)
            elif scope.kind == "tag":
                for key in plan.removals:
                    self.lib.remove_tags(key, [scope.value])
            else:
                self.lib.trash(plan.removals)

    # -- the previous write --------------------------------------------------------------------
    def _previous(self, target: Target) -> tuple[Manifest | None, bytes | None]:
        with self._mutex:
            cached = self._memory.get(target.id)
        if cached is not None:
            return cached
        manifest = self.manifests.load(target.id)
        data = self.manifests.load_written(manifest) if manifest is not None else None
        if manifest is not None and data is None and manifest.matches_disk(target.file):
            # No copy, but the target itself is still exactly what senref wrote.
            with contextlib.suppress(OSError):
                data = target.file.read_bytes()
        if manifest is not None and data is not None:
            with self._mutex:
                self._memory[target.id] = (manifest, data)
        return manifest, data

    def _remember(self, target: Target, manifest: Manifest, data: bytes) -> None:
        with self._mutex:
            self._memory[target.id] = (manifest, data)
        try:
            self.manifests.save(manifest, data)
        except OSError as exc:
            # The target itself is current; without its record the next run re-renders in full
            # and treats the file as foreign, so say so rather than pretend all is well.
            raise SyncFailure(f"the target was written but its manifest was not ({describe_os_error(exc, target.file)})") from exc

    @contextlib.contextmanager
    def _target_lock(self, target: Target) -> Iterator[bool]:
        folder = sync_dir(self.lib.folder)
        folder.mkdir(parents=True, exist_ok=True)
        with _file_lock(folder / f"{target.id}.lock") as got:
            yield got


def _versions(manifest: Manifest) -> list[tuple[str, int]]:
    return [(e.key, e.version) for e in manifest.entries]


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    """A non-blocking OS lock (freed by the kernel if the process dies); True when acquired."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        got = _try_lock(fd)
        try:
            yield got
        finally:
            if got:
                _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
