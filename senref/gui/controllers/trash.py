"""Move to Trash and Restore (both undoable) and Empty Trash, for the items selected in the table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from senref.actions import trash as trash_actions
from senref.core.library import Library
from senref.gui.controllers.collections import CurrentView
from senref.gui.controllers.edit import LibraryThroughActions, run_action
from senref.gui.models.collection_tree import TRASH
from senref.gui.undo import RestoreCommand, TrashCommand
from senref.gui.views.item_table_view import ItemTableView
from senref.gui.workers.tasks import TaskRunner


class TrashController(QObject):
    """Pushes trash and restore commands on the undo stack; their writes run on the write queue."""

    def __init__(self, library: Library, table: ItemTableView, *, current_view: CurrentView, writes: TaskRunner,
                 undo_stack: QUndoStack, status: QStatusBar, dialog_parent: QWidget, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.table, self.current_view = library, table, current_view
        self.writes, self.undo_stack, self.status, self.dialog_parent = writes, undo_stack, status, dialog_parent
        self.through_actions = LibraryThroughActions(library)

    def on_trash_triggered(self) -> None:
        keys = self.table.selected_keys()
        if not keys:
            return
        kind, _ = self.current_view()
        if kind == TRASH:
            # What the Trash shows is trashed already (the action would change nothing); an undo entry
            # here would restore the items on Ctrl+Z. Restore and Empty Trash are in its context menu.
            return
        self.undo_stack.push(TrashCommand(self.writes.run, self.through_actions, keys))
        self.status.showMessage(f"Moved {len(keys)} item{'s' if len(keys) != 1 else ''} to the Trash "
                                "(Ctrl+Z to undo)", 6000)

    def on_restore_triggered(self) -> None:
        keys = self.table.selected_keys()
        if keys:
            self.undo_stack.push(RestoreCommand(self.writes.run, self.through_actions, keys))

    def on_empty_trash_triggered(self) -> None:
        answer = QMessageBox.question(self.dialog_parent, "Empty Trash", "Delete the items in the Trash for good? "
                                      "Their stored files are deleted too. This cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            run_action(self.writes, lambda: trash_actions.empty_trash(self.library))
