"""The sync engine: bring one target up to date (read back outside edits, merge, write), keeping state.

Qt-free; the CLI calls it directly and the GUI runs `sync()` on a worker thread. One writer per
target at a time, across processes too (an OS lock on `sync/<id>.lock`).

The file is the user's as much as ours: an entry the reader rejects stops the sync with an error
naming its line and the file is left alone; text between entries is written back verbatim; and a
file that changes while senref works on it is read again, never overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from senref.core import checkpoints
from senref.core.model import Item, now_iso
from senref.sync.conflicts import Conflict, ConflictStore
from senref.sync.entries import EntryCodec, Layout
from senref.sync.exporter import Exporter, SyncFailure, SyncStopped, WriteResult, describe_os_error, signature
from senref.sync.journal import Imported, ImportJournal
from senref.sync.manifest import Manifest, ManifestStore, entry_hash
from senref.sync.merge import MergePlan, UnreadableFile, apply_unit, plan_merge
from senref.sync.state import StateStore, TargetState
from senref.sync.storage import sync_dir
from senref.sync.targets import Target, TargetStore

if TYPE_CHECKING:
    from senref.core.library import Library

#: Tries of one sync when the file keeps changing under it (each one reads the new edit back first).
_ATTEMPTS = 3


class _FileMoved(Exception):
    """The target changed on disk while senref worked on it: read it again rather than overwrite it."""


@dataclass
class _ReadBack:
    """What reading the file back left for the write: the user's layout, and the bytes that were read."""

    layout: Layout | None
    current: bytes | None


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode) of the target, None when it does not exist."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


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
        self.journal = ImportJournal(lib.folder)
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
        self.journal.clear(target_id)
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
        if self.manifests.has_pending(target.id):
            return True  # a write was cut short: the next sync settles it
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
        if not target.file.parent.is_dir():
            raise SyncFailure(f"folder missing: {target.file.parent}")
        self._settle_pending(target, exporter.codec)
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
        previous, previous_bytes = self._previous(target)
        stamp = _stamp(path)  # before any read: a later change of the file is caught before the write
        read: _ReadBack | None = None
        if stamp is not None and (previous is None or not previous.matches_disk(path)):
            read = self._read_back(target, fmt, exporter, previous=previous, previous_bytes=previous_bytes,
                                   stored=self.conflicts.load(target.id), outcome=outcome)
            if read is None:
                return  # conflicts wait for the user; the file stays as it is
        manifest, data, result = exporter.build(target, previous, previous_bytes, should_stop,
                                                read.layout if read is not None else None)
        self._report(outcome, result)
        manifest.library_version = self.lib.library_version()
        if read is not None and read.current == data and stamp is not None and not target.with_files:
            # The file already says all the library says (the user only added text of their own):
            # take it as written, without touching it.
            self._unchanged_since(path, stamp)
            manifest.sha256, manifest.size, manifest.mtime_ns = hashlib.sha256(data).hexdigest(), stamp[0], stamp[1]
            manifest.written_at = now_iso()
            self._record(target, manifest, data)
        elif read is None and stamp is not None and previous is not None and previous_bytes == data \
                and previous.signature == manifest.signature:
            # Nothing changed in the file; remember newer versions (a pinned citation key) only.
            manifest.sha256, manifest.size, manifest.mtime_ns = previous.sha256, previous.size, previous.mtime_ns
            manifest.written_at, manifest.files = previous.written_at, previous.files
            if _versions(previous) != _versions(manifest):
                self._record(target, manifest, data)
        else:
            self._unchanged_since(path, stamp)
            self._commit(target, exporter, manifest, data, previous)
            outcome.written = True
        self.conflicts.clear(target.id)
        outcome.state = "ok"

    def _unchanged_since(self, path: Path, stamp: tuple[int, int, int] | None) -> None:
        if _stamp(path) != stamp:
            raise _FileMoved

    def _report(self, outcome: SyncOutcome, result: WriteResult) -> None:
        outcome.count, outcome.rendered = result.count, result.rendered
        outcome.problems.extend(f"{key}: {reason}" for key, reason in result.problems)

    def _read_back(self, target: Target, fmt: Any, exporter: Exporter, *, previous: Manifest | None,
                   previous_bytes: bytes | None, stored: list[Conflict], outcome: SyncOutcome) -> _ReadBack | None:
        """The file changed since senref wrote it: merge it. None when the write must not go ahead."""
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
                return None
            return _ReadBack(None, None)  # keep library: overwrite
        if not target.two_way or previous is None or previous.signature != signature(target):
            # Not a file senref can merge entry by entry (or not one it wrote): ask, never clobber.
            self.conflicts.save(target.id, [whole_file])
            outcome.conflicts = [whole_file]
            outcome.state = "conflict"
            return None
        current = target.file.read_bytes()
        journal = self.journal.load(target.id)

        def render(items: list[Item]) -> list[bytes | None]:
            return exporter.render_items(target, items)
        try:
            plan = plan_merge(self.lib, fmt, exporter.codec, target_id=target.id, manifest=previous,
                              base=previous_bytes, current=current, render=render, resolved=stored, journal=journal)
        except UnreadableFile as exc:
            # Nothing merged, nothing written: the file waits, byte for byte, for the user's fix.
            raise SyncFailure(str(exc)) from None
        outcome.problems.extend(plan.problems)
        if plan.imports:
            # Before the import: a rerun after a kill, or after the user answers a conflict, must
            # find these entries already imported, under the keys chosen here.
            self._save_journal(target, _joined(journal, plan.imports))
            checkpoints.reached("sync_after_journal")
        renamed = self._apply(target, plan, outcome)
        if renamed:
            # Imported entries merged into items the library already had: follow them.
            self._save_journal(target, [_rekeyed(e, renamed) for e in _joined(journal, plan.imports)])
            if plan.layout is not None:
                plan.layout = Layout([(renamed.get(k, k), t) for k, t in plan.layout.blocks],
                                     [renamed.get(k, k) for k in plan.layout.order])
        checkpoints.reached("sync_after_merge")
        if plan.open_conflicts:
            self.conflicts.save(target.id, plan.conflicts)
            outcome.conflicts = plan.open_conflicts
            outcome.state = "conflict"
            return None
        return _ReadBack(plan.layout, current)

    def _apply(self, target: Target, plan: MergePlan, outcome: SyncOutcome) -> dict[str, str]:
        """Merge the file's edits and new entries into the library (each a normal, undoable edit).

        Returns planned key -> saved key for new entries the library merged into an item it had.
        """
        updates = plan.updates

        def change(item: Item) -> bool:
            file_item, take = updates[item.key]
            for unit in take:
                apply_unit(item, file_item, unit)
            return bool(take)
        if updates:
            outcome.merged += len(self.lib.edit_items(list(updates), change))
        scope = target.scope
        renamed: dict[str, str] = {}
        for item in plan.new_items:
            if self.lib.has_item(item.key):
                continue  # imported by an earlier run that did not get to write the file
            collections = [scope.value] if scope.kind == "collection" else []
            if scope.kind == "tag":
                item.add_tag(scope.value)
            planned = item.key
            saved = self.lib.save_item(item, collections=collections, source=f"sync:{target.format}")
            if saved.key != planned:
                renamed[planned] = saved.key
            outcome.imported += 1
        if plan.removals:
            if scope.kind == "collection":
                self.lib.remove_from_collection(scope.value, plan.removals)
            elif scope.kind == "tag":
                for key in plan.removals:
                    self.lib.remove_tags(key, [scope.value])
            else:
                self.lib.trash(plan.removals)
        return renamed

    def _save_journal(self, target: Target, entries: list[Imported]) -> None:
        try:
            self.journal.save(target.id, entries)
        except OSError as exc:
            raise SyncFailure(f"the sync record could not be saved ({describe_os_error(exc, target.file)}); "
                              "nothing was imported") from exc

    # -- writing, and a write cut short ---------------------------------------------------------
    def _commit(self, target: Target, exporter: Exporter, manifest: Manifest, data: bytes,
                previous: Manifest | None) -> None:
        """Replace the target, then its manifest, so that the next run can tell how far a killed one got.

        Three steps: (1) the new content's manifest and a copy are saved as *pending*; (2) the target
        is replaced atomically; (3) the pending record is promoted to the manifest. A kill between
        (1) and (3) leaves the pending record, which `_settle_pending` resolves by looking at the file.
        """
        manifest.sha256, manifest.size = hashlib.sha256(data).hexdigest(), len(data)
        try:
            self.manifests.save_pending(manifest, data)
        except OSError as exc:
            raise SyncFailure(f"the sync record could not be saved ({describe_os_error(exc, target.file)}); "
                              "the file was not written") from exc
        checkpoints.reached("sync_after_pending")
        try:
            exporter.write(target, manifest, data, previous)
        except SyncFailure:
            self.manifests.clear_pending(target.id)  # the old file is still there, untouched
            raise
        checkpoints.reached("sync_after_target_write")
        with self._mutex:
            self._memory[target.id] = (manifest, data)
        try:
            self.manifests.promote(manifest, data)
        except OSError as exc:
            raise SyncFailure(f"the target was written but its manifest was not "
                              f"({describe_os_error(exc, target.file)})") from exc
        self.journal.clear(target.id)

    def _settle_pending(self, target: Target, codec: EntryCodec) -> None:
        """Finish or forget a write that a killed process left between its steps (see `_commit`).

        The file on disk tells which side of the target's replace (step 2) the process died on:

        - it holds the pending content (whatever its time stamp): the replace happened, so the
          pending record becomes the manifest, exactly as step 3 would have made it;
        - it holds the manifest's content, or is missing: the replace never happened, so the
          pending record is dropped and the next write starts over;
        - neither: the user edited it since. The edit started from the pending content only if
          some entry matches what only the pending write rendered and none what only the old one
          had; otherwise the old content is taken as the base, the safe side, where a wrong guess
          costs at worst a question to the user, never a library edit silently undone.

        Before step 1 nothing the next run relies on has changed (merges into the library repeat
        harmlessly, and imports are recognised through the journal); after step 3 all is done. So a
        kill at any instant leaves the old state or the new one, never a false conflict.
        """
        if not self.manifests.has_pending(target.id):
            return
        pending = self.manifests.load_pending(target.id)
        if pending is None:
            self.manifests.clear_pending(target.id)  # an unreadable record describes nothing usable
            return
        with self._mutex:
            self._memory.pop(target.id, None)
        path = target.file
        stamp = _stamp(path)
        if stamp is not None and pending.matches_bytes(path):
            data = self.manifests.load_pending_written(pending)
            if data is None:
                data = path.read_bytes()  # the target itself is the content, if it still is
            if hashlib.sha256(data).hexdigest() == pending.sha256 and _stamp(path) == stamp:
                pending.size, pending.mtime_ns = stamp[0], stamp[1]
                self._promote(target, pending, data)
                return
        old = self.manifests.load(target.id)
        if not path.exists() or (old is not None and old.matches_disk(path)) \
                or not _edited_from(pending, old, path, codec):
            self.manifests.clear_pending(target.id)
            return
        data = self.manifests.load_pending_written(pending)
        if data is None:
            self.manifests.clear_pending(target.id)
            return
        pending.mtime_ns = 0  # the base for reading the user's edit back, not the file on disk
        self._promote(target, pending, data)

    def _promote(self, target: Target, manifest: Manifest, data: bytes) -> None:
        try:
            self.manifests.promote(manifest, data)
        except OSError as exc:
            raise SyncFailure(f"the sync record could not be saved ({describe_os_error(exc, target.file)})") from exc
        self.journal.clear(target.id)

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

    def _record(self, target: Target, manifest: Manifest, data: bytes) -> None:
        """Save a manifest for a target that was not rewritten (it already holds *data*)."""
        with self._mutex:
            self._memory[target.id] = (manifest, data)
        try:
            self.manifests.save(manifest, data)
        except OSError as exc:
            # The target itself is current; without its record the next run reads it back again,
            # so say so rather than pretend all is well.
            raise SyncFailure(f"the target is current but its manifest was not saved "
                              f"({describe_os_error(exc, target.file)})") from exc
        self.journal.clear(target.id)

    @contextlib.contextmanager
    def _target_lock(self, target: Target) -> Iterator[bool]:
        folder = sync_dir(self.lib.folder)
        folder.mkdir(parents=True, exist_ok=True)
        with _file_lock(folder / f"{target.id}.lock") as got:
            yield got


def _versions(manifest: Manifest) -> list[tuple[str, int]]:
    return [(e.key, e.version) for e in manifest.entries]


def _edited_from(pending: Manifest, old: Manifest | None, path: Path, codec: EntryCodec) -> bool:
    """True when the file's entries show it was edited from the pending content, not the old one."""
    if not codec.incremental:
        return False
    try:
        current = path.read_bytes()
    except OSError:
        return False
    hashes = {entry_hash(current[s:e]) for s, e in codec.split(current)}
    new = {e.hash for e in pending.entries}
    before = {e.hash for e in old.entries} if old is not None else set()
    return bool(hashes & (new - before)) and not hashes & (before - new)


def _joined(journal: list[Imported], added: list[Imported]) -> list[Imported]:
    keys = {e.key for e in added}
    return [e for e in journal if e.key not in keys] + added


def _rekeyed(entry: Imported, renamed: dict[str, str]) -> Imported:
    return Imported(renamed.get(entry.key, entry.key), entry.citekey, entry.hash, entry.text)


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
