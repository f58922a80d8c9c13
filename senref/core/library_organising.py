"""The library service: tags and collections."""

from __future__ import annotations

import re
from collections.abc import Iterable

from senref.core.library_base import Collection, LibraryError
from senref.core.library_replica import LibraryReplica
from senref.core.model import MANUAL, Item, now_iso
from senref.core.query import ItemQuery
from senref.core.tag_sources import remember_removed
from senref.storage import collections as collection_rows
from senref.storage import tags as tag_rows


class LibraryOrganising(LibraryReplica):
    """Tags (manual and automatic, colours) and nested collections."""

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
            remember_removed(item, removed)
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
        return tag_rows.colors(self._conn)

    # -- collections ---------------------------------------------------------------------------
    def list_collections(self, *, recursive: bool = False) -> list[Collection]:
        """Every collection with its live item count (of its whole subtree when *recursive*)."""
        return [Collection(*row) for row in collection_rows.listing(self._conn, recursive=recursive)]

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

    def ensure_collection_path(self, names: list[str], parent_key: str | None = None) -> str:
        with self.db.transaction() as conn:
            key = self._ensure_path(conn, names, parent_key)
        self.events.emit("collections_changed")
        return key

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


def _drop_tag(item: Item, name: str) -> bool:
    removed = [t for t in item.tags if t.tag == name]
    item.tags = [t for t in item.tags if t.tag != name]
    # Deleting a tag library-wide is a rejection too: a later fetch of the record must not bring it back.
    remember_removed(item, removed)
    return bool(removed)
