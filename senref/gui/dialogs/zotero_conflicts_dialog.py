"""Zotero conflicts: one row per change made both here and in Zotero (item, field, mine, Zotero's), decided one by one.

The dialog only shows and asks: `keep_requested` goes to the Zotero controller, which writes the choice
off the GUI thread and then calls `remove_conflict`; until then the row's buttons are disabled.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog

from senref.core.schema import ALL_FIELDS, field_label
from senref.gui.views.conflict_table import (
    COL_FIELD,
    COL_ITEM,
    COL_KEEP,
    COL_ONE,
    COL_OTHER,
    ConflictRow,
    ConflictTable,
    conflict_dialog,
)
from senref.zotero.state import Conflict

__all__ = ["COL_FIELD", "COL_ITEM", "COL_KEEP", "COL_LOCAL", "COL_REMOTE", "ZoteroConflictsDialog", "describe_field"]
COL_LOCAL, COL_REMOTE = COL_ONE, COL_OTHER
#: Conflict.field values that are not Zotero fields, in the item pane's words.
OTHER_FIELDS = {"creators": "Creators", "deleted": "Deleted on one side", "itemType": "Item Type",
                "name": "Collection name"}


def describe_field(conflict: Conflict) -> str:
    if conflict.kind == "items" and conflict.field in ALL_FIELDS:
        return field_label(conflict.field)
    return OTHER_FIELDS.get(conflict.field, conflict.field)


def describe_value(value: Any) -> str:
    """A conflict's value as text: creators (Zotero's JSON) as "Last, First; …", nothing as an em dash."""
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, list):
        return "; ".join(_creator(v) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def _creator(raw: dict[str, Any]) -> str:
    if raw.get("name"):
        return str(raw["name"])
    return ", ".join(str(part) for part in (raw.get("lastName"), raw.get("firstName")) if part)


class ZoteroConflictsDialog(QDialog):
    """Lists the conflicts given to `set_conflicts`; each row's buttons ask to keep one side.

    Signals:
        keep_requested(str, str): a conflict id and the side to keep ("local" or "remote").
    """

    keep_requested = Signal(str, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoteroConflictsDialog")
        self.setWindowTitle("Zotero Conflicts")
        self.conflicts: list[Conflict] = []
        self.deciding: set[str] = set()
        self.wait_reason = ""
        self.table = ConflictTable("Mine", "Zotero's", self)
        self.table.setObjectName("zoteroConflictsTable")
        self.table.keep_clicked.connect(self.on_keep)
        self.intro = conflict_dialog(self, self.table)
        self.set_conflicts([])

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.conflicts = list(conflicts)
        self.deciding &= {c.id for c in self.conflicts}
        self._fill()

    def remove_conflict(self, conflict_id: str) -> None:
        self.deciding.discard(conflict_id)
        self.set_conflicts([c for c in self.conflicts if c.id != conflict_id])

    def set_waiting(self, reason: str) -> None:
        """While *reason* is not empty (a sync is running) no choice can be made."""
        self.wait_reason = reason
        self._fill()

    def _fill(self) -> None:
        n = len(self.conflicts)
        text = (f"{n} change{'s' if n != 1 else ''} made both here and in Zotero since the last sync. "
                "Your value stays until you decide; the next sync sends the value you keep."
                if n else "No Zotero conflicts are waiting.")
        self.intro.setText(f"{text} {self.wait_reason}".strip())
        self.table.show_rows([
            ConflictRow(c.id, c.title or c.key, describe_field(c), describe_value(c.local), describe_value(c.remote),
                        item_tip=f"{c.kind[:-1]} {c.key}", keep=(("local", "Keep mine"), ("remote", "Keep Zotero's")),
                        enabled=c.id not in self.deciding and not self.wait_reason)
            for c in self.conflicts])

    def on_keep(self, conflict_id: str, keep: str) -> None:
        if conflict_id in self.deciding or self.wait_reason:
            return
        self.deciding.add(conflict_id)
        self._fill()
        self.keep_requested.emit(conflict_id, keep)

    def decision_failed(self, conflict_id: str) -> None:
        """The choice could not be written: the row can be decided again."""
        self.deciding.discard(conflict_id)
        self._fill()
