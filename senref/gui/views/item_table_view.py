"""The centre table: Zotero-like item list that accepts drops and pastes and drags items out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from senref.gui.drops import DropPayload, answer_drag, can_accept, read_mime
from senref.gui.models.item_table import (
    COL_ADDED,
    COL_CREATOR,
    COL_FILE,
    COL_MODIFIED,
    COL_PUBLICATION,
    COL_TAGS,
    COL_TITLE,
    COL_TYPE,
    COL_YEAR,
    ITEM_KEYS_MIME,
    ItemTableModel,
)

DEFAULT_WIDTHS = {COL_CREATOR: 140, COL_YEAR: 50, COL_PUBLICATION: 170, COL_TYPE: 120, COL_ADDED: 130,
                  COL_MODIFIED: 130, COL_FILE: 36, COL_TAGS: 40}


class ItemTableView(QTableView):
    """Emits what the user dropped or pasted; the window decides which job runs."""

    payload_dropped = Signal(object)  # DropPayload
    paste_requested = Signal()
    delete_requested = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemTable")
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setDropIndicatorShown(False)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # Uniform row heights and no per-row sizing: the view never measures 100,000 rows.
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        # Zotero-like defaults; a saved header state (restored by the window) overrides them.
        for column, width in DEFAULT_WIDTHS.items():
            header.resizeSection(column, width)
        for column in (COL_TYPE, COL_ADDED, COL_MODIFIED):  # View > Columns shows them
            header.setSectionHidden(column, True)

    @property
    def item_model(self) -> ItemTableModel:
        model = self.model()
        assert isinstance(model, ItemTableModel)
        return model

    # -- selection by key ----------------------------------------------------------------------
    def selected_keys(self) -> list[str]:
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        return [key for key in (self.item_model.key_at(r) for r in rows) if key]

    def current_key(self) -> str | None:
        index = self.currentIndex()
        return self.item_model.key_at(index.row()) if index.isValid() else None

    def select_keys(self, keys: list[str], current: str | None = None) -> None:
        """Select the rows showing *keys* (after a reset) and scroll the current one into view."""
        model, selection = self.item_model, QItemSelection()
        rows = [row for row in (model.row_of(k) for k in keys) if row is not None]
        last = model.columnCount() - 1
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, last))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().select(selection, flags)
        target = model.row_of(current) if current else (rows[0] if rows else None)
        if target is not None:
            self.selectionModel().setCurrentIndex(model.index(target, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(model.index(target, 0))

    # -- keyboard ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectionModel().hasSelection():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)

    def clipboard_payload(self) -> DropPayload:
        mime = QGuiApplication.clipboard().mimeData()
        return read_mime(mime) if mime is not None else DropPayload()

    # -- drops ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        answer_drag(event, can_accept(event.mimeData()) and not self._own_items(event))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        answer_drag(event, can_accept(event.mimeData()) and not self._own_items(event))

    def dropEvent(self, event: QDropEvent) -> None:
        answer_drag(event, not self._own_items(event))
        if not event.isAccepted():
            return
        payload = read_mime(event.mimeData())
        if not payload.empty:
            self.payload_dropped.emit(payload)

    @staticmethod
    def _own_items(event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> bool:
        # Our own rows dropped back on the table would be a no-op copy; refuse instead.
        return event.mimeData().hasFormat(ITEM_KEYS_MIME)
