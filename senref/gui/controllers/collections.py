"""The collection tree: the current view, the library's collections read off the GUI thread, and their edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from senref.actions import collections as collection_actions
from senref.actions.progress import Report
from senref.core.library import Collection, Library
from senref.gui.controllers.edit import run_action
from senref.gui.models.collection_tree import COLLECTION, COLLECTION_KEY_ROLE, KIND_ROLE, LIBRARY, CollectionTreeModel
from senref.gui.views.collection_tree_view import CollectionTreeView
from senref.gui.workers.tasks import TaskRunner

#: What the user is looking at: (LIBRARY / COLLECTION / DUPLICATES / UNFILED / TRASH, the collection key or None).
CurrentView = Callable[[], tuple[str, str | None]]


class CollectionsController(QObject):
    """Keeps the tree in step with the library and answers "which view is current?" for the others.

    Signals:
        view_changed: the user chose another row of the tree (My Library, a collection, Duplicates, Unfiled, Trash).
        viewed_collection_deleted: the collection on show went away; the tree fell back to My Library.
    """

    view_changed = Signal()
    viewed_collection_deleted = Signal()

    def __init__(self, library: Library, model: CollectionTreeModel, view: CollectionTreeView, *,
                 reads: TaskRunner, writes: TaskRunner, dialog_parent: QWidget, parent: Any = None,
                 subtree_counts: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self.library, self.model, self.view = library, model, view
        #: whether counts take in subcollections' items (View > Show Items from Subcollections)
        self.subtree_counts = subtree_counts
        self.reads, self.writes, self.dialog_parent = reads, writes, dialog_parent
        #: the library's collections as last read (the add, import and settings dialogs offer them)
        self.collections: list[Collection] = []
        view.selectionModel().currentChanged.connect(self.on_current_changed)

    def current_view(self) -> tuple[str, str | None]:
        index = self.view.currentIndex()
        if not index.isValid():
            return LIBRARY, None
        return str(index.data(KIND_ROLE)), index.data(COLLECTION_KEY_ROLE)

    def select_collection(self, kind: str, key: str | None = None) -> None:
        index = self.model.find(kind, key)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def on_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.view_changed.emit()

    # -- reading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        library, recursive = self.library, self.subtree_counts()
        # Counts follow View > Show Items from Subcollections, as the table does.
        self.reads.run(lambda: library.list_collections(recursive=recursive), self.on_collections_loaded,
                       name="collections")

    def on_collections_changed(self) -> None:
        self.refresh()

    def on_collections_loaded(self, collections: list[Collection]) -> None:
        self.collections = collections
        kind, key = self.current_view()
        view, model = self.view, self.model
        expanded = model.expanded_keys(view.isExpanded)
        first_load = not model.has_collections()
        # Rebuilding the tree moves the current index; the view the user chose is put back without telling
        # the others, who would otherwise re-query for a view that did not change.
        view.selectionModel().blockSignals(True)
        try:
            model.set_collections(collections)
            view.expand(model.library_index())
            for col in collections:
                if first_load or col.key in expanded:
                    view.expand(model.find(COLLECTION, col.key))
            target = model.find(kind, key)
            view.setCurrentIndex(target if target.isValid() else model.library_index())
        finally:
            view.selectionModel().blockSignals(False)
        if not model.find(kind, key).isValid():
            self.viewed_collection_deleted.emit()

    # -- editing -------------------------------------------------------------------------------
    def on_new_collection_triggered(self, parent_key: str | None = None) -> None:
        name, ok = QInputDialog.getText(self.dialog_parent, "New Collection", "Name:")
        if ok and name.strip():
            # A QAction's triggered(bool) lands here too: only a string names a parent.
            parent = parent_key if isinstance(parent_key, str) else None
            self._run(lambda: collection_actions.create_collection(self.library, name, parent))

    def on_rename_collection(self, key: str, name: str) -> None:
        new, ok = QInputDialog.getText(self.dialog_parent, "Rename Collection", "Name:", text=name)
        if ok and new.strip():
            self._run(lambda: collection_actions.rename_collection(self.library, key, new))

    def on_delete_collection(self, key: str, name: str) -> None:
        answer = QMessageBox.question(self.dialog_parent, "Delete Collection", f"Delete the collection “{name}” and "
                                      "its subcollections? The items stay in My Library.")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: collection_actions.delete_collection(self.library, key))

    def _run(self, action: Callable[[], Report]) -> None:
        run_action(self.writes, action)
