"""Undoable library actions (QUndoStack commands); the writes themselves run on the window's write queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

RunWrite = Callable[[Callable[[], Any]], None]


class TrashCommand(QUndoCommand):
    """Move items to the Trash; undo restores them."""

    def __init__(self, run_write: RunWrite, library: Any, keys: list[str]) -> None:
        count = len(keys)
        super().__init__(f"Move {count} item{'s' if count != 1 else ''} to Trash")
        self.run_write, self.library, self.keys = run_write, library, list(keys)

    def redo(self) -> None:
        self.run_write(lambda: self.library.trash(self.keys))

    def undo(self) -> None:
        self.run_write(lambda: self.library.restore(self.keys))


class RestoreCommand(TrashCommand):
    """Restore items from the Trash; undo puts them back."""

    def __init__(self, run_write: RunWrite, library: Any, keys: list[str]) -> None:
        super().__init__(run_write, library, keys)
        self.setText(f"Restore {len(keys)} item{'s' if len(keys) != 1 else ''}")

    def redo(self) -> None:
        super().undo()

    def undo(self) -> None:
        super().redo()


class RemoveFromCollectionCommand(QUndoCommand):
    def __init__(self, run_write: RunWrite, library: Any, collection: str, keys: list[str]) -> None:
        super().__init__(f"Remove {len(keys)} item{'s' if len(keys) != 1 else ''} from collection")
        self.run_write, self.library, self.collection, self.keys = run_write, library, collection, list(keys)

    def redo(self) -> None:
        self.run_write(lambda: self.library.remove_from_collection(self.collection, self.keys))

    def undo(self) -> None:
        self.run_write(lambda: self.library.add_to_collection(self.collection, self.keys))
