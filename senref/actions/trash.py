"""The Trash: move items there, restore them, and empty it (deleting the items and their stored files for good)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from senref.actions.edit import missing_keys
from senref.actions.progress import Report
from senref.core.library import Library


@dataclass
class TrashReport(Report):
    """The items moved (to the Trash or back), those already where they were asked to go, and purged ones."""

    #: "trash", "restore" or "empty": which of the three it was
    operation: str = "trash"
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: int = 0

    def summary(self) -> str:
        if self.operation == "empty":
            return f"deleted {self.deleted} item(s) for good"
        if self.operation == "restore":
            return f"restored {len(self.changed)} item(s)"
        return f"moved {len(self.changed)} item(s) to the trash"


def move_to_trash(library: Library, keys: Iterable[str]) -> TrashReport:
    """Move items to the Trash; an item already there is left as it is (Empty Trash deletes it)."""
    return _move(library, list(keys), True, TrashReport())


def restore(library: Library, keys: Iterable[str]) -> TrashReport:
    """Bring items back from the Trash into the library and the collections they were in."""
    return _move(library, list(keys), False, TrashReport(operation="restore"))


def _move(library: Library, keys: list[str], deleted: bool, report: TrashReport) -> TrashReport:
    missing = missing_keys(library, keys)
    report.problems.extend(f"no item {k}" for k in missing)
    wanted = [k for k in keys if k not in missing]
    if wanted:
        report.changed = library.trash(wanted) if deleted else library.restore(wanted)
    report.unchanged = [k for k in wanted if k not in report.changed]
    return report


def empty_trash(library: Library) -> TrashReport:
    """Delete the trashed items for good, with their stored files; cannot be undone."""
    report = TrashReport(operation="empty")
    report.deleted = library.empty_trash()
    return report
