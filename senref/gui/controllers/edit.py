"""Item edits from the item pane and collection membership: each one an action, run on the write queue.

The rules (which fields are identifiers, provenance "user", typed notes as HTML, accepted tags) live in
`senref.core.edit` and `senref.actions`; the CLI runs the same actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from senref.actions import collections as collection_actions
from senref.actions import edit as edit_actions
from senref.actions import notes as note_actions
from senref.actions import tags as tag_actions
from senref.actions import trash as trash_actions
from senref.actions.progress import Report
from senref.core.library import Library
from senref.core.model import Creator
from senref.gui.undo import RemoveFromCollectionCommand
from senref.gui.views.item_pane import ItemPane
from senref.gui.workers.tasks import TaskRunner


class ActionProblem(Exception):
    """An action's problems, raised on the write queue so that the window shows them as a failed write."""


def checked(report: Report) -> Report:
    """*report*, or ActionProblem with its problems when something asked for was not done."""
    if report.failed:
        raise ActionProblem("; ".join(report.problems))
    return report


def run_action(writes: TaskRunner, action: Callable[[], Report]) -> None:
    """Run *action* on the write queue; its problems reach the user through `writes.failed`."""
    writes.run(lambda: checked(action()))


class LibraryThroughActions:
    """What the undo commands call (`trash`, `restore`, collection membership), routed through the actions."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def trash(self, keys: Iterable[str]) -> Report:
        return checked(trash_actions.move_to_trash(self.library, keys))

    def restore(self, keys: Iterable[str]) -> Report:
        return checked(trash_actions.restore(self.library, keys))

    def add_to_collection(self, collection: str, keys: Iterable[str]) -> Report:
        return checked(collection_actions.add_to_collection(self.library, collection, keys))

    def remove_from_collection(self, collection: str, keys: Iterable[str]) -> Report:
        return checked(collection_actions.remove_from_collection(self.library, collection, keys))


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

    def _run(self, action: Callable[[], Report]) -> None:
        run_action(self.writes, action)

    def on_field_edited(self, key: str, name: str, value: str) -> None:
        self._run(lambda: edit_actions.edit_field(self.library, key, name, value))

    def on_type_changed(self, key: str, item_type: str) -> None:
        self._run(lambda: edit_actions.change_item_type(self.library, key, item_type))

    def on_creators_edited(self, key: str, creators: list[Creator]) -> None:
        self._run(lambda: edit_actions.set_item_creators(self.library, key, creators))

    def on_tag_added(self, key: str, name: str) -> None:
        self._run(lambda: tag_actions.add_tags(self.library, key, [name]))

    def on_tag_accepted(self, key: str, name: str) -> None:
        self._run(lambda: tag_actions.accept_tag(self.library, key, name))

    def on_tag_removed(self, key: str, name: str) -> None:
        self._run(lambda: tag_actions.remove_tags(self.library, key, [name]))

    def on_note_added(self, key: str, text: str) -> None:
        self._run(lambda: note_actions.add_note(self.library, key, text))

    # -- collection membership -----------------------------------------------------------------
    def file_items(self, collection: str, keys: list[str]) -> None:
        self._run(lambda: collection_actions.add_to_collection(self.library, collection, keys))

    def on_remove_from_collection(self, collection: str, keys: list[str]) -> None:
        self.undo_stack.push(RemoveFromCollectionCommand(self.writes.run, LibraryThroughActions(self.library),
                                                         collection, keys))
