"""The tag selector under the collection tree: tick tags to filter, match any or all, hide automatic tags."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QTreeView, QVBoxLayout, QWidget

from senref.gui.models.tag_tree import TAG_TYPE_ROLE, TagTreeModel


class TagSelector(QWidget):
    """`filter_changed(tags, mode)` whenever the ticked tags or the any/all choice change."""

    filter_changed = Signal(list, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.model = TagTreeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree = QTreeView(self)
        self.tree.setObjectName("tagTree")
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter tags")
        self.filter_box.setClearButtonEnabled(True)
        self.mode = QComboBox(self)
        self.mode.addItem("Match all", "and")
        self.mode.addItem("Match any", "or")
        self.mode.setToolTip("Items must carry all the ticked tags, or any of them")
        self.show_automatic = QCheckBox("Automatic", self)
        self.show_automatic.setChecked(True)
        self.show_automatic.setToolTip("Show the topic tags senref assigned automatically (in italics)")
        row = QHBoxLayout()
        row.addWidget(self.mode, 1)
        row.addWidget(self.show_automatic)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.filter_box)
        layout.addLayout(row)
        self.filter_box.textChanged.connect(self.on_filter_text_changed)
        self.mode.currentIndexChanged.connect(self.on_choice_changed)
        self.show_automatic.toggled.connect(self.on_show_automatic_toggled)
        self.model.itemChanged.connect(self.on_tag_item_changed)

    def set_tags(self, rows: list[tuple[str, int, int]], colors: dict[str, str]) -> None:
        before = set(self.model.checked)
        self.model.set_tags(rows, colors)
        self.tree.expandAll()
        if self.model.checked != before:  # a ticked tag vanished from the view: widen the filter
            self.emit_filter()

    def checked_tags(self) -> list[str]:
        return sorted(self.model.checked)

    def emit_filter(self) -> None:
        self.filter_changed.emit(self.checked_tags(), str(self.mode.currentData()))

    def on_filter_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.tree.expandAll()

    def on_choice_changed(self, _index: int) -> None:
        if self.model.checked:
            self.emit_filter()

    def on_show_automatic_toggled(self, show: bool) -> None:
        self.model.set_show_automatic(show)
        self.tree.expandAll()
        self.emit_filter()

    def on_tag_item_changed(self, node: QStandardItem) -> None:
        if node.data(TAG_TYPE_ROLE) is not None:
            self.emit_filter()

    def clear_selection(self) -> None:
        self.model.blockSignals(True)
        try:
            self.model.clear_checked()
        finally:
            self.model.blockSignals(False)
        self.model.set_show_automatic(self.model.show_automatic)
        self.tree.expandAll()
        self.emit_filter()
