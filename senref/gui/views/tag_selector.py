"""The tag selector under the collection tree: click tags to filter, match any or all, show automatic or
manual tags; its context menu renames, deletes and colours a tag across the library."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap, QStandardItem
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QMenu, QTreeView, QVBoxLayout, QWidget

from senref.gui.models.tag_tree import TAG_ROLE, TAG_TYPE_ROLE, TagTreeModel


class TagSelector(QWidget):
    """The tags of the current view; the window does the library work its signals ask for.

    Signals:
        filter_changed(list, str): the ticked tags or the any/all choice changed.
        rename_requested(str): the user chose Rename Tag… on a tag.
        delete_requested(str): the user chose Delete Tag… on a tag.
        color_requested(str, object): a colour "#rrggbb", None to remove it, "" to pick one in a dialog.
        sync_requested(str): the user chose Keep in Sync… on a tag.
    """

    filter_changed = Signal(list, str)
    rename_requested = Signal(str)
    delete_requested = Signal(str)
    color_requested = Signal(str, object)
    sync_requested = Signal(str)

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
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        #: (label, "#rrggbb") offered by Assign Colour (the window sets its palette)
        self.color_palette: tuple[tuple[str, str], ...] = ()
        self.menu: QMenu | None = None
        self._pressed_state: Qt.CheckState | None = None
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
        self.show_manual = QCheckBox("Manual", self)
        self.show_manual.setChecked(True)
        self.show_manual.setToolTip("Show the tags you or an imported file gave")
        self.show_keywords = QCheckBox("Keywords", self)
        self.show_keywords.setObjectName("showKeywordTags")
        self.show_keywords.setChecked(False)
        self.show_keywords.setToolTip("Show the subject keywords sources gave (HAL keywords, MeSH, PubMed keywords)")
        self.show_entities = QCheckBox("Genes, drugs, trials", self)
        self.show_entities.setObjectName("showEntityTags")
        self.show_entities.setChecked(True)
        self.show_entities.setToolTip("Show the genes, proteins, drugs and trial numbers found in the texts")
        # Rows: the match mode, then what to show; one row would widen the whole left pane.
        shown = QHBoxLayout()
        shown.addWidget(self.show_automatic)
        shown.addWidget(self.show_manual)
        shown.addWidget(self.show_keywords)
        shown.addStretch(1)
        kinds = QHBoxLayout()
        kinds.addWidget(self.show_entities)
        kinds.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.mode)
        layout.addLayout(shown)
        layout.addLayout(kinds)
        self.filter_box.textChanged.connect(self.on_filter_text_changed)
        self.mode.currentIndexChanged.connect(self.on_choice_changed)
        self.show_automatic.toggled.connect(self.on_show_automatic_toggled)
        self.show_manual.toggled.connect(self.on_show_manual_toggled)
        self.show_keywords.toggled.connect(self.on_show_keywords_toggled)
        self.show_entities.toggled.connect(self.on_show_entities_toggled)
        self.tree.customContextMenuRequested.connect(self.on_menu_requested)
        self.tree.pressed.connect(self.on_tag_pressed)
        self.tree.clicked.connect(self.on_tag_clicked)
        self.model.itemChanged.connect(self.on_tag_item_changed)

    def set_tags(self, rows: list[tuple[str, int, int]], colors: dict[str, str],
                 topics: frozenset[str] | None = None) -> None:
        """*topics*: the topic tags' names; other automatic tags are source keywords (hidden by default)."""
        before = set(self.model.checked)
        self.model.set_tags(rows, colors, topics)
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

    def on_show_keywords_toggled(self, show: bool) -> None:
        self.model.set_show_keywords(show)
        self.tree.expandAll()
        self.emit_filter()

    def on_show_entities_toggled(self, show: bool) -> None:
        self.model.set_show_entities(show)
        self.tree.expandAll()
        self.emit_filter()

    def on_show_manual_toggled(self, show: bool) -> None:
        self.model.set_show_manual(show)
        self.tree.expandAll()
        self.emit_filter()

    def _node(self, index: QModelIndex) -> QStandardItem | None:
        if not index.isValid():
            return None
        node = self.model.itemFromIndex(self.proxy.mapToSource(index))
        return node if node is not None and node.data(TAG_TYPE_ROLE) is not None else None

    def on_tag_pressed(self, index: QModelIndex) -> None:
        node = self._node(index)
        self._pressed_state = node.checkState() if node is not None else None

    def on_tag_clicked(self, index: QModelIndex) -> None:
        """A click on the tag's name selects it as a filter, as in Zotero; a click on the box already did."""
        node = self._node(index)
        if node is None or self._pressed_state is None:
            return
        if node.checkState() == self._pressed_state:
            unchecked = node.checkState() == Qt.CheckState.Unchecked
            node.setCheckState(Qt.CheckState.Checked if unchecked else Qt.CheckState.Unchecked)
        self._pressed_state = None

    def tag_at(self, pos: QPoint) -> str | None:
        node = self._node(self.tree.indexAt(pos))
        return str(node.data(TAG_ROLE)) if node is not None else None

    def tag_menu(self, name: str) -> QMenu:
        """The context menu of tag *name* (built apart from showing it, so tests can trigger its actions)."""
        menu = QMenu(self)
        menu.setObjectName("tagMenu")
        menu.addAction("Rename Tag…", lambda: self.rename_requested.emit(name))
        colors = menu.addMenu("Assign Colour")
        current = self.model._colors.get(name)
        for label, color in self.color_palette:
            action = QAction(_swatch(color), label, colors)
            action.triggered.connect(lambda _checked=False, c=color: self.color_requested.emit(name, c))
            colors.addAction(action)
            action.setCheckable(True)
            action.setChecked(color.lower() == (current or "").lower())
        colors.addSeparator()
        colors.addAction("Other Colour…", lambda: self.color_requested.emit(name, ""))
        remove = colors.addAction("Remove Colour", lambda: self.color_requested.emit(name, None))
        remove.setEnabled(current is not None)
        menu.addAction("Keep in Sync…", lambda: self.sync_requested.emit(name))
        menu.addSeparator()
        menu.addAction("Delete Tag…", lambda: self.delete_requested.emit(name))
        return menu

    def on_menu_requested(self, pos: QPoint) -> None:
        name = self.tag_at(pos)
        if name is None:
            return
        self.menu = self.tag_menu(name)
        self.menu.popup(self.tree.viewport().mapToGlobal(pos))

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


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
