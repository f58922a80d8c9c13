"""Tags on an item (add, remove, accept or reject a topic) and across the library (rename, merge, delete, colour)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from senref.actions.edit import missing_keys
from senref.actions.progress import Report
from senref.core.library import Library
from senref.core.model import MANUAL
from senref.core.query import ItemQuery

#: Tag colours offered by the tag selector: Zotero's palette.
TAG_COLORS = (("Red", "#ff6666"), ("Orange", "#ff8c19"), ("Green", "#5fb236"), ("Blue", "#2ea8e5"),
              ("Purple", "#a28ae5"), ("Magenta", "#e56eee"), ("Yellow", "#ffd400"), ("Teal", "#009980"),
              ("Grey", "#aaaaaa"))
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass
class TagReport(Report):
    """What a tag operation did: the items it changed; for a rename, whether it merged two tags."""

    tag: str = ""
    changed: list[str] = field(default_factory=list)
    merged: bool = False

    def summary(self) -> str:
        if self.merged:
            return f"merged into “{self.tag}” on {len(self.changed)} item(s)"
        return f"“{self.tag}”: {len(self.changed)} item(s) changed" if self.tag else f"{len(self.changed)} item(s) changed"


def _names(names: Iterable[str]) -> list[str]:
    return [n.strip() for n in names if n.strip()]


def add_tags(library: Library, key: str, names: Iterable[str]) -> TagReport:
    """Manual tags on one item; adding an automatic tag's name accepts it (it becomes manual)."""
    wanted = _names(names)
    report = TagReport(tag="; ".join(wanted))
    if missing_keys(library, [key]):
        report.problems.append(f"no item {key}")
    elif not wanted:
        report.problems.append("a tag name cannot be empty")
    elif library.add_tags(key, wanted, MANUAL):
        report.changed.append(key)
    return report


def accept_tag(library: Library, key: str, name: str) -> TagReport:
    """Accept an automatic topic: it stays as a manual tag, which the tagger never takes away."""
    return add_tags(library, key, [name])


def remove_tags(library: Library, key: str, names: Iterable[str]) -> TagReport:
    """Remove tags from one item; a removed automatic topic is remembered as rejected (not added back)."""
    unwanted = _names(names)
    report = TagReport(tag="; ".join(unwanted))
    if missing_keys(library, [key]):
        report.problems.append(f"no item {key}")
    elif library.remove_tags(key, unwanted):
        report.changed.append(key)
    return report


def reject_tag(library: Library, key: str, name: str) -> TagReport:
    """Reject an automatic topic: removed, and the tagger does not add it back."""
    return remove_tags(library, key, [name])


def tag_exists(library: Library, name: str) -> bool:
    """True when an item (in the Trash too) carries tag *name*."""
    return library.any_match(ItemQuery(tags=[name])) or library.any_match(ItemQuery(tags=[name], trash=True))


def rename_tag(library: Library, old: str, new: str) -> TagReport:
    """Rename a tag on every item (the Trash too); renaming to an existing tag's name merges the two."""
    new = new.strip()
    report = TagReport(tag=new)
    if not new:
        report.problems.append("a tag name cannot be empty")
        return report
    if new == old:
        return report
    if not tag_exists(library, old) and old not in library.tag_colors():
        report.problems.append(f"no tag “{old}”")
        return report
    report.merged = tag_exists(library, new)
    keys = library.keys(ItemQuery(tags=[old])) + library.keys(ItemQuery(tags=[old], trash=True))
    library.rename_tag(old, new)
    report.changed = keys
    return report


def delete_tag(library: Library, name: str) -> TagReport:
    """Remove a tag from every item, and its colour."""
    report = TagReport(tag=name)
    keys = library.keys(ItemQuery(tags=[name])) + library.keys(ItemQuery(tags=[name], trash=True))
    library.delete_tag(name)
    report.changed = keys
    return report


def set_tag_color(library: Library, name: str, color: str | None) -> TagReport:
    """Give a tag a colour, "#rrggbb" (the window offers `TAG_COLORS`); None or "none" removes it."""
    report = TagReport(tag=name)
    chosen = None if color is None or color.casefold() == "none" else color
    if chosen is not None and not _HEX_COLOR.fullmatch(chosen):
        report.problems.append(f"not a colour: {color!r} (use #RRGGBB, or 'none' to remove it)")
        return report
    library.set_tag_color(name, chosen)
    return report
