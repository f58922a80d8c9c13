"""The library: the one service API that the CLI and the GUI call (items, tags, collections, trash, files)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from senref.core import checkpoints
from senref.core.confine import own_folder_path
from senref.core.digest import file_sha256
from senref.core.events import Events
from senref.core.filestore import FileStore
from senref.core.importfiles import FileRoots, admit_attachments
from senref.core.merge import merge_into, same_identity
from senref.core.model import MANUAL, Attachment, Item, Note, is_key, new_key, now_iso
from senref.core.query import ItemQuery
from senref.core.sanitize import clean_item
from senref.storage import collections as collection_rows
from senref.storage import items as rows
from senref.storage import queries, versions
from senref.storage import tags as tag_rows
from senref.storage.db import BackupPolicy, Database
from senref.storage.duplicates import find_duplicate
from senref.storage.lock import LibraryLock

DB_NAME = "library.sqlite"
FILES_DIR = "files"
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")


class Tagger(Protocol):
    """Anything that sets automatic topic tags on an item (senref.topics.tagger.Tagger)."""

    def apply(self, item: Item) -> list[str]: ...


@dataclass
class SaveResult:
    """What saving an item did: created a new item, or merged into `key` (with the changes listed)."""

    key: str
    created: bool
    merged: bool = False
    changes: list[str] = field(default_factory=list)
    matched_by: str = ""
    #: fields that were too long for the library and were cut (see senref.core.sanitize)
    cut: list[str] = field(default_factory=list)


@dataclass
class Collection:
    key: str
    name: str
    parent_key: str | None
    item_count: int = 0


@dataclass
class ImportReport:
    created: int = 0
    merged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    #: (line, message) for entries imported with a field cut to its cap: imported, but the user is told
    warnings: list[tuple[int, str]] = field(default_factory=list)


class LibraryError(Exception):
    """A user-facing error (bad name, missing item...): its message is shown as is."""


class Library:
    """A library folder: `library.sqlite` plus `files/` with the stored attachments."""

    def __init__(self, folder: Path, *, role: str = "senref", tagger: Tagger | None = None,
                 autotag: bool = False, on_wait: Callable[[str], None] | None = None,
                 backups: BackupPolicy | None = None) -> None:
        self.folder = folder
        self.files_dir = folder / FILES_DIR
        self.files = FileStore(self.files_dir)
        self.lock = LibraryLock(folder / "library.lock", role=role)
        self.db = Database(folder / DB_NAME, self.lock, on_wait=on_wait, backups=backups)
        #: True when this process may not write the folder or the database: reads work, writes raise
        self.read_only = self.db.read_only
        self.events = Events()
        self._tagger = tagger
        # The vocabulary is compiled on the first save, so read-only commands never pay for it.
        self._tagger_pending = autotag and tagger is None

    @property
    def tagger(self) -> Tagger | None:
        if self._tagger_pending:
            self._tagger_pending = False
            self._tagger = _default_tagger()
        return self._tagger

    @tagger.setter
    def tagger(self, value: Tagger | None) -> None:
        self._tagger_pending = False
        self._tagger = value

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path | str, *, create: bool = True, autotag: bool = True, role: str = "senref",
             on_wait: Callable[[str], None] | None = None, backups: BackupPolicy | None = None) -> Library:
        """Open (or, with *create*, start) the library in *folder*.

        A database that is missing beside the remains of a library, empty, damaged or from a newer
        senref is never replaced: LibraryError says what happened and which backup can be restored.
        """
        from senref.storage import health
        from senref.storage.backup import offer as offer_backup
        from senref.storage.db import create_database

        folder = Path(folder).expanduser()
        db_path = folder / DB_NAME
        try:
            if folder.exists() and not folder.is_dir():
                raise LibraryError(f"{folder} is not a folder")
            if db_path.is_dir():
                raise LibraryError(f"{db_path} is a folder, not a library database")
            if not db_path.exists():
                signs = health.library_signs(folder, DB_NAME)
                if signs:
                    raise LibraryError(f"{db_path} is missing, but the folder holds a library ({', '.join(signs)}); "
                                       f"senref will not start an empty one over it; {offer_backup(folder)}")
                if not create:
                    raise LibraryError(f"no senref library in {folder}")
                folder.mkdir(parents=True, exist_ok=True)
                create_database(db_path)
            if not (folder / FILES_DIR).is_dir() and not health.is_read_only(db_path):
                (folder / FILES_DIR).mkdir(exist_ok=True)
            library = cls(folder, role=role, autotag=autotag, on_wait=on_wait, backups=backups)
        except health.StorageProblem as exc:
            raise LibraryError(str(exc)) from exc
        if not library.read_only:
            library.settle_leftovers()
        return library

    def close(self) -> None:
        """Close every connection; first a backup, if the library changed and the newest is old enough."""
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    # -- reading -------------------------------------------------------------------------------
    def get_item(self, key: str) -> Item:
        item = rows.read_item(self.conn, key)
        if item is None:
            raise KeyError(key)
        return item

    def has_item(self, key: str) -> bool:
        return rows.item_id(self.conn, key) is not None

    def resolve_key(self, text: str) -> str:
        """An item key from a key, a DOI, a HAL id or another identifier the user typed."""
        if self.has_item(text.upper()) and len(text) == 8:
            return text.upper()
        from senref.core import identifiers as ids

        for scheme in ("doi", "hal", "pmid", "pmcid", "arxiv", "isbn"):
            value = ids.normalize(scheme, text)
            if value and scheme != "pmid":
                found = self.find_by_identifier(scheme, value)
                if found:
                    return found
        raise KeyError(text)

    def find_by_identifier(self, scheme: str, value: str, *, include_trash: bool = False) -> str | None:
        return rows.find_by_identifier(self.conn, scheme, value, include_trash=include_trash)

    def query(self, query: ItemQuery, offset: int = 0, limit: int = 100) -> list[sqlite3.Row]:
        """One sorted page of table rows (key, title, creator_summary, year, ...)."""
        return queries.page(self.conn, query, offset, limit)

    def count(self, query: ItemQuery | None = None) -> int:
        return queries.count(self.conn, query or ItemQuery())

    def keys(self, query: ItemQuery) -> list[str]:
        return queries.keys(self.conn, query)

    def key_versions(self, query: ItemQuery) -> list[tuple[str, int]]:
        """(key, version) of every matching item, oldest first: enough to tell what changed."""
        return queries.key_versions(self.conn, query)

    def any_match(self, query: ItemQuery) -> bool:
        return queries.any_match(self.conn, query)

    def citation_keys_in_use(self) -> set[str]:
        return rows.pinned_citation_keys(self.conn)

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

    def iter_items(self, *, collection: str | None = None, recursive: bool = False, tag: str | None = None,
                   search: str | None = None, keys: list[str] | None = None, trash: bool = False,
                   query: ItemQuery | None = None, chunk: int = 500) -> Iterator[Item]:
        """Stream full items matching the filters, a chunk at a time (flat memory)."""
        if query is None:
            query = ItemQuery(collection=collection, recursive=recursive, tags=[tag] if tag else [],
                              search=search or "", keys=keys, trash=trash)
        conn = self.conn
        for ids in queries.iter_ids(conn, query, chunk):
            yield from rows.read_items_by_ids(conn, ids)

    def tag_counts(self, query: ItemQuery | None = None) -> list[tuple[str, int, int]]:
        return queries.tag_counts(self.conn, query)

    # -- saving --------------------------------------------------------------------------------
    def save_item(self, item: Item, *, collections: Iterable[str] = (), source: str = "",
                  tag: bool = True) -> SaveResult:
        """Save a new record, merging it into an existing item when it is the same work."""
        with self.db.transaction() as conn:
            result = self._save(conn, item, list(collections), source, tag)
        self.events.emit("items_changed", [result.key])
        return result

    def _save(self, conn: sqlite3.Connection, item: Item, collections: list[str], source: str,
              tag: bool) -> SaveResult:
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
        match = self._same_key_match(conn, item) or find_duplicate(conn, item)
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
                return SaveResult(existing.key, created=False, merged=True, changes=changes,
                                  matched_by=matched_by, cut=cut)
        if rows.item_id(conn, item.key) is not None:
            item.key = new_key()  # keys are random; a clash with another work gets a fresh one
        if tag:
            self._autotag(item)
        item.version = self._next_version(conn)
        item.deleted = False
        rows.write_item(conn, item)
        return SaveResult(item.key, created=True, cut=cut)

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

    def import_records(self, records: Iterable[Any], *, collection: str | None = None,
                       progress: Callable[[int], None] | None = None, batch: int = 500,
                       should_stop: Callable[[], bool] | None = None, source: str = "import",
                       copy_files: bool = True, file_roots: FileRoots | None = None) -> ImportReport:
        """Save a stream of ImportRecord / ImportProblem, one transaction per batch.

        Records carry `item`, `collections` (tuples of collection names, created on demand) and
        `line`; problems carry `line` and `message` and are only reported. Files the records name
        are taken in only from inside *file_roots* (see `senref.core.importfiles`; None: no file is
        read); with *copy_files* they are copied into the library (Zotero's default on import), so
        the library stays whole when the imported folder moves or goes, else linked where they are.
        Keys in the records are proposals: a note or attachment key already in use gets a new one.
        """
        report = ImportReport()
        pending: list[Any] = []

        def flush() -> None:
            if not pending:
                return
            keys: list[str] = []
            marked: list[str] = []
            try:
                with self.db.transaction() as conn:
                    self._settle_files(conn)
                    taken: set[str] = set()
                    for record in pending:
                        line = int(getattr(record, "line", 0))
                        self._own_child_keys(conn, record.item, taken)
                        report.warnings.extend((line, message) for message in
                                               self._take_files(record.item, file_roots, copy_files, marked))
                    for record in pending:
                        targets = [collection] if collection else []
                        for path in getattr(record, "collections", []) or []:
                            targets.append(self._ensure_path(conn, list(path), collection))
                        result = self._save(conn, record.item, targets, source, True)
                        line = int(getattr(record, "line", 0))
                        report.warnings.extend((line, message) for message in result.cut)
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
                for key in marked:
                    self.files.delete_folder(key)
                self.files.unmark(marked)
                raise
            self.files.unmark(marked)
            report.keys.extend(keys)
            pending.clear()
            self.events.emit("items_changed", keys)
            if progress:
                progress(report.created + report.merged)

        for record in records:
            if should_stop and should_stop():
                break
            if hasattr(record, "item"):
                pending.append(record)
                if len(pending) >= batch:
                    flush()
            else:
                report.problems.append((int(getattr(record, "line", 0)), str(getattr(record, "message", record))))
        flush()
        if any(getattr(r, "collections", None) for r in pending) or report.created:
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

    def settle_leftovers(self) -> None:
        """At open: finish what a killed import or Empty Trash left (only when it left something)."""
        if self.files.journal.is_dir() and any(self.files.journal.iterdir()):
            with self.db.transaction() as conn:
                self._settle_files(conn)

    def _settle_files(self, conn: sqlite3.Connection) -> list[str]:
        """Remove files a killed import or Empty Trash left behind (see senref.core.filestore)."""
        return self.files.settle(lambda key: _has_attachment(conn, key))

    @staticmethod
    def _next_version(conn: sqlite3.Connection) -> int:
        return versions.next_version(conn)

    def library_version(self) -> int:
        return versions.current_version(self.conn)

    def _autotag(self, item: Item) -> None:
        if self.tagger is not None:
            self.tagger.apply(item)

    # -- tags ----------------------------------------------------------------------------------
    def add_tags(self, key: str, names: Iterable[str], tag_type: int = MANUAL) -> bool:
        wanted = [n.strip() for n in names if n.strip()]

        def change(item: Item) -> bool:
            before = [(t.tag, t.type) for t in item.tags]
            for name in wanted:
                item.add_tag(name, tag_type)
                if tag_type == MANUAL:
                    rejected = item.extras.get("rejectedTopics") or []
                    if name in rejected:
                        item.extras["rejectedTopics"] = [r for r in rejected if r != name]
            return before != [(t.tag, t.type) for t in item.tags]
        return bool(self.edit_items([key], change))

    def remove_tags(self, key: str, names: Iterable[str]) -> bool:
        """Remove tags from one item; a removed automatic topic is remembered as rejected."""
        unwanted = {n.strip() for n in names}

        def change(item: Item) -> bool:
            removed = [t for t in item.tags if t.tag in unwanted]
            if not removed:
                return False
            item.tags = [t for t in item.tags if t.tag not in unwanted]
            rejected = list(item.extras.get("rejectedTopics") or [])
            for tag in removed:
                if tag.type != MANUAL and tag.tag not in rejected:
                    rejected.append(tag.tag)
            if rejected:
                item.extras["rejectedTopics"] = rejected
            return True
        return bool(self.edit_items([key], change))

    def rename_tag(self, old: str, new: str) -> int:
        """Rename (or merge into an existing tag) across the library; returns items touched."""
        new = new.strip()
        if not new:
            raise LibraryError("a tag name cannot be empty")
        keys = self.keys(ItemQuery(tags=[old])) + self.keys(ItemQuery(tags=[old], trash=True))

        def change(item: Item) -> bool:
            kind = min(t.type for t in item.tags if t.tag == old)
            item.tags = [t for t in item.tags if t.tag != old]
            item.add_tag(new, kind)
            return True
        changed = self.edit_items(keys, change)
        with self.db.transaction() as conn:
            tag_rows.forget_if_unused(conn, old)
            tag_rows.rename_color(conn, old, new)
        self.events.emit("tags_changed")
        return len(changed)

    def delete_tag(self, name: str) -> int:
        keys = self.keys(ItemQuery(tags=[name])) + self.keys(ItemQuery(tags=[name], trash=True))
        changed = self.edit_items(keys, lambda item: _drop_tag(item, name))
        with self.db.transaction() as conn:
            tag_rows.forget(conn, name)
        self.events.emit("tags_changed")
        return len(changed)

    def set_tag_color(self, name: str, color: str | None) -> None:
        if color is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            raise LibraryError(f"not a colour: {color!r} (use #RRGGBB)")
        with self.db.transaction() as conn:
            tag_rows.set_color(conn, name, color)
        self.events.emit("tags_changed")

    def tag_colors(self) -> dict[str, str]:
        return tag_rows.colors(self.conn)

    # -- collections ---------------------------------------------------------------------------
    def list_collections(self) -> list[Collection]:
        return [Collection(*row) for row in collection_rows.listing(self.conn)]

    def collection_path(self, key: str) -> list[str]:
        names: list[str] = []
        current: str | None = key
        by_key = {c.key: c for c in self.list_collections()}
        while current and current in by_key and len(names) < 64:
            names.insert(0, by_key[current].name)
            current = by_key[current].parent_key
        return names

    def find_collection(self, spec: str) -> str | None:
        """A collection key from a key, a unique name, or a path "Parent/Child"."""
        cols = self.list_collections()
        if any(c.key == spec for c in cols):
            return spec
        if "/" in spec:
            matches = [c.key for c in cols if "/".join(self.collection_path(c.key)) == spec.strip("/")]
        else:
            matches = [c.key for c in cols if c.name == spec] or [
                c.key for c in cols if c.name.casefold() == spec.casefold()]
        if len(matches) > 1:
            raise LibraryError(f"several collections are named {spec!r}; give the path, e.g. Parent/{spec}")
        return matches[0] if matches else None

    def create_collection(self, name: str, parent_key: str | None = None) -> str:
        name = name.strip()
        if not name:
            raise LibraryError("a collection name cannot be empty")
        with self.db.transaction() as conn:
            key = self._create_collection(conn, name, parent_key)
        self.events.emit("collections_changed")
        return key

    def _create_collection(self, conn: sqlite3.Connection, name: str, parent_key: str | None) -> str:
        parent_id = None
        if parent_key:
            parent_id = collection_rows.row_id(conn, parent_key)
            if parent_id is None:
                raise LibraryError(f"no collection {parent_key}")
        key = new_key()
        collection_rows.insert(conn, key, name, parent_id=parent_id, version=self._next_version(conn), when=now_iso())
        return key

    def ensure_collection_path(self, names: list[str], parent_key: str | None = None) -> str:
        with self.db.transaction() as conn:
            key = self._ensure_path(conn, names, parent_key)
        self.events.emit("collections_changed")
        return key

    def _ensure_path(self, conn: sqlite3.Connection, names: list[str], parent_key: str | None) -> str:
        current = parent_key
        for raw in names:
            name = raw.strip() or "Unnamed"
            current = collection_rows.child_named(conn, name, current) or self._create_collection(conn, name, current)
        if current is None:
            raise LibraryError("empty collection path")
        return current

    def rename_collection(self, key: str, name: str) -> None:
        if not name.strip():
            raise LibraryError("a collection name cannot be empty")
        with self.db.transaction() as conn:
            if not collection_rows.rename(conn, key, name.strip(), self._next_version(conn), now_iso()):
                raise LibraryError(f"no collection {key}")
        self.events.emit("collections_changed")

    def move_collection(self, key: str, parent_key: str | None) -> None:
        """Re-parent a collection (None = top level); moving into its own subtree is refused."""
        with self.db.transaction() as conn:
            if parent_key:
                node: str | None = parent_key
                while node:
                    if node == key:
                        raise LibraryError("cannot move a collection into itself or its subcollections")
                    exists, parent = collection_rows.parent_of(conn, node)
                    if not exists:
                        raise LibraryError(f"no collection {node}")
                    node = parent
            parent_id = collection_rows.row_id(conn, parent_key) if parent_key else None
            if not collection_rows.reparent(conn, key, parent_id, self._next_version(conn)):
                raise LibraryError(f"no collection {key}")
        self.events.emit("collections_changed")

    def delete_collection(self, key: str) -> list[str]:
        """Delete a collection and its subcollections; their items stay in the library."""
        with self.db.transaction() as conn:
            existed, members = collection_rows.delete(conn, key)
            if not existed:
                raise LibraryError(f"no collection {key}")
        self.events.emit("collections_changed")
        if members:
            self.events.emit("items_changed", members)
        return members

    def add_to_collection(self, collection_key: str, item_keys: Iterable[str]) -> list[str]:
        if not any(c.key == collection_key for c in self.list_collections()):
            raise LibraryError(f"no collection {collection_key}")

        def change(item: Item) -> bool:
            if collection_key in item.collections:
                return False
            item.collections.append(collection_key)
            return True
        changed = self.edit_items(item_keys, change)
        self.events.emit("collections_changed")
        return changed

    def remove_from_collection(self, collection_key: str, item_keys: Iterable[str]) -> list[str]:
        def change(item: Item) -> bool:
            if collection_key not in item.collections:
                return False
            item.collections.remove(collection_key)
            return True
        changed = self.edit_items(item_keys, change)
        self.events.emit("collections_changed")
        return changed

    # -- trash ---------------------------------------------------------------------------------
    def trash(self, keys: Iterable[str]) -> list[str]:
        return self._set_deleted(keys, True)

    def restore(self, keys: Iterable[str]) -> list[str]:
        return self._set_deleted(keys, False)

    def _set_deleted(self, keys: Iterable[str], deleted: bool) -> list[str]:
        def change(item: Item) -> bool:
            if item.deleted == deleted:
                return False
            item.deleted = deleted
            return True
        changed = self.edit_items(list(keys), change)
        if changed:
            self.events.emit("collections_changed")
        return changed

    def empty_trash(self) -> int:
        """Delete trashed items for good, with their stored files.

        A file is deleted only through its own attachment's folder (`files/<key>/`): a stored path
        that points elsewhere (another item's folder, a link) never makes senref delete it.
        """
        with self.db.transaction() as conn:
            self._settle_files(conn)
            doomed = rows.trashed(conn)
            stored = rows.trashed_stored_files(conn)
            # A folder is removed only by its own attachment (a link there is unlinked, not followed).
            folders = [key for key, rel in stored if own_folder_path(rel, key, self.files_dir.name)]
            # Named before the rows go: a kill after the commit leaves folders the next open removes.
            self.files.mark(folders)
            rows.purge_trashed(conn, [rid for rid, _key in doomed])
            tag_rows.forget_unused(conn)
        checkpoints.reached("empty_trash_after_commit")
        for key in folders:
            self.files.delete_folder(key)
        self.files.unmark(folders)
        if doomed:
            self.events.emit("items_removed", [key for _rid, key in doomed])
            self.events.emit("collections_changed")
        return len(doomed)

    # -- notes and files -----------------------------------------------------------------------
    def add_note(self, item_key: str, html: str) -> Note:
        note = Note(html=html)

        def change(item: Item) -> bool:
            item.notes.append(note)
            return True
        self.edit_items([item_key], change)
        return note

    def store_file(self, item_key: str, src: Path | bytes, *, filename: str, content_type: str = "",
                   url: str = "", source: str = "", title: str = "") -> Attachment:
        """Copy a file into `files/<attachment key>/<filename>` atomically and attach it to the item.

        The same content (sha256) already attached to the item is not stored twice.
        """
        sha = file_sha256(src) if isinstance(src, Path) else hashlib.sha256(src).hexdigest()
        for att in self.get_item(item_key).attachments:
            if att.sha256 == sha:
                return att
        attachment = Attachment(title=title or filename, link_mode="imported_file", content_type=content_type,
                                url=url, source=source)
        name = safe_filename(filename) or "file"

        def change(item: Item) -> bool:
            item.attachments.append(attachment)
            return True
        with self.db.transaction() as conn:
            self._settle_files(conn)
            self.files.mark([attachment.key])
            try:
                attachment.path, attachment.sha256, attachment.size = self.files.write(attachment.key, name, src)
                self.edit_items([item_key], change)
            except BaseException:
                self.files.delete_folder(attachment.key)
                self.files.unmark([attachment.key])
                raise
        self.files.unmark([attachment.key])
        return attachment

    def attachment_path(self, attachment: Attachment) -> Path | None:
        """Absolute path of a stored or linked file (None for URL links or paths escaping the library)."""
        if attachment.link_mode == "linked_url" or not attachment.path:
            return None
        if attachment.link_mode == "linked_file":
            return Path(attachment.path)
        return self._inside_files(attachment.path)

    def _inside_files(self, rel: str) -> Path | None:
        """The stored file at *rel*, resolved, when it lies inside `files/` (a symlink loop is outside)."""
        from senref.core.confine import resolved, within

        target = resolved(self.folder / rel)
        return target if target is not None and within(target, self.files_dir) else None

    # -- maintenance ---------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Integrity and consistency problems (an empty list means healthy)."""
        from senref.core.check import check_library

        return check_library(self)


def _has_attachment(conn: sqlite3.Connection, key: str) -> bool:
    return rows.child_key_in_use(conn, "attachment", key)


def _drop_tag(item: Item, name: str) -> bool:
    before = len(item.tags)
    item.tags = [t for t in item.tags if t.tag != name]
    return len(item.tags) != before


def safe_filename(name: str) -> str:
    """A file name that is safe on every platform (no separators, control or reserved characters)."""
    cleaned = re.sub(r"\.{2,}", ".", _UNSAFE_FILENAME.sub("_", name)).strip(" .")
    return cleaned[:150]


def _default_tagger() -> Tagger | None:
    try:
        from senref.topics.tagger import get_tagger
    except ModuleNotFoundError:  # topics package not built yet in this checkout
        return None
    return get_tagger()
