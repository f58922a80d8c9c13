"""The library service: saving records (merging duplicates), editing items, importing files."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from senref.core import checkpoints
from senref.core.confine import safe_filename
from senref.core.dupscore import Candidate, Profile, profile
from senref.core.importfiles import FileRoots, admit_attachments
from senref.core.library_base import ImportReport, LibraryBase, LibraryError, SaveResult
from senref.core.merge import RELATED, add_relation, merge_into, same_identity
from senref.core.model import Item, is_key, new_key, now_iso
from senref.core.records import ImportProblem, ImportRecord
from senref.core.sanitize import clean_item
from senref.core.tag_pool import Submitted, Tagged, TagPool, take
from senref.storage import collections as collection_rows
from senref.storage import duplicates as dup_rows
from senref.storage import dupstore, versions
from senref.storage import items as rows
from senref.storage.duplicates import find_duplicate, meet

#: Batches at least this big are worth a tagging worker (its start costs about a batch of tagging).
_POOL_BATCH = 200
#: How many duplicate profiles an import keeps decoded (about 1.5 kB each); 0 reads every one afresh.
_PROFILE_CACHE = 10_000


class LibraryWrites(LibraryBase):
    """Every write of items goes through here: one transaction, one version bump, cleaned text."""

    # -- saving --------------------------------------------------------------------------------
    def save_item(self, item: Item, *, collections: Iterable[str] = (), source: str = "",
                  tag: bool = True) -> SaveResult:
        """Save a new record, merging it into an existing item when it is the same work."""
        with self.db.transaction() as conn:
            result = self._save(conn, item, list(collections), source, tag)
        self.events.emit("items_changed", [result.key])
        return result

    def _save(self, conn: sqlite3.Connection, item: Item, collections: list[str], source: str,
              tag: bool, *, tagged: Tagged | None = None, profiles: dupstore.ProfileCache | None = None
              ) -> SaveResult:
        # Every path into the database passes here or update_item: clean text once, in the core.
        cut = clean_item(item)
        self._own_child_keys(conn, item, set())
        for ckey in collections:
            if ckey not in item.collections:
                item.collections.append(ckey)
        if source:
            for name, value in item.fields.items():
                if value:
                    item.provenance.setdefault(name, source)
        if not is_key(item.key):
            item.key = new_key()
        # Made once: the duplicate lookup and the stored item's index read the same fields (the
        # tagger below changes only tags and extras, which a profile does not hold).
        ours = profile(item)
        match = self._same_key_match(conn, item) or find_duplicate(conn, item, ours)
        if match is not None:
            existing_key, matched_by = match
            existing = rows.read_item(conn, existing_key)
            if existing is not None:
                changes = merge_into(existing, item)
                if changes:
                    if tag:
                        self._autotag(existing)
                    existing.version = self._next_version(conn)
                    existing.date_modified = now_iso()
                    rows.write_item(conn, existing)
                    self._meet(conn, existing, profiles=profiles)
                return SaveResult(existing.key, created=False, merged=True, changes=changes,
                                  matched_by=matched_by, cut=cut)
        if rows.item_id(conn, item.key) is not None or dupstore.redirect_of(conn, item.key):
            # Keys are random; a clash with another work, or with a key merged away (which names its
            # master for good, even once purged from the Trash), gets a fresh one.
            item.key = new_key()
        if tag and tagged is not None:
            take(item, tagged)  # tagged in the worker, exactly as _autotag would
        elif tag:
            self._autotag(item)
        item.version = self._next_version(conn)
        item.deleted = False
        rows.write_item(conn, item)
        self._meet(conn, item, ours, profiles=profiles)
        return SaveResult(item.key, created=True, cut=cut)

    def _meet(self, conn: sqlite3.Connection, item: Item, known: Profile | None = None, *,
              profiles: dupstore.ProfileCache | None = None) -> int:
        """Store the likely duplicates of the just-written *item*; link its preprint/published versions
        both ways (Zotero's `dc:relation`); returns how many likely pairs are new."""
        meeting = meet(conn, item, known, profiles)
        if meeting.links:
            version = item.version
            linked = [add_relation(item, RELATED, key) for key in meeting.links]  # every one, not the first
            if any(linked):
                rows.write_item(conn, item)
            for key in meeting.links:
                other = rows.read_item(conn, key)
                if other is not None and add_relation(other, RELATED, item.key):
                    other.version, other.date_modified = version, now_iso()
                    rows.write_item(conn, other)
        return meeting.new

    def resolve_key(self, text: str) -> str:
        """As LibraryBase.resolve_key, but a key merged away (see senref.actions.duplicates) names its master."""
        if is_key(text.upper()):  # also once the merged-away item was purged from the Trash
            moved = dupstore.redirect_of(self._conn, text.upper())
            if moved:
                return moved
        key = super().resolve_key(text)
        return dupstore.redirect_of(self._conn, key) or key

    def redirect_of(self, key: str) -> str | None:
        """The item a merged-away *key* was merged into (following later merges), or None."""
        return dupstore.redirect_of(self._conn, key)

    # -- duplicates (senref.actions.duplicates is the user-facing side) ------------------------
    def scan_duplicates(self, should_stop: Callable[[], bool] | None = None) -> int:
        """Find the likely duplicates of the whole library afresh and store them; items scanned."""
        with self.db.transaction() as conn:
            return dup_rows.scan(conn, should_stop)

    def duplicate_candidates(self) -> list[Candidate]:
        """Stored likely pairs of live items, not dismissed, best first."""
        return dupstore.live_candidates(self._conn)

    def count_duplicate_candidates(self, keys: Iterable[str]) -> int:
        """How many stored likely pairs involve one of *keys* (e.g. the items an import just saved)."""
        return dupstore.candidates_touching(self._conn, keys)

    def dismiss_duplicates(self, keys: list[str]) -> int:
        """Remember every pair among *keys* as "not duplicates"; returns how many pairs."""
        with self.db.transaction() as conn:
            return dupstore.dismiss(conn, keys)

    def merge_duplicates(self, master: str, others: list[str], choices: dict[str, str] | None = None
                         ) -> tuple[str, list[str]]:
        """Merge *others* into *master* (see senref.storage.duplicates.merge_group); (undo token, changes)."""
        token = new_key().lower()
        with self.db.transaction() as conn:
            changes = dup_rows.merge_group(conn, master, others, choices=dict(choices or {}),
                                           version=self._next_version(conn), token=token)
        self.events.emit("items_changed", [master, *others])
        self.events.emit("collections_changed")
        return token, changes

    def undo_duplicate_merge(self, token: str) -> tuple[str, list[str]]:
        with self.db.transaction() as conn:
            master, others = dup_rows.undo_merge(conn, token, self._next_version(conn))
        self.events.emit("items_changed", [master, *others])
        self.events.emit("collections_changed")
        return master, others

    @staticmethod
    def _same_key_match(conn: sqlite3.Connection, item: Item) -> tuple[str, str] | None:
        """A re-imported item of ours: the same key *and* the same work (a key alone proves nothing)."""
        existing = rows.read_item(conn, item.key)
        if existing is None or existing.deleted or not same_identity(existing, item):
            return None
        return existing.key, "key"

    @staticmethod
    def _own_child_keys(conn: sqlite3.Connection, item: Item, taken: set[str]) -> None:
        """Give an incoming note or attachment a new key when its key is invalid or already used.

        Keys in an imported file are proposals: one that belongs to another item's note or file
        (an edited re-import of our own export, a hostile file) must never move or overwrite it.
        """
        for kind, children in (("note", item.notes), ("attachment", item.attachments)):
            for child in children:
                if not is_key(child.key) or child.key in taken or rows.child_key_in_use(conn, kind, child.key):
                    child.key = new_key()
                taken.add(child.key)

    def update_item(self, item: Item, *, tag: bool = True) -> Item:
        """Write an edited item back (its key must exist); bumps version and dateModified."""
        with self.db.transaction() as conn:
            if rows.item_id(conn, item.key) is None:
                raise KeyError(item.key)
            clean_item(item)
            if tag:
                self._autotag(item)
            item.version = self._next_version(conn)
            item.date_modified = now_iso()
            rows.write_item(conn, item)
        self.events.emit("items_changed", [item.key])
        return item

    def edit_items(self, keys: Iterable[str], change: Callable[[Item], bool]) -> list[str]:
        """Apply *change* to each item in one transaction; returns keys whose change returned True."""
        changed: list[str] = []
        with self.db.transaction() as conn:
            version = self._next_version(conn)
            for key in keys:
                item = rows.read_item(conn, key)
                if item is None:
                    raise KeyError(key)
                if change(item):
                    clean_item(item)
                    item.version = version
                    item.date_modified = now_iso()
                    rows.write_item(conn, item)
                    changed.append(key)
        if changed:
            self.events.emit("items_changed", changed)
        return changed

    def import_records(self, records: Iterable[ImportRecord | ImportProblem], *, collection: str | None = None,
                       progress: Callable[[int], None] | None = None, batch: int = 500,
                       should_stop: Callable[[], bool] | None = None, source: str = "import",
                       copy_files: bool = True, file_roots: FileRoots | None = None) -> ImportReport:
        """Save a stream of ImportRecord / ImportProblem, one transaction per batch.

        Records carry `item`, `collections` (tuples of collection names, created on demand) and
        `line`; problems are only reported. Files the records name
        are taken in only from inside *file_roots* (see `senref.core.importfiles`; None: no file is
        read); with *copy_files* they are copied into the library (Zotero's default on import), so
        the library stays whole when the imported folder moves or goes, else linked where they are.
        Keys in the records are proposals: a note or attachment key already in use gets a new one.
        """
        report = ImportReport()
        pending: list[ImportRecord] = []
        filed = False  # whether any record named collections (their tree then changed)
        # From the second full batch on, a worker process tags batch k+1 while this one writes batch k.
        pool = TagPool(self.tagger) if self.tagger is not None and batch >= _POOL_BATCH else None
        waiting: list[tuple[list[ImportRecord], Submitted | None]] = []
        profiles = dup_rows.ImportProfiles(_PROFILE_CACHE)

        def flush(records: list[ImportRecord], submitted: Submitted | None = None) -> None:
            if not records:
                return
            tagged = pool.result(submitted, len(records)) if pool is not None else None
            keys: list[str] = []
            marked: list[str] = []
            try:
                with self.db.transaction() as conn:
                    profiles.sync(conn)
                    self._settle_files(conn)
                    taken: set[str] = set()
                    for record in records:
                        self._own_child_keys(conn, record.item, taken)
                        report.warnings.extend((record.line, message) for message in
                                               self._take_files(record.item, file_roots, copy_files, marked))
                    with rows.write_batch(conn):
                        for index, record in enumerate(records):
                            targets = [collection] if collection else []
                            for path in record.collections:
                                targets.append(self._ensure_path(conn, list(path), collection))
                            result = self._save(conn, record.item, targets, source, True,
                                                tagged=tagged[index] if tagged is not None else None,
                                                profiles=profiles)
                            report.warnings.extend((record.line, message) for message in result.cut)
                            keys.append(result.key)
                            if result.created:
                                report.created += 1
                            else:
                                report.merged += 1
                    # Copies whose attachment was merged away (the same file was already there).
                    for key in marked:
                        if not _has_attachment(conn, key):
                            self.files.delete_folder(key)
                    checkpoints.reached("import_before_commit")
                checkpoints.reached("import_after_commit")
            except BaseException:
                profiles.sync_lost()
                for key in marked:
                    self.files.delete_folder(key)
                self.files.unmark(marked)
                raise
            self.files.unmark(marked)
            report.keys.extend(keys)
            self.events.emit("items_changed", keys)
            if progress:
                progress(report.created + report.merged)

        def full() -> None:
            records = list(pending)
            pending.clear()
            if pool is None or (not report.keys and not waiting):
                flush(records)  # the first batch is written here: a small import never starts a worker
                return
            waiting.append((records, pool.submit([record.item for record in records])))
            if len(waiting) > 1:
                flush(*waiting.pop(0))

        try:
            for record in records:
                if should_stop and should_stop():
                    break
                if isinstance(record, ImportProblem):
                    report.problems.append((record.line, record.message))
                    continue
                filed = filed or bool(record.collections)
                pending.append(record)
                if len(pending) >= batch:
                    full()
            while waiting:
                flush(*waiting.pop(0))
            flush(list(pending))
        finally:
            if pool is not None:
                pool.close()
        if filed or report.created:
            self.events.emit("collections_changed")
        return report

    def _take_files(self, item: Item, roots: FileRoots | None, copy: bool, marked: list[str]) -> list[str]:
        """Copy (or link) the files an imported item may bring; warnings for the ones it may not."""
        admitted, warnings = admit_attachments(item, roots)
        if copy:
            keys = [a.attachment.key for a in admitted]
            self.files.mark(keys)
            marked.extend(keys)
        for entry in admitted:
            att = entry.attachment
            if not copy:
                att.link_mode, att.path = "linked_file", str(entry.source)
                continue
            try:
                att.path, att.sha256, att.size = self.files.write(
                    att.key, safe_filename(entry.source.name) or "file", entry.source)
            except OSError as exc:
                warnings.append(f"attachment could not be copied, skipped: {entry.source} ({exc.strerror or exc})")
                item.attachments.remove(att)
                self.files.delete_folder(att.key)
                continue
            att.link_mode = "imported_file"
        return warnings

    def _after_open(self) -> None:
        self.settle_leftovers()

    def settle_leftovers(self) -> None:
        """At open: finish what a killed import or Empty Trash left (only when it left something)."""
        if self.files.journal.is_dir() and any(self.files.journal.iterdir()):
            with self.db.transaction() as conn:
                self._settle_files(conn)

    def pin_citation_keys(self, assigned: dict[str, str]) -> dict[str, int]:
        """Pin *assigned* (item key -> citation key) on items that have none; returns their new versions."""
        def pin(item: Item) -> bool:
            if item.fields.get("citationKey") or not assigned.get(item.key):
                return False
            item.fields["citationKey"] = assigned[item.key]
            return True
        pinned: dict[str, int] = {}
        pending = [key for key in assigned if self.has_item(key)]
        for start in range(0, len(pending), 500):
            # One transaction per chunk: the versions read back are the ones the pinning wrote.
            with self.db.transaction() as conn:
                changed = self.edit_items(pending[start:start + 500], pin)
                pinned.update(rows.versions_of(conn, changed))
        return pinned

    def _create_collection(self, conn: sqlite3.Connection, name: str, parent_key: str | None) -> str:
        parent_id = None
        if parent_key:
            parent_id = collection_rows.row_id(conn, parent_key)
            if parent_id is None:
                raise LibraryError(f"no collection {parent_key}")
        key = new_key()
        collection_rows.insert(conn, key, name, parent_id=parent_id, version=self._next_version(conn), when=now_iso())
        return key

    def _ensure_path(self, conn: sqlite3.Connection, names: list[str], parent_key: str | None) -> str:
        current = parent_key
        for raw in names:
            name = raw.strip() or "Unnamed"
            current = collection_rows.child_named(conn, name, current) or self._create_collection(conn, name, current)
        if current is None:
            raise LibraryError("empty collection path")
        return current

    def _settle_files(self, conn: sqlite3.Connection) -> list[str]:
        """Remove files a killed import or Empty Trash left behind (see senref.core.filestore)."""
        return self.files.settle(lambda key: _has_attachment(conn, key))

    @staticmethod
    def _next_version(conn: sqlite3.Connection) -> int:
        return versions.next_version(conn)

    def library_version(self) -> int:
        return versions.current_version(self._conn)

    def _autotag(self, item: Item) -> None:
        if self.tagger is not None:
            self.tagger.apply(item)


def _has_attachment(conn: sqlite3.Connection, key: str) -> bool:
    return rows.child_key_in_use(conn, "attachment", key)
