"""Collections: create, rename, move and delete them, and file items into them or take items out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from senref.actions.edit import missing_keys
from senref.actions.progress import Report
from senref.core.library import Library


@dataclass
class CollectionReport(Report):
    """The collection acted on (its key; a new one's key after create) and the items that changed."""

    key: str = ""
    name: str = ""
    changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.name or self.key}: {len(self.changed)} item(s) changed" if self.changed else (self.name or self.key)


def _known(library: Library, key: str | None, report: CollectionReport) -> bool:
    """False (with a problem) when *key* names no collection; None (the top level) is always known."""
    if key is None or any(c.key == key for c in library.list_collections()):
        return True
    report.problems.append(f"no collection {key}")
    return False


def create_collection(library: Library, name: str, parent: str | None = None) -> CollectionReport:
    """A new collection, at the top or under *parent*; its key is in the report."""
    report = CollectionReport(name=name.strip())
    if not report.name:
        report.problems.append("a collection name cannot be empty")
    elif _known(library, parent, report):
        report.key = library.create_collection(report.name, parent)
    return report


def rename_collection(library: Library, key: str, name: str) -> CollectionReport:
    report = CollectionReport(key=key, name=name.strip())
    if not report.name:
        report.problems.append("a collection name cannot be empty")
    elif _known(library, key, report):
        library.rename_collection(key, report.name)
    return report


def move_collection(library: Library, key: str, parent: str | None) -> CollectionReport:
    """Put a collection under *parent* (None: at the top); never into itself or its own subcollections."""
    report = CollectionReport(key=key)
    if not (_known(library, key, report) and _known(library, parent, report)):
        return report
    parents = {c.key: c.parent_key for c in library.list_collections()}
    node, seen = parent, set()
    while node and node not in seen:
        if node == key:
            report.problems.append("cannot move a collection into itself or its subcollections")
            return report
        seen.add(node)
        node = parents.get(node)
    library.move_collection(key, parent)
    return report


def delete_collection(library: Library, key: str) -> CollectionReport:
    """Delete a collection and its subcollections; their items stay in the library (listed as changed)."""
    report = CollectionReport(key=key)
    if _known(library, key, report):
        report.changed = library.delete_collection(key)
    return report


def add_to_collection(library: Library, key: str, item_keys: Iterable[str]) -> CollectionReport:
    """File items into a collection (an item may sit in many); those already in it are no change."""
    keys = list(item_keys)
    report = CollectionReport(key=key)
    missing = missing_keys(library, keys)
    report.problems.extend(f"no item {k}" for k in missing)
    if _known(library, key, report):
        report.changed = library.add_to_collection(key, [k for k in keys if k not in missing])
    return report


def remove_from_collection(library: Library, key: str, item_keys: Iterable[str]) -> CollectionReport:
    """Take items out of a collection; they stay in the library and in their other collections."""
    keys = list(item_keys)
    report = CollectionReport(key=key)
    missing = missing_keys(library, keys)
    report.problems.extend(f"no item {k}" for k in missing)
    if _known(library, key, report):
        report.changed = library.remove_from_collection(key, [k for k in keys if k not in missing])
    return report
