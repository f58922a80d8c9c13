"""The creator list editor: type, last name, first name (or a single-field name), reorder, add, remove."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from senref.core.model import Creator
from senref.core.schema import CREATOR_TYPES, creator_label


class CreatorsEditor(QWidget):
    """`creators_edited(list[Creator])` after any change the user makes."""

    creators_edited = Signal(list)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("creatorsTable")
        self.table.setHorizontalHeaderLabels(["Type", "Last / Name", "First"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_button = QPushButton("Add", self)
        self.remove_button = QPushButton("Remove", self)
        self.up_button = QPushButton("Move Up", self)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.item_type = "journalArticle"
        self._loading = False
        self.table.itemChanged.connect(self.on_cell_changed)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.up_button.clicked.connect(self.on_up_clicked)

    def show_creators(self, item_type: str, creators: list[Creator]) -> None:
        self._loading = True
        try:
            self.item_type = item_type
            self.table.setRowCount(0)
            for creator in creators:
                self._append(creator)
            # Up to 8 rows visible; a 32-author paper scrolls inside the table.
            height = min(8, max(2, len(creators))) * self.table.verticalHeader().defaultSectionSize() + 30
            self.table.setFixedHeight(height)
        finally:
            self._loading = False

    def _append(self, creator: Creator) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        box = QComboBox(self.table)
        types = CREATOR_TYPES.get(self.item_type, CREATOR_TYPES["journalArticle"])
        for name in dict.fromkeys((*types, creator.creator_type)):
            box.addItem(creator_label(name), name)
        box.setCurrentIndex(box.findData(creator.creator_type))
        box.activated.connect(self.on_type_activated)
        self.table.setCellWidget(row, 0, box)
        last = QTableWidgetItem(creator.name or creator.last_name)
        first = QTableWidgetItem("" if creator.name else creator.first_name)
        last.setData(Qt.ItemDataRole.UserRole, bool(creator.name))  # single-field name (a consortium)
        self.table.setItem(row, 1, last)
        self.table.setItem(row, 2, first)

    def creators(self) -> list[Creator]:
        out: list[Creator] = []
        for row in range(self.table.rowCount()):
            box = self.table.cellWidget(row, 0)
            kind = str(box.currentData()) if isinstance(box, QComboBox) else "author"
            last_item, first_item = self.table.item(row, 1), self.table.item(row, 2)
            last = last_item.text().strip() if last_item else ""
            first = first_item.text().strip() if first_item else ""
            if not last and not first:
                continue
            single = bool(last_item.data(Qt.ItemDataRole.UserRole)) if last_item else False
            out.append(Creator(kind, name=last) if single and not first else Creator(kind, first, last))
        return out

    def on_cell_changed(self, _item: QTableWidgetItem) -> None:
        if not self._loading:
            self.creators_edited.emit(self.creators())

    def on_type_activated(self, _index: int) -> None:
        self.creators_edited.emit(self.creators())

    def on_add_clicked(self) -> None:
        self._loading = True
        try:
            self._append(Creator(CREATOR_TYPES.get(self.item_type, ("author",))[0]))
        finally:
            self._loading = False
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 1)
        cell = self.table.item(row, 1)
        if cell is not None:
            self.table.editItem(cell)

    def on_remove_clicked(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.creators_edited.emit(self.creators())

    def on_up_clicked(self) -> None:
        row = self.table.currentRow()
        if row <= 0:
            return
        creators = self.creators()
        if row < len(creators):
            creators[row - 1], creators[row] = creators[row], creators[row - 1]
            self.show_creators(self.item_type, creators)
            self.table.setCurrentCell(row - 1, 1)
            self.creators_edited.emit(creators)
