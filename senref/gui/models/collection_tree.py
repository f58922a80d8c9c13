"""The collection tree: My Library, its nested collections, Duplicate Items, Unfiled Items and Trash (Zotero's layout)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from senref.core.library import Collection
from senref.core.watch import INBOX

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
COLLECTION_KEY_ROLE = Qt.ItemDataRole.UserRole + 2
LIBRARY, COLLECTION, UNFILED, TRASH = "library", "collection", "unfiled", "trash"
DUPLICATES = "duplicates"
#: the rows after the collections, in Zotero's order
SPECIAL_KINDS = (DUPLICATES, UNFILED, TRASH)


class CollectionTreeModel(QStandardItemModel):
    """Rebuilt from `Library.list_collections()` rows (read off the GUI thread by the window)."""

    def __init__(self, library_name: str = "My Library", parent: Any = None) -> None:
        super().__init__(parent)
        self.library_name = library_name
        #: likely-duplicate groups as last counted (None: not counted yet, or the count failed)
        self.duplicate_count: int | None = None
        self.set_collections([])

    def set_collections(self, collections: list[Collection]) -> None:
        # The tree is built detached, then attached in one insert: one signal, not one per row.
        root = self._node(self.library_name, LIBRARY, None)
        by_parent: dict[str | None, list[Collection]] = {}
        known = {c.key for c in collections}
        for col in collections:
            parent = col.parent_key if col.parent_key in known else None
            by_parent.setdefault(parent, []).append(col)

        def add_children(node: QStandardItem, parent_key: str | None, depth: int) -> None:
            for col in sorted(by_parent.get(parent_key, []), key=lambda c: c.name.casefold()):
                # The watches' Inbox says how many papers wait in it, as the Duplicate Items row does.
                inbox = col.name == INBOX and parent_key is None and col.item_count
                child = self._node(f"{col.name} ({col.item_count})" if inbox else col.name, COLLECTION, col.key)
                child.setToolTip(f"{col.name}: {col.item_count} item{'s' if col.item_count != 1 else ''}")
                node.appendRow(child)
                if depth < 64:  # a corrupt parent cycle must not recurse forever
                    add_children(child, col.key, depth + 1)

        add_children(root, None, 0)
        root.appendRow(self._node(self._duplicates_text(), DUPLICATES, None))
        root.appendRow(self._node("Unfiled Items", UNFILED, None))
        root.appendRow(self._node("Trash", TRASH, None))
        self.clear()
        self.setColumnCount(1)  # columns first: inserting rows must not also insert columns
        self.appendRow(root)

    def set_duplicate_count(self, count: int | None) -> None:
        """Show *count* groups on the Duplicate Items row (None: no count to show)."""
        self.duplicate_count = count
        index = self.find(DUPLICATES)
        if index.isValid():
            self.setData(index, self._duplicates_text(), Qt.ItemDataRole.DisplayRole)

    def _duplicates_text(self) -> str:
        count = self.duplicate_count
        return "Duplicate Items" if not count else f"Duplicate Items ({count})"

    def has_collections(self) -> bool:
        return self.rowCount(self.library_index()) > len(SPECIAL_KINDS)

    @staticmethod
    def _node(text: str, kind: str, key: str | None) -> QStandardItem:
        node = QStandardItem(text)
        node.setEditable(False)
        node.setData(kind, KIND_ROLE)
        node.setData(key, COLLECTION_KEY_ROLE)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if kind in (LIBRARY, COLLECTION):
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        if kind == COLLECTION:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        node.setFlags(flags)
        return node

    def library_index(self) -> QModelIndex:
        return self.index(0, 0)

    def find(self, kind: str, key: str | None = None) -> QModelIndex:
        """The index of a node by kind (and collection key), or an invalid index."""
        stack = [self.library_index()]
        while stack:
            index = stack.pop()
            if index.data(KIND_ROLE) == kind and (kind != COLLECTION or index.data(COLLECTION_KEY_ROLE) == key):
                return index
            stack.extend(self.index(r, 0, index) for r in range(self.rowCount(index)))
        return QModelIndex()

    def expanded_keys(self, is_expanded: Any) -> set[str]:
        """Keys of the collections *is_expanded(index)* reports open (to keep them open on rebuild)."""
        out: set[str] = set()
        stack = [self.library_index()]
        while stack:
            index = stack.pop()
            if index.data(KIND_ROLE) == COLLECTION and is_expanded(index):
                out.add(str(index.data(COLLECTION_KEY_ROLE)))
            stack.extend(self.index(r, 0, index) for r in range(self.rowCount(index)))
        return out
