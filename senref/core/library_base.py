"""The library service's foundation: opening and closing a library folder, and reading from it.

`senref.core.library.Library` builds on it (writes, organising, files); the front ends use Library.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Self

from senref.core.events import Events
from senref.core.filestore import FileStore
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.storage import items as rows
from senref.storage import page_reads, queries, row_seek
from senref.storage.db import BackupPolicy, Database
from senref.storage.lock import LibraryLock

DB_NAME = "library.sqlite"
FILES_DIR = "files"


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


class LibraryBase:
    """Opening, closing and reading a library folder (`library.sqlite` plus `files/`)."""

    def __init__(self, folder: Path, *, role: str = "senref", tagger: Tagger | None = None,
                 autotag: bool = True, on_wait: Callable[[str], None] | None = None,
                 backups: BackupPolicy | None = None) -> None:
        self.folder = folder
        self.files_dir = folder / FILES_DIR
        self.files = FileStore(self.files_dir)
        self.lock = LibraryLock(folder / "library.lock", role=role)
        self.db = Database(folder / DB_NAME, self.lock, on_wait=on_wait, backups=backups)
        #: True when this process may not write the folder or the database: reads work, writes raise
        self.read_only = self.db.read_only
        self.events = Events()
        #: Sets automatic topic tags on every saved record; None: nothing is tagged. The caller (the
        #: session) builds it with the user's vocabulary; the core never looks the tagger up itself.
        self.tagger: Tagger | None = tagger if autotag else None

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path | str, *, create: bool = True, tagger: Tagger | None = None, autotag: bool = True,
             role: str = "senref", on_wait: Callable[[str], None] | None = None,
             backups: BackupPolicy | None = None) -> Self:
        """Open (or, with *create*, start) the library in *folder*; saved records are tagged by *tagger*.

        `autotag=False` means no tagger, whatever *tagger* is (imports that keep a file's own tags).

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
            library = cls(folder, role=role, tagger=tagger, autotag=autotag, on_wait=on_wait, backups=backups)
        except health.StorageProblem as exc:
            raise LibraryError(str(exc)) from exc
        if not library.read_only:
            library._after_open()
        return library

    def _after_open(self) -> None:
        """Finish what an interrupted session left, once the library is open for writing (see library_writes)."""

    def close(self) -> None:
        """Close every connection; first a backup, if the library changed and the newest is old enough."""
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _conn(self) -> sqlite3.Connection:
        return self.db.conn

    # -- reading -------------------------------------------------------------------------------
    def get_item(self, key: str) -> Item:
        item = rows.read_item(self._conn, key)
        if item is None:
            raise KeyError(key)
        return item

    def has_item(self, key: str) -> bool:
        return rows.item_id(self._conn, key) is not None

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
        return rows.find_by_identifier(self._conn, scheme, value, include_trash=include_trash)

    def query(self, query: ItemQuery, offset: int = 0, limit: int = 100) -> list[sqlite3.Row]:
        """One sorted page of table rows (key, title, creator_summary, year, ...)."""
        return queries.page(self._conn, query, offset, limit)

    def table_page(self, query: ItemQuery, offset: int = 0, limit: int = 100) -> list[sqlite3.Row]:
        """The item table's page: `query`'s rows, the first pages of a typed short word read by probing."""
        return page_reads.table_page(self._conn, query, offset, limit)

    def view_ids(self, query: ItemQuery) -> array[int]:
        """Every row id of *query*'s view in its order: later pages of a long view become id lookups."""
        return row_seek.view_ids(self._conn, query)

    def rows_by_ids(self, query: ItemQuery, ids: array[int]) -> list[sqlite3.Row]:
        """The table rows of *ids* (a slice of `view_ids`), in *query*'s order."""
        return row_seek.rows_by_ids(self._conn, query, ids)

    def count(self, query: ItemQuery | None = None) -> int:
        return queries.count(self._conn, query or ItemQuery())

    def keys(self, query: ItemQuery) -> list[str]:
        return queries.keys(self._conn, query)

    def key_versions(self, query: ItemQuery) -> list[tuple[str, int]]:
        """(key, version) of every matching item, oldest first: enough to tell what changed."""
        return queries.key_versions(self._conn, query)

    def any_match(self, query: ItemQuery) -> bool:
        return queries.any_match(self._conn, query)

    def citation_keys_in_use(self) -> set[str]:
        return rows.pinned_citation_keys(self._conn)

    def iter_items(self, *, collection: str | None = None, recursive: bool = False, tag: str | None = None,
                   search: str | None = None, keys: list[str] | None = None, trash: bool = False,
                   query: ItemQuery | None = None, chunk: int = 500) -> Iterator[Item]:
        """Stream full items matching the filters, a chunk at a time (flat memory)."""
        if query is None:
            query = ItemQuery(collection=collection, recursive=recursive, tags=[tag] if tag else [],
                              search=search or "", keys=keys, trash=trash)
        conn = self._conn
        for ids in queries.iter_ids(conn, query, chunk):
            yield from rows.read_items_by_ids(conn, ids)

    def tag_counts(self, query: ItemQuery | None = None) -> list[tuple[str, int, int]]:
        return queries.tag_counts(self._conn, query)
