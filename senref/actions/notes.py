"""Adding and editing an item's child notes, typed as plain text and stored as Zotero's HTML."""

from __future__ import annotations

from dataclasses import dataclass

from senref.actions.edit import missing_keys
from senref.actions.progress import Report
from senref.core.edit import note_html
from senref.core.library import Library
from senref.core.model import Item, now_iso


@dataclass
class NoteReport(Report):
    """The note added or edited (its key, empty when nothing was done) and the item it belongs to."""

    item_key: str = ""
    note_key: str = ""

    def summary(self) -> str:
        return f"note {self.note_key} on {self.item_key}" if self.note_key else f"{self.item_key}: no note written"


def add_note(library: Library, key: str, text: str) -> NoteReport:
    """A new child note from plain text (escaped, one paragraph, line breaks kept); empty text adds none."""
    report = NoteReport(item_key=key)
    if missing_keys(library, [key]):
        report.problems.append(f"no item {key}")
    elif not text.strip():
        report.problems.append("a note cannot be empty")
    else:
        report.note_key = library.add_note(key, note_html(text.strip())).key
    return report


def edit_note(library: Library, key: str, note_key: str, text: str) -> NoteReport:
    """Replace the text of note *note_key* of item *key*."""
    report = NoteReport(item_key=key)
    if missing_keys(library, [key]):
        report.problems.append(f"no item {key}")
        return report
    if not text.strip():
        report.problems.append("a note cannot be empty (delete it instead)")
        return report
    wanted = note_html(text.strip())

    def change(item: Item) -> bool:
        for note in item.notes:
            if note.key == note_key:
                if note.html == wanted:
                    return False
                note.html, note.date_modified = wanted, now_iso()
                return True
        return False
    found = any(n.key == note_key for n in library.get_item(key).notes)
    if not found:
        report.problems.append(f"item {key} has no note {note_key}")
        return report
    library.edit_items([key], change)
    report.note_key = note_key
    return report
