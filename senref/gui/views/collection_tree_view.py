"""The left tree: collections as drop targets for items, identifiers, URLs and files."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from senref.gui.drops import answer_drag, can_accept, read_mime
from senref.gui.models.collection_tree import COLLECTION, COLLECTION_KEY_ROLE, KIND_ROLE, LIBRARY


class CollectionTreeView(QTreeView):
    """`payload_dropped(payload, collection_key or None)`: a drop on a collection or on My Library."""

    payload_dropped = Signal(object, object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("collectionTree")
        self.setHeaderHidden(True)
        self.setAcceptDrops(True)
        self.setDragEnabled(False)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)

    def _target(self, event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> QModelIndex | None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(KIND_ROLE) in (COLLECTION, LIBRARY):
            return index
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        answer_drag(event, can_accept(event.mimeData()))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        answer_drag(event, self._target(event) is not None and can_accept(event.mimeData()))

    def dropEvent(self, event: QDropEvent) -> None:
        target = self._target(event)
        answer_drag(event, target is not None)
        if target is None:
            return
        payload = read_mime(event.mimeData())
        if not payload.empty:
            key = target.data(COLLECTION_KEY_ROLE) if target.data(KIND_ROLE) == COLLECTION else None
            self.payload_dropped.emit(payload, key)
