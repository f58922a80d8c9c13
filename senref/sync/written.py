"""What senref last wrote to each target, and the write itself: in steps a killed run can be recovered from."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from senref.core import checkpoints
from senref.sync.content import Content
from senref.sync.entries import EntryCodec
from senref.sync.exporter import Exporter, SyncFailure, describe_os_error
from senref.sync.journal import ImportJournal
from senref.sync.manifest import Manifest, ManifestStore, entry_hash, file_stamp
from senref.sync.targets import Target


class TargetWrites:
    """The manifests of the targets, a copy of this process's last write of each (no reload next time),
    and the three-step write with its recovery. The copy is behind a lock: the GUI thread reads it."""

    def __init__(self, manifests: ManifestStore, journal: ImportJournal) -> None:
        self.manifests = manifests
        self.journal = journal
        #: target id -> (manifest, content) of the last write by this process: no reload next time
        self._memory: dict[str, tuple[Manifest, Content]] = {}
        #: target id -> (its file's stamp, a manifest read from disk whose bytes were not needed yet)
        self._manifests: dict[str, tuple[tuple[int, int, int] | None, Manifest]] = {}
        self._mutex = threading.Lock()

    def loaded(self, target_id: str) -> Manifest | None:
        """The manifest of this process's last write, if any (no disk read: safe on the GUI thread)."""
        with self._mutex:
            cached = self._memory.get(target_id)
        return cached[0] if cached else None

    def forget(self, target_id: str) -> None:
        with self._mutex:
            self._memory.pop(target_id, None)
            self._manifests.pop(target_id, None)

    def previous_manifest(self, target: Target) -> Manifest | None:
        """The manifest of the last write, without its bytes (enough to tell that nothing changed)."""
        with self._mutex:
            cached = self._memory.get(target.id)
            if cached is not None:
                return cached[0]
            known = self._manifests.get(target.id)
        # Read again whenever the manifest file changed (another process wrote the target): the same as
        # reading it every time, without parsing 100,000 entries for every look of a watcher.
        stamp = file_stamp(self.manifests.manifest_path(target.id))
        if known is not None and stamp is not None and known[0] == stamp:
            return known[1]
        manifest = self.manifests.load(target.id)
        with self._mutex:
            if manifest is not None and stamp is not None:
                self._manifests[target.id] = (stamp, manifest)
            else:
                self._manifests.pop(target.id, None)
        return manifest

    def previous(self, target: Target, manifest: Manifest | None = None) -> tuple[Manifest | None, Content | None]:
        """The last write's manifest and content; *manifest*: that manifest if just read from disk."""
        with self._mutex:
            cached = self._memory.get(target.id)
        if cached is not None:
            return cached
        if manifest is None:
            manifest = self.manifests.load(target.id)
        data = self.manifests.load_written(manifest) if manifest is not None else None
        if manifest is not None and data is None and manifest.matches_disk(target.file):
            # No copy, but the target itself is still exactly what senref wrote.
            with contextlib.suppress(OSError):
                data = Content(target.file.read_bytes())
        if manifest is not None and data is not None:
            with self._mutex:
                self._memory[target.id] = (manifest, data)
        return manifest, data

    def record(self, target: Target, manifest: Manifest, data: bytes | Content) -> None:
        """Save a manifest for a target that was not rewritten (it already holds *data*)."""
        with self._mutex:
            self._memory.pop(target.id, None)
        try:
            stored = self.manifests.save(manifest, data)
            with self._mutex:
                self._memory[target.id] = (manifest, stored)
        except OSError as exc:
            # The target itself is current; without its record the next run reads it back again,
            # so say so rather than pretend all is well.
            raise SyncFailure(f"the target is current but its manifest was not saved "
                              f"({describe_os_error(exc, target.file)})") from exc
        self.journal.clear(target.id)


    def commit(self, target: Target, exporter: Exporter, manifest: Manifest, data: Content,
               previous: Manifest | None) -> None:
        """Replace the target, then its manifest, so that the next run can tell how far a killed one got.

        First the copy of the new content is stored (the added text extended, or a new base: see
        `ManifestStore.save_copy`), which leaves the current record valid. Then three steps: (1) the
        new content's manifest is saved as *pending*; (2) the target is replaced atomically; (3) the
        pending record is promoted to the manifest. A kill between (1) and (3) leaves the pending
        record, which `settle_pending` resolves by looking at the file. The content is hashed on a
        second thread while it is written, so the hash costs no time of its own.
        """
        with self._mutex:
            # Whatever happens next, a failure must not leave the copy in memory naming a replaced base.
            self._memory.pop(target.id, None)
        try:
            manifest.copy, stored = self.manifests.save_copy(target.id, data)
        except OSError as exc:
            raise SyncFailure(f"the sync record could not be saved ({describe_os_error(exc, target.file)}); "
                              "the file was not written") from exc
        manifest.size = len(stored)
        # Both run while this thread waits on the write and its fsync: the hash lets go of the GIL, and
        # the entries (the same text goes into the pending and the final record) take it meanwhile.
        hashing = _OnThread(stored.sha256)
        entries = _OnThread(manifest.entries_json)

        def save_pending() -> None:
            manifest.sha256 = hashing.result()
            try:
                self.manifests.save_pending(manifest, entries_json=entries.result())
            except OSError as exc:
                raise SyncFailure(f"the sync record could not be saved ({describe_os_error(exc, target.file)}); "
                                  "the file was not written") from exc
            checkpoints.reached("sync_after_pending")
        try:
            exporter.write(target, manifest, stored, previous, before_replace=save_pending)
        except SyncFailure:
            hashing.wait()
            entries.wait()
            self.manifests.clear_pending(target.id)  # the old file is still there, untouched
            raise
        checkpoints.reached("sync_after_target_write")
        with self._mutex:
            self._memory[target.id] = (manifest, stored)
        try:
            self.manifests.promote(manifest, entries_json=entries.result())
        except OSError as exc:
            raise SyncFailure(f"the target was written but its manifest was not "
                              f"({describe_os_error(exc, target.file)})") from exc
        self.journal.clear(target.id)

    def settle_pending(self, target: Target, codec: EntryCodec) -> None:
        """Finish or forget a write that a killed process left between its steps (see `commit`).

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
            self._manifests.pop(target.id, None)
        path = target.file
        stamp = file_stamp(path)
        if stamp is not None and pending.matches_bytes(path):
            data = self.manifests.load_pending_written(pending)
            copied = data is not None and pending.copy is not None
            if data is None:
                data = Content(path.read_bytes())  # the target itself is the content, if it still is
            if data.sha256() == pending.sha256 and file_stamp(path) == stamp:
                pending.size, pending.mtime_ns = stamp[0], stamp[1]
                self._promote(target, pending, data, copied=copied)
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
        self._promote(target, pending, data, copied=pending.copy is not None)

    def _promote(self, target: Target, manifest: Manifest, data: Content, *, copied: bool) -> None:
        """Make *manifest* the record; *copied*: the copy it names is stored (else it is stored first)."""
        try:
            if not copied:
                manifest.copy, _stored = self.manifests.save_copy(target.id, data)
            self.manifests.promote(manifest)
        except OSError as exc:
            raise SyncFailure(f"the sync record could not be saved ({describe_os_error(exc, target.file)})") from exc
        self.journal.clear(target.id)


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


class _OnThread:
    """One function's result, computed on a thread of its own while the caller does something else."""

    def __init__(self, work: Callable[[], str]) -> None:
        self._work = work
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="senref-sync-write", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to the caller of result(), in its own thread
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value
