"""Sync conflicts: one row per open conflict (item, field, library value, file value), decided one by one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from senref.core.schema import ALL_FIELDS, field_label
from senref.sync.conflicts import Conflict

COLUMNS = ("Item", "Field", "Library value", "File value", "")
COL_ITEM, COL_FIELD, COL_LIBRARY, COL_FILE, COL_KEEP = range(len(COLUMNS))


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
        self.resize(900, 360)
        self.load, self.resolve, self.describe_target = load, resolve, describe_target
        self.conflicts: list[Conflict] = []
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for col in (COL_LIBRARY, COL_FILE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_KEEP, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(COL_ITEM, 240)  # titles are long; the default cuts them to three words a line
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.conflicts = self.load()
        n = len(self.conflicts)
        self.intro.setText(
            f"{n} change{'s' if n != 1 else ''} made both in the library and in a synced file. "
            "Until each is decided the file is left as it is." if n else "No conflicts are waiting.")
        self.table.setRowCount(n)
        for row, conflict in enumerate(self.conflicts):
            title = conflict.title or conflict.item_key
            values = (title, describe_field(conflict), conflict.library_value, conflict.file_value)
            for col, text in enumerate(values):
                cell = QTableWidgetItem(text)  # plain items: titles and values are never markup
                if col == COL_ITEM:
                    cell.setToolTip(f"{conflict.item_key} in {self.describe_target(conflict.target_id)}")
                self.table.setItem(row, col, cell)
            self.table.setCellWidget(row, COL_KEEP, self._keep_buttons(conflict))
        self.table.resizeRowsToContents()

    def _keep_buttons(self, conflict: Conflict) -> QWidget:
        box = QWidget(self.table)
        row = QHBoxLayout(box)
        row.setContentsMargins(2, 0, 2, 0)
        for side, text in (("library", "Keep library"), ("file", "Keep file")):
            button = QPushButton(text, box)
            button.setObjectName(f"keep_{side}")
            button.clicked.connect(lambda _checked=False, cid=conflict.id, s=side: self.on_keep(cid, s))
            row.addWidget(button)
        return box

    def on_keep(self, conflict_id: str, side: str) -> None:
        self.resolve(conflict_id, side)
        self.refresh()
