"""The centre table: Zotero-like item list that accepts drops and pastes and drags items out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from senref.gui.drops import DropPayload, answer_drag, can_accept, read_mime
from senref.gui.models.item_table import (
    COL_ADDED,
    COL_CITED,
    COL_CREATOR,
    COL_FILE,
    COL_INTEGRITY,
    COL_MODIFIED,
    COL_PUBLICATION,
    COL_TAGS,
    COL_TITLE,
    COL_TYPE,
    COL_YEAR,
    ITEM_KEYS_MIME,
    ItemTableModel,
)

#: Default column widths in average characters of the table's font, so they follow the user's font
#: size: "Guerrero et al." and "Nature Medicine" fit whole, Title takes what is left.
DEFAULT_CHARS = {COL_CREATOR: 18, COL_YEAR: 5, COL_PUBLICATION: 19, COL_TYPE: 17, COL_ADDED: 17, COL_MODIFIED: 17,
                 COL_TAGS: 4, COL_INTEGRITY: 10, COL_CITED: 7}
#: Icon-only columns, in pixels: the icon and its margins.
ICON_COLUMN_WIDTH = 30
ICON_SIZE = 16
#: Comfortable density (Zotero 7's default is 24 px at 1x) that still grows with a larger font.
MIN_ROW_HEIGHT = 24


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
        self.verticalHeader().setDefaultSectionSize(max(MIN_ROW_HEIGHT, self.fontMetrics().height() + 8))
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
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
        for column, width in self.default_widths().items():
            header.resizeSection(column, width)
        # View > Columns shows them; a retracted or flagged work's title is red whatever the columns.
        for column in (COL_TYPE, COL_ADDED, COL_MODIFIED, COL_INTEGRITY, COL_CITED):
            header.setSectionHidden(column, True)

    def default_widths(self) -> dict[int, int]:
        """Every column's default width but Title's (it stretches)."""
        char = self.fontMetrics().averageCharWidth()
        padding = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin) + 8
        widths = {column: chars * char + padding for column, chars in DEFAULT_CHARS.items()}
        widths[COL_FILE] = ICON_COLUMN_WIDTH
        return widths

    def changeEvent(self, event: QEvent) -> None:
        # The model keeps each item type's icon, drawn in the palette's colours: a new palette redraws them.
        if event.type() == QEvent.Type.PaletteChange and isinstance(self.model(), ItemTableModel):
            self.item_model.palette_changed()
        super().changeEvent(event)

    @property
    def item_model(self) -> ItemTableModel:
        model = self.model()
        assert isinstance(model, ItemTableModel)
        return model

    # -- selection by key ----------------------------------------------------------------------
    def selected_keys(self) -> list[str]:
        # From the selection's ranges: selectedRows() asks the model for each cell's flags, which is slow
        # for a few hundred selected rows (after a batch add).
        selection = self.selectionModel().selection()
        rows = sorted({row for span in (selection.at(i) for i in range(selection.size()))
                       for row in range(span.top(), span.bottom() + 1)})
        return [key for key in (self.item_model.key_at(r) for r in rows) if key]

    def current_key(self) -> str | None:
        index = self.currentIndex()
        return self.item_model.key_at(index.row()) if index.isValid() else None

    def select_keys(self, keys: list[str], current: str | None = None) -> None:
        """Select the rows showing *keys* (after a reset) and scroll the current one into view."""
        model, selection = self.item_model, QItemSelection()
        found = model.rows_of([*keys, current] if current else keys)
        rows = [found[k] for k in keys if k in found]
        last = model.columnCount() - 1
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, last))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().select(selection, flags)
        target = found.get(current) if current else (rows[0] if rows else None)
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
