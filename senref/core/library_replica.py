"""The library as a replica of another (a Zotero library through its Web API): objects written as given.

A sync writes what the other side holds, key for key: no duplicate merge (two records the server keeps
apart stay apart), no automatic topic tags (the tags are the other side's), child keys kept. What the
sync needs to tell local changes apart is every object's version, read in one query each.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from senref.core.library_base import LibraryError
from senref.core.library_writes import LibraryWrites
from senref.core.model import Item, is_key, new_key, now_iso
from senref.core.sanitize import clean_item
from senref.storage import collections as collection_rows
from senref.storage import items as rows
from senref.storage import replica


class LibraryReplica(LibraryWrites):
    """put_item / put_collection / versions, for `senref.zotero`'s sync."""

    def item_versions(self) -> dict[str, int]:
        """key -> local version of every item (trashed ones too)."""
        return replica.item_versions(self._conn)

    def collection_versions(self) -> dict[str, int]:
        return replica.collection_versions(self._conn)

    def stored_files(self) -> list[tuple[str, str, str]]:
        """(item key, attachment key, path relative to the library) of every stored file, in one query."""
        return [(item_key, att_key, rel) for item_key, att_key, rel, _sha, _size in rows.stored_attachments(self._conn)
                if rel]

    def put_item(self, item: Item) -> int:
        """Create or replace *item* under its own key, exactly as given; returns its new local version."""
        if not is_key(item.key):
            raise LibraryError(f"not an item key: {item.key!r}")
        with self.db.transaction() as conn:
            clean_item(item)
            existing = rows.item_id(conn, item.key)
            self._keep_child_keys(conn, item, existing is not None)
            item.version = self._next_version(conn)
            if existing is None and not item.date_added:
                item.date_added = now_iso()
            rows.write_item(conn, item)
        self.events.emit("items_changed", [item.key])
        return item.version

    @staticmethod
    def _keep_child_keys(conn: sqlite3.Connection, item: Item, exists: bool) -> None:
        """The item's own notes and attachments keep their keys; a key another item's child holds is replaced."""
        current = rows.read_item(conn, item.key) if exists else None
        own: set[str] = set()
        if current is not None:
            own = {n.key for n in current.notes} | {a.key for a in current.attachments}
        taken: set[str] = set()
        for kind, children in (("note", item.notes), ("attachment", item.attachments)):
            for child in children:
                if child.key not in own and (not is_key(child.key) or child.key in taken
                                             or rows.child_key_in_use(conn, kind, child.key)):
                    child.key = new_key()
                taken.add(child.key)

    def put_collection(self, key: str, name: str, parent_key: str | None) -> int:
        """Create or update collection *key* (name, parent); returns its new local version.

        A parent not (yet) here files the collection at the top: the sync puts parents first and
        puts the child again once its parent arrives.
        """
        if not is_key(key):
            raise LibraryError(f"not a collection key: {key!r}")
        with self.db.transaction() as conn:
            version = self._next_version(conn)
            parent_id = collection_rows.row_id(conn, parent_key) if parent_key else None
            if collection_rows.row_id(conn, key) is None:
                collection_rows.insert(conn, key, name, parent_id=parent_id, version=version, when=now_iso())
            else:
                collection_rows.rename(conn, key, name, version, now_iso())
                collection_rows.reparent(conn, key, parent_id, version)
        self.events.emit("collections_changed")
        return version

    def remove_collections(self, keys: Iterable[str]) -> list[str]:
        """Delete the collections named (the other side deleted them); their items stay. Returns those deleted."""
        gone: list[str] = []
        members: list[str] = []
        with self.db.transaction() as conn:
            for key in keys:
                existed, direct = collection_rows.delete(conn, key)
                if existed:
                    gone.append(key)
                    members.extend(direct)
        if gone:
            self.events.emit("collections_changed")
        if members:
            self.events.emit("items_changed", sorted(set(members)))
        return gone
