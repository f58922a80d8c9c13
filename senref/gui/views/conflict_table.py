"""One table for every kind of conflict: item, field, one side's value, the other's, and a button per side.

The sync-target conflicts (library vs file) and the Zotero ones (mine vs Zotero's) show the same way;
each dialog says what its two sides are and what a choice does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
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

COL_ITEM, COL_FIELD, COL_ONE, COL_OTHER, COL_KEEP = range(5)


@dataclass(frozen=True)
class ConflictRow:
    id: str
    item: str
    field: str
    one: str
    other: str
    item_tip: str = ""
    #: (side, button label) per button; all enabled unless *enabled* is False
    keep: Sequence[tuple[str, str]] = ()
    enabled: bool = True


class ConflictTable(QTableWidget):
    """`show_rows(rows)`; `keep_clicked(conflict id, side)` when a row's button is pressed."""

    keep_clicked = Signal(str, str)

    def __init__(self, one: str, other: str, parent: Any = None) -> None:
        super().__init__(0, 5, parent)
        self.setHorizontalHeaderLabels(["Item", "Field", one, other, ""])
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        for col in (COL_ONE, COL_OTHER):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_KEEP, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(COL_ITEM, 240)  # titles are long; the default cuts them to three words a line

    def show_rows(self, rows: Sequence[ConflictRow]) -> None:
        self.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for col, text in enumerate((row.item, row.field, row.one, row.other)):
                cell = QTableWidgetItem(text)  # plain items: titles and values are never markup
                cell.setToolTip(row.item_tip if col == COL_ITEM and row.item_tip else text)
                self.setItem(index, col, cell)
            self.setCellWidget(index, COL_KEEP, self._buttons(row))
        self.resizeRowsToContents()

    def _buttons(self, row: ConflictRow) -> QWidget:
        box = QWidget(self)
        line = QHBoxLayout(box)
        line.setContentsMargins(2, 0, 2, 0)
        for side, text in row.keep:
            button = QPushButton(text, box)
            button.setObjectName(f"keep_{side}")
            button.setEnabled(row.enabled)
            button.clicked.connect(lambda _checked=False, cid=row.id, s=side: self.keep_clicked.emit(cid, s))
            line.addWidget(button)
        return box


def conflict_dialog(dialog: QDialog, table: ConflictTable) -> QLabel:
    """Lay *dialog* out as intro text, the table and Close; returns the intro label."""
    dialog.resize(900, 360)
    intro = QLabel(dialog)
    intro.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addWidget(table, 1)
    layout.addWidget(buttons)
    return intro
