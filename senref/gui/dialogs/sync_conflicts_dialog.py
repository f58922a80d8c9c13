"""Sync conflicts: one row per open conflict (item, field, library value, file value), decided one by one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog

from senref.core.schema import ALL_FIELDS, field_label
from senref.gui.views.conflict_table import COL_FIELD, COL_KEEP, COL_ONE, COL_OTHER, ConflictRow, ConflictTable, conflict_dialog
from senref.sync.conflicts import Conflict

__all__ = ["COL_FIELD", "COL_FILE", "COL_KEEP", "COL_LIBRARY", "SyncConflictsDialog", "describe_field"]
COL_LIBRARY, COL_FILE = COL_ONE, COL_OTHER


def describe_field(conflict: Conflict) -> str:
    """What the two sides disagree on, in the words of the item pane."""
    if conflict.kind == "deleted":
        return "Entry deleted from the file"
    if conflict.kind == "file":
        return "Whole file (cannot be merged entry by entry)"
    if conflict.field in ALL_FIELDS:
        return field_label(conflict.field)
    return conflict.field.replace("_", " ").capitalize()


class SyncConflictsDialog(QDialog):
    """Lists what *load* returns; each "Keep library" / "Keep file" calls *resolve*(conflict id, side)."""

    def __init__(self, load: Callable[[], list[Conflict]], resolve: Callable[[str, str], None],
                 describe_target: Callable[[str], str], parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncConflictsDialog")
        self.setWindowTitle("Sync Conflicts")
        self.load, self.resolve, self.describe_target = load, resolve, describe_target
        self.conflicts: list[Conflict] = []
        self.table = ConflictTable("Library value", "File value", self)
        self.table.keep_clicked.connect(self.on_keep)
        self.intro = conflict_dialog(self, self.table)
        self.refresh()

    def refresh(self) -> None:
        self.conflicts = self.load()
        n = len(self.conflicts)
        self.intro.setText(
            f"{n} change{'s' if n != 1 else ''} made both in the library and in a synced file. "
            "Until each is decided the file is left as it is." if n else "No conflicts are waiting.")
        self.table.show_rows([
            ConflictRow(c.id, c.title or c.item_key, describe_field(c), c.library_value, c.file_value,
                        item_tip=f"{c.item_key} in {self.describe_target(c.target_id)}",
                        keep=(("library", "Keep library"), ("file", "Keep file")))
            for c in self.conflicts])

    def on_keep(self, conflict_id: str, side: str) -> None:
        self.resolve(conflict_id, side)
        self.refresh()
