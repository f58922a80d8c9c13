"""Item edits from the item pane and collection membership, through the write queue.

The module-level functions are the edit rules themselves (which fields are identifiers, that a user's edit
sets provenance "user", how a typed note becomes HTML). They are Qt-free so that they can move as they are
into `senref.actions` when the CLI gets an edit command; the controller only routes the pane's signals.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from senref.core.library import Library
from senref.core.model import MANUAL, Creator, Item
from senref.core.schema import IDENTIFIER_FIELDS
from senref.gui.undo import RemoveFromCollectionCommand
from senref.gui.views.item_pane import ItemPane
from senref.gui.workers.tasks import TaskRunner

#: An edit as `Library.edit_items` applies it: changes the item in place, True when anything changed.
ItemChange = Callable[[Item], bool]

#: The source recorded in `Item.provenance` for a field the user typed (else a source's name, "sync", ...).
USER_PROVENANCE = "user"


def field_change(name: str, value: str) -> ItemChange:
    """Set field *name* to *value*; an empty value removes it.

    The identifier fields of the schema (DOI, PMID, arXiv, ...) are stored as identifiers, normalised by
    `Item.set_identifier`; any other field is stored as typed and marked as the user's.
    """
    scheme = next((s for s, f in IDENTIFIER_FIELDS.items() if f == name), None)

    def change(item: Item) -> bool:
        if scheme:
            if not value:
                return item.identifiers.pop(scheme, None) is not None
            return item.set_identifier(scheme, value)
        if item.fields.get(name, "") == value:
            return False
        if value:
            item.fields[name] = value
        else:
            item.fields.pop(name, None)
        item.provenance[name] = USER_PROVENANCE
        return True
    return change


def type_change(item_type: str) -> ItemChange:
    def change(item: Item) -> bool:
        item.item_type = item_type
        return True
    return change


def creators_change(creators: list[Creator]) -> ItemChange:
    """Replace the creators; the list as a whole becomes the user's."""
    def change(item: Item) -> bool:
        item.creators = list(creators)
        item.provenance["creators"] = USER_PROVENANCE
        return True
    return change


def note_html(text: str) -> str:
    """A note typed as plain text, stored as Zotero stores notes: one HTML paragraph, line breaks kept.

    >>> note_html("p < 0.05\\nsee Fig. 2")
    '<p>p &lt; 0.05<br>see Fig. 2</p>'
    """
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


class EditController(QObject):
    """Routes the item pane's edits and the collection filing of items to the library's write queue."""

    def __init__(self, library: Library, pane: ItemPane, *, writes: TaskRunner, undo_stack: QUndoStack,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.writes, self.undo_stack = library, writes, undo_stack
        pane.field_edited.connect(self.on_field_edited)
        pane.type_changed.connect(self.on_type_changed)
        pane.creators_edited.connect(self.on_creators_edited)
        pane.tag_added.connect(self.on_tag_added)
        pane.tag_accepted.connect(self.on_tag_accepted)
        pane.tag_removed.connect(self.on_tag_removed)
        pane.note_added.connect(self.on_note_added)

    def _edit(self, key: str, change: ItemChange) -> None:
        self.writes.run(lambda: self.library.edit_items([key], change))

    def on_field_edited(self, key: str, name: str, value: str) -> None:
        self._edit(key, field_change(name, value))

    def on_type_changed(self, key: str, item_type: str) -> None:
        self._edit(key, type_change(item_type))

    def on_creators_edited(self, key: str, creators: list[Creator]) -> None:
        self._edit(key, creators_change(creators))

    def on_tag_added(self, key: str, name: str) -> None:
        self.writes.run(lambda: self.library.add_tags(key, [name]))

    def on_tag_accepted(self, key: str, name: str) -> None:
        self.writes.run(lambda: self.library.add_tags(key, [name], MANUAL))

    def on_tag_removed(self, key: str, name: str) -> None:
        self.writes.run(lambda: self.library.remove_tags(key, [name]))

    def on_note_added(self, key: str, text: str) -> None:
        note = note_html(text)
        self.writes.run(lambda: self.library.add_note(key, note))

    # -- collection membership -----------------------------------------------------------------
    def file_items(self, collection: str, keys: list[str]) -> None:
        self.writes.run(lambda: self.library.add_to_collection(collection, keys))

    def on_remove_from_collection(self, collection: str, keys: list[str]) -> None:
        self.undo_stack.push(RemoveFromCollectionCommand(self.writes.run, self.library, collection, keys))
