"""A combo box of "where to file": My Library or any collection, nested ones shown by their path."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox

from senref.core.library import Collection

#: The separator between a nested collection's names, as the CLI's `--collection A/B` reads them.
PATH_SEPARATOR = " / "


def collection_labels(collections: list[Collection]) -> list[tuple[str, str]]:
    """(path label, key) for every collection, sorted by path so subcollections follow their parent."""
    by_key = {c.key: c for c in collections}

    def path(col: Collection) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        current: Collection | None = col
        while current is not None and current.key not in seen:  # a cycle would loop forever
            seen.add(current.key)
            names.append(current.name)
            current = by_key.get(current.parent_key) if current.parent_key else None
        return list(reversed(names))
    labelled = [(PATH_SEPARATOR.join(path(c)), c.key) for c in collections]
    return sorted(labelled, key=lambda pair: pair[0].casefold())


class CollectionChoice(QComboBox):
    """"My Library (no collection)" first, then each collection by path; `key()` is None for the library."""

    def __init__(self, collections: list[Collection], current: str | None, parent: Any = None,
                 *, library_label: str = "My Library (no collection)") -> None:
        super().__init__(parent)
        self.addItem(library_label, None)
        for label, key in collection_labels(collections):
            self.addItem(label, key)
        self.setCurrentIndex(max(0, self.findData(current)))

    def key(self) -> str | None:
        data = self.currentData()
        return str(data) if data else None
