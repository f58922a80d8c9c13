"""The tag selector's contents (counts and colours for the current view) and its tools: rename, delete, colour."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox, QWidget

from senref.actions import tags as tag_actions
from senref.actions.tags import TAG_COLORS
from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.gui.controllers.collections import CurrentView
from senref.gui.controllers.edit import run_action
from senref.gui.models.collection_tree import COLLECTION, TRASH, UNFILED
from senref.gui.models.item_table import ItemTableModel
from senref.gui.topic_tags import selector_topic_names
from senref.gui.views.tag_selector import TagSelector
from senref.gui.workers.tasks import TaskRunner

TAG_REFRESH_MS = 1000

TagsLoaded = tuple[list[tuple[str, int, int]], dict[str, str], dict[str, set[str]], frozenset[str]]


class TagsController(QObject):
    """Reads the tags of the current view off the GUI thread; the tag tools' changes go to the write queue."""

    def __init__(self, library: Library, selector: TagSelector, item_model: ItemTableModel, *,
                 current_view: CurrentView, reads: TaskRunner, writes: TaskRunner, dialog_parent: QWidget,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.selector, self.item_model = library, selector, item_model
        self.current_view, self.reads, self.writes, self.dialog_parent = current_view, reads, writes, dialog_parent
        selector.color_palette = TAG_COLORS
        self._last_refresh = 0.0
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self.refresh)
        selector.rename_requested.connect(self.on_rename_tag_requested)
        selector.delete_requested.connect(self.on_delete_tag_requested)
        selector.color_requested.connect(self.on_tag_color_requested)

    def scope(self) -> ItemQuery:
        """The view without tag and search filters: the tags the selector offers."""
        kind, key = self.current_view()
        return ItemQuery(collection=key if kind == COLLECTION else None, unfiled=kind == UNFILED, trash=kind == TRASH)

    def refresh(self) -> None:
        self._soon.stop()
        self._last_refresh = time.monotonic()
        scope, library = self.scope(), self.library

        def read() -> TagsLoaded:
            colors = library.tag_colors()
            # Coloured tags are few (a palette of nine): their items, for the dots in the table.
            members = {name: set(library.keys(ItemQuery(tags=[name])))
                       | set(library.keys(ItemQuery(tags=[name], trash=True))) for name in colors}
            return library.tag_counts(scope), colors, members, selector_topic_names(library.tagger)
        self.reads.run(read, self.on_tags_loaded, name="tags")

    def on_tags_changed(self) -> None:
        self.refresh()

    def refresh_soon(self) -> None:
        """After items changed: at once, then at most once a second while the changes keep coming (a
        batch saving 200 items would otherwise re-read and repaint the tag selector 20 times)."""
        if self._soon.isActive():
            return
        wait_ms = TAG_REFRESH_MS - (time.monotonic() - self._last_refresh) * 1000
        if wait_ms <= 0:
            self.refresh()
        else:
            self._soon.start(int(wait_ms))

    def on_tags_loaded(self, loaded: TagsLoaded) -> None:
        rows, colors, members, topics = loaded
        self.selector.set_tags(rows, colors, topics)
        self.item_model.set_tag_colors(colors, members)

    # -- tag tools -----------------------------------------------------------------------------
    def on_rename_tag_requested(self, name: str) -> None:
        new, ok = QInputDialog.getText(self.dialog_parent, "Rename Tag",
                                       "New name (an existing tag's name merges the two):", text=name)
        if ok and new.strip():
            run_action(self.writes, lambda: tag_actions.rename_tag(self.library, name, new))

    def on_delete_tag_requested(self, name: str) -> None:
        answer = QMessageBox.question(self.dialog_parent, "Delete Tag", f"Remove the tag “{name}” from every item?")
        if answer == QMessageBox.StandardButton.Yes:
            run_action(self.writes, lambda: tag_actions.delete_tag(self.library, name))

    def on_tag_color_requested(self, name: str, color: object) -> None:
        """*color* "#rrggbb", None to remove it, or "" to pick any colour in a dialog."""
        if color == "":
            picked = QColorDialog.getColor(QColor("#2ea8e5"), self.dialog_parent, f"Colour for “{name}”")
            if not picked.isValid():
                return
            color = picked.name()
        chosen = str(color) if color else None
        run_action(self.writes, lambda: tag_actions.set_tag_color(self.library, name, chosen))
