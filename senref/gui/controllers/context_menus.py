"""The right-click menus of the collection tree, the item table and its header, and View ▸ Columns."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from senref.gui.controllers.collections import CollectionsController
from senref.gui.controllers.edit import EditController
from senref.gui.controllers.sync import SyncController
from senref.gui.controllers.transfer import TransferController
from senref.gui.models.collection_tree import COLLECTION, COLLECTION_KEY_ROLE, KIND_ROLE, LIBRARY, TRASH
from senref.gui.models.item_table import COLUMNS
from senref.gui.views.collection_tree_view import CollectionTreeView
from senref.gui.views.item_table_view import ItemTableView
from senref.gui.views.tag_selector import TagSelector
from senref.sync.targets import Scope

if TYPE_CHECKING:
    from senref.gui.dialogs.export_dialog import ExportDialog


@dataclass(frozen=True)
class MenuActions:
    """The window's actions these menus offer (the same objects as in the menu bar, shortcuts and all)."""

    new_collection: QAction
    export: QAction
    empty_trash: QAction
    restore: QAction
    trash: QAction
    copy: QAction
    copy_bibliography: QAction
    paste: QAction


class ContextMenus(QObject):
    """Builds each menu when asked for, from what is under the pointer and the current view."""

    def __init__(self, actions: MenuActions, *, table: ItemTableView, collection_view: CollectionTreeView,
                 collections: CollectionsController, edits: EditController, transfer: TransferController,
                 menu_parent: QWidget, sync: SyncController | None = None, tag_selector: TagSelector | None = None,
                 search_text: Callable[[], str] = lambda: "", parent: Any = None) -> None:
        super().__init__(parent)
        self.actions, self.table, self.collection_view = actions, table, collection_view
        self.collections, self.edits, self.transfer, self.menu_parent = collections, edits, transfer, menu_parent
        self.sync, self.search_text = sync, search_text
        #: the last Export Collection dialog opened from the tree (tests reach it here)
        self.export_dialog: ExportDialog | None = None
        if sync is not None and tag_selector is not None:
            tag_selector.sync_requested.connect(lambda name: sync.open_new_target(Scope("tag", name)))
        collection_view.customContextMenuRequested.connect(self.on_collection_menu_requested)
        table.customContextMenuRequested.connect(self.on_table_menu_requested)
        table.horizontalHeader().customContextMenuRequested.connect(self.on_header_menu_requested)

    def on_collection_menu_requested(self, pos: QPoint) -> None:
        menu = self.collection_menu(self.collection_view.indexAt(pos))
        menu.popup(self.collection_view.viewport().mapToGlobal(pos))

    def collection_menu(self, index: QModelIndex) -> QMenu:
        """The menu of the tree row at *index* (built apart from showing it, so tests can trigger its actions)."""
        kind, key = index.data(KIND_ROLE), index.data(COLLECTION_KEY_ROLE)
        collections, actions = self.collections, self.actions
        menu = QMenu(self.menu_parent)
        if kind in (LIBRARY, None):
            menu.addAction(actions.new_collection)
            menu.addAction(actions.export)
            if self.sync is not None:
                sync = self.sync
                menu.addAction("Keep in Sync…", lambda: sync.open_new_target(Scope()))
        elif kind == COLLECTION:
            menu.addAction("New Subcollection…", lambda: collections.on_new_collection_triggered(key))
            menu.addAction("Rename Collection…", lambda: collections.on_rename_collection(key, str(index.data())))
            menu.addAction("Delete Collection…", lambda: collections.on_delete_collection(key, str(index.data())))
            menu.addSeparator()
            menu.addAction("Export Collection…", lambda: self.open_collection_export(key, str(index.data())))
            if self.sync is not None:
                sync = self.sync
                menu.addAction("Keep in Sync…", lambda: sync.open_new_target(sync.collection_scope(key),
                                                                             str(index.data())))
        elif kind == TRASH:
            menu.addAction(actions.empty_trash)
        return menu

    def on_table_menu_requested(self, pos: QPoint) -> None:
        self.table_menu().popup(self.table.viewport().mapToGlobal(pos))

    def table_menu(self) -> QMenu:
        """The item table's menu for the current selection and view."""
        keys = self.table.selected_keys()
        actions = self.actions
        menu = QMenu(self.menu_parent)
        kind, key = self.collections.current_view()
        if keys:
            if kind == TRASH:
                menu.addAction(actions.restore)
            else:
                add_to = menu.addMenu("Add to Collection")
                for col in sorted(self.collections.collections, key=lambda c: c.name.casefold()):
                    add_to.addAction(col.name, functools.partial(self.edits.file_items, col.key, keys))
                if kind == COLLECTION and key:
                    menu.addAction("Remove from Collection",
                                   lambda: self.edits.on_remove_from_collection(key, keys))
                menu.addAction(actions.trash)
            menu.addAction(actions.copy)
            menu.addAction(actions.copy_bibliography)
        menu.addAction(actions.paste)
        if kind == TRASH:
            menu.addAction(actions.empty_trash)
        search = self.search_text().strip()
        if search and self.sync is not None and kind != TRASH:
            # No saved searches yet: the quick search is the one a target can keep.
            sync = self.sync
            menu.addSeparator()
            menu.addAction(f"Keep Search “{search}” in Sync…",
                           lambda: sync.open_new_target(Scope("search", search)))
        return menu

    def open_collection_export(self, key: str, name: str) -> None:
        scope = self.sync.collection_scope(key) if self.sync is not None else None
        self.export_dialog = self.transfer.open_export(key, name, sync_scope=scope)

    def on_header_menu_requested(self, pos: QPoint) -> None:
        menu = QMenu(self.menu_parent)
        self.fill_columns_menu(menu)
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def fill_columns_menu(self, menu: QMenu) -> None:
        """One checkable entry a column; the header and View ▸ Columns both show this list."""
        menu.clear()
        header = self.table.horizontalHeader()
        for column, (title, _, _) in enumerate(COLUMNS):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)  # the title column always stays
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
