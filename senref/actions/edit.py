"""Editing an item's fields, creators and type, with the rules of `senref.core.edit` applied once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from senref.actions.progress import Report
from senref.core.edit import EditError, field_name, set_creators, set_field, set_item_type
from senref.core.library import Library
from senref.core.model import Creator, Item


@dataclass
class EditReport(Report):
    """What an edit of one item did: the fields (and "itemType", "creators") that changed."""

    key: str = ""
    changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.failed and not self.changed:
            return f"{self.key}: not changed"
        if not self.changed:
            return f"{self.key}: no change"
        return f"{self.key}: changed {', '.join(self.changed)}"


def missing_keys(library: Library, keys: Iterable[str]) -> list[str]:
    """The keys among *keys* that name no item (the window may hold a key another process removed)."""
    return [key for key in keys if not library.has_item(key)]


def edit_item(library: Library, key: str, fields: Mapping[str, str] | None = None, *, item_type: str | None = None,
              creators: list[Creator] | None = None) -> EditReport:
    """Change the type, the creators and fields of one item in one write; each field by Zotero's name.

    A field that cannot be set (a malformed DOI, a name the item type does not have) is a problem and
    the others are still applied; the type is changed first, so the fields are those of the new type.
    """
    report = EditReport(key=key)
    if missing_keys(library, [key]):
        report.problems.append(f"no item {key}")
        return report
    wanted = dict(fields or {})

    def change(item: Item) -> bool:
        if item_type is not None:
            try:
                if set_item_type(item, item_type):
                    report.changed.append("itemType")
            except EditError as exc:
                report.problems.append(str(exc))
        if creators is not None and set_creators(item, creators):
            report.changed.append("creators")
        for name, value in wanted.items():
            # A field the item holds outside its type's list (from an import) can still be changed or removed.
            spelled = field_name(item.item_type, name) or (name if name in item.fields else None)
            if spelled is None:
                report.problems.append(f"{item.item_type} has no field {name!r}")
                continue
            try:
                if set_field(item, spelled, value):
                    report.changed.append(spelled)
            except EditError as exc:
                report.problems.append(str(exc))
        return bool(report.changed)
    library.edit_items([key], change)
    return report


def edit_field(library: Library, key: str, name: str, value: str) -> EditReport:
    """One field as typed in the item pane (an empty value removes it)."""
    return edit_item(library, key, {name: value})


def set_item_creators(library: Library, key: str, creators: list[Creator]) -> EditReport:
    return edit_item(library, key, creators=creators)


def change_item_type(library: Library, key: str, item_type: str) -> EditReport:
    return edit_item(library, key, item_type=item_type)
