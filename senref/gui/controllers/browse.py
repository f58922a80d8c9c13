"""What the item table shows: the current view, tag filter and search as one query read off the GUI thread,
re-read (debounced) after library changes, with the item pane following the selection."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QStackedWidget, QWidget

from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.gui.controllers.collections import CurrentView
from senref.gui.models.collection_tree import COLLECTION, LIBRARY, TRASH, UNFILED
from senref.gui.models.item_table import PAGE_SIZE, ItemTableModel, page_reader
from senref.gui.read_interrupt import SupersededReads
from senref.gui.views.item_pane import ItemPane
from senref.gui.views.item_table_view import ItemTableView
from senref.gui.workers.tasks import TaskRunner

SEARCH_DELAY_MS = 200  # typing pauses shorter than this do not re-query
REFRESH_DELAY_MS = 100  # a burst of saves (a batch) refreshes the table once per interval
STREAM_DELAY_MS = 300  # ... and, when the changes keep coming, a little less often
STREAM_WINDOW_S = 1.0


class BrowseController(QObject):
    """The table's query and its refreshes; the welcome page stands in for an empty library.

    Signals:
        refreshed: the table re-read its rows after library changes (the tag counts follow).
    """

    refreshed = Signal()

    def __init__(self, library: Library, item_model: ItemTableModel, table: ItemTableView, pane: ItemPane, *,
                 search_box: QLineEdit, centre: QStackedWidget, welcome: QWidget, count_label: QLabel,
                 current_view: CurrentView, reads: TaskRunner,
                 subcollection_items: Callable[[], bool] = lambda: False, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.item_model, self.table, self.pane = library, item_model, table, pane
        self.search_box, self.centre, self.welcome, self.count_label = search_box, centre, welcome, count_label
        self.current_view, self.reads = current_view, reads
        #: View > Show Items from Subcollections, read at each query (the collection Export reads it too)
        self.subcollection_items = subcollection_items
        #: items an add just brought in, selected once the table has re-read its rows
        self._to_select: list[str] = []
        #: the tags ticked in the tag selector and "and" / "or"
        self.tag_filter: tuple[list[str], str] = ([], "and")
        self._changed_keys: set[str] = set()
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self._restoring = False
        #: the table's background query: a newer one interrupts the older one's SQL
        self._query_reads = SupersededReads()
        self._last_refresh = 0.0
        self.select_timer = QTimer(self)
        self.select_timer.setSingleShot(True)
        self.select_timer.setInterval(0)
        self.select_timer.timeout.connect(self.select_added)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)
        table.selectionModel().selectionChanged.connect(self.on_table_selection_changed)
        item_model.modelReset.connect(self.update_count)
        search_box.textChanged.connect(lambda _text: self.search_timer.start())
        search_box.returnPressed.connect(self.apply_search_now)
        self.search_timer.timeout.connect(self.apply_query)
        self.refresh_timer.timeout.connect(self.on_refresh_timeout)

    def start(self) -> None:
        """The first screen: welcome or table and the count. The window shows an item in the pane (select_first_row)
        once the table has painted."""
        self.update_welcome()
        self.update_count()

    def stop(self) -> None:
        """No more debounced queries or refreshes (the window is closing)."""
        self.search_timer.stop()
        self.refresh_timer.stop()
        self.select_timer.stop()

    # -- the query -----------------------------------------------------------------------------
    def build_query(self) -> ItemQuery:
        kind, key = self.current_view()
        tags, mode = self.tag_filter
        return ItemQuery(collection=key if kind == COLLECTION else None, recursive=self.subcollection_items(),
                         unfiled=kind == UNFILED, trash=kind == TRASH, tags=list(tags), tag_mode=mode,
                         search=self.search_box.text())

    def apply_query(self) -> None:
        """Filter the table: the count and first page are read off the GUI thread (a full-text match on
        100,000 items takes longer than a frame), then swapped in at once."""
        self.search_timer.stop()
        query, library, read_page = self.item_model.with_sort(self.build_query()), self.library, page_reader(self.library)
        reads = self._query_reads
        ticket = reads.begin()  # interrupts the query still running for an older key

        def read() -> tuple[ItemQuery, int, list[Any]] | None:
            with reads.running(ticket, library.db.conn) as current:
                if not current():
                    return None
                count = library.count(query)
                if not current():
                    return None
                return query, count, read_page(query, 0, PAGE_SIZE)
            return None  # interrupted by a newer query: its answer is the one shown
        self.reads.run(read, self.on_query_loaded, name="query")

    def apply_search_now(self) -> None:
        self.apply_query()

    def on_query_loaded(self, loaded: tuple[ItemQuery, int, list[Any]] | None) -> None:
        if loaded is None:
            return
        query, count, page = loaded
        first_page: list[Any] | None = page
        if query.sort != self.item_model.query.sort or query.descending != self.item_model.query.descending:
            first_page = None  # the user re-sorted meanwhile: the page is in the old order
        keys, current = self.table.selected_keys(), self.table.current_key()
        shown = self.pane.item.key if self.pane.item is not None else None
        # The selection is restored by key; the pane follows once, below, and only if its item changed:
        # rebuilding it costs more than the new rows.
        self._restoring = True
        try:
            self.item_model.set_query(query, count, first_page)
            if keys:
                self.table.select_keys(keys, current)
        finally:
            self._restoring = False
        self.select_added()
        self.update_welcome()
        if self.current_item_key() != shown:
            self.show_current_item()

    def on_search_focus_triggered(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def on_view_changed(self) -> None:
        self.apply_query()

    def on_tag_filter_changed(self, tags: list[str], mode: str) -> None:
        self.tag_filter = (tags, mode)
        self.apply_query()

    def select_first_row(self) -> None:
        """Start with an item shown in the pane, as Zotero does, once the table has rows."""
        if self.item_model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    # -- library changes -----------------------------------------------------------------------
    def on_items_changed(self, keys: list[str]) -> None:
        self._changed_keys.update(keys)
        if not self.refresh_timer.isActive():
            # One change shows at once; a stream of them (a batch saving) repaints a few times a second.
            streaming = time.monotonic() - self._last_refresh < STREAM_WINDOW_S
            self.refresh_timer.start(STREAM_DELAY_MS if streaming else REFRESH_DELAY_MS)

    def on_tags_changed(self) -> None:
        # The pane lists the shown item's tags; a rename or delete elsewhere changes them.
        self.on_items_changed([self.pane.item.key] if self.pane.item is not None else [])

    def on_refresh_timeout(self) -> None:
        self._last_refresh = time.monotonic()
        keys, current = self.table.selected_keys(), self.table.current_key()
        before = self.item_model.rowCount()
        self.item_model.refresh()
        if keys and self.item_model.rowCount() != before:
            # The same rows again after the model's reset: the pane keeps what it shows unless it changed.
            self._restoring = True
            try:
                self.table.select_keys(keys, current)
            finally:
                self._restoring = False
        if self._to_select:
            # Selecting a batch's items and showing the last one is a turn of its own: the
            # table's repaint and the pane's rebuild do not hold the event loop together.
            self.select_timer.start()
        self.update_welcome()
        self.update_count()
        # Re-read the pane only when its item changed: a batch saving other items must not rebuild it.
        changed, self._changed_keys = self._changed_keys, set()
        shown = self.pane.item.key if self.pane.item is not None else None
        selected = self.table.selected_keys()
        if shown is None or shown in changed or shown not in selected or shown != self.table.current_key():
            self.show_current_item()
        self.refreshed.emit()

    def on_job_finished(self, job: Any) -> None:
        """Select what an add brought in, as Zotero does. Duck-typed on the AddReport's outcomes: importing
        senref.actions.add here would load the HTTP stack with the window."""
        outcomes = getattr(job.result, "outcomes", None) or []
        keys = [o.key for o in outcomes if getattr(o, "status", "") in ("added", "merged") and o.key]
        if not keys:
            return
        # The last saves' change events may still be on their way: select after the table re-reads its rows.
        self._to_select = keys
        self.on_items_changed([])

    def select_added(self) -> None:
        keys, self._to_select = self._to_select, []
        if keys and any(self.item_model.row_of(k) is not None for k in keys):
            self.table.select_keys(keys, keys[-1])  # scrolls the last one into view

    # -- what is on show -----------------------------------------------------------------------
    def on_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._restoring:
            self.show_current_item()

    def current_item_key(self) -> str | None:
        """The item the pane should show: the current row if selected, else the first selected."""
        keys = self.table.selected_keys()
        current = self.table.current_key()
        return current if current in keys else (keys[0] if keys else None)

    def show_current_item(self) -> None:
        key = self.current_item_key()
        if key is None:
            self.pane.show_item(None)
            return
        try:
            item = self.library.get_item(key)
        except KeyError:
            item = None
        self.pane.show_item(item)

    def update_welcome(self) -> None:
        kind, _ = self.current_view()
        empty = kind == LIBRARY and not self.search_box.text().strip() and self.library.count() == 0
        self.centre.setCurrentWidget(self.welcome if empty else self.table)

    def update_count(self) -> None:
        n = self.item_model.rowCount()
        self.count_label.setText(f"{n:,} item{'s' if n != 1 else ''}")
