"""The library window: collections and tags on the left, the item table in the centre, the item pane
on the right, jobs at the bottom. Reads for side panes and every write run off the GUI thread."""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QMimeData, QModelIndex, QPoint, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QColor, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from senref.core.library import Collection, Library
from senref.core.model import MANUAL, Creator, Item
from senref.core.schema import IDENTIFIER_FIELDS
from senref.core.settings import Settings, load_settings, save_settings
from senref.gui import clipboard
from senref.gui.dialogs.about import show_about
from senref.gui.dialogs.add_identifier import AddIdentifierDialog
from senref.gui.dialogs.error import error_box
from senref.gui.dialogs.export_dialog import ExportDialog
from senref.gui.dialogs.import_files import ImportFilesDialog
from senref.gui.dialogs.settings_dialog import SettingsDialog
from senref.gui.drops import DropPayload
from senref.gui.gui_settings import window_settings
from senref.gui.jobs_library import (
    FetchTexts,
    add_identifiers_job,
    bibliography_texts,
    export_job,
    import_files_job,
    retry_add_job,
)
from senref.gui.library_signals import LibrarySignals
from senref.gui.models.collection_tree import (
    COLLECTION,
    COLLECTION_KEY_ROLE,
    KIND_ROLE,
    LIBRARY,
    TRASH,
    UNFILED,
    CollectionTreeModel,
)
from senref.gui.models.item_table import COLUMNS, PAGE_SIZE, ItemTableModel
from senref.gui.sync_panel import SyncPanel
from senref.gui.sync_service import SyncService
from senref.gui.undo import RemoveFromCollectionCommand, RestoreCommand, TrashCommand
from senref.gui.views.collection_tree_view import CollectionTreeView
from senref.gui.views.item_pane import ItemPane
from senref.gui.views.item_table_view import ItemTableView
from senref.gui.views.jobs_panel import JobsPanel
from senref.gui.views.tag_selector import TagSelector
from senref.gui.views.welcome import WelcomeView
from senref.gui.workers.jobs import FAILED, Job, JobManager
from senref.gui.workers.tasks import TaskRunner
from senref.paths import get_paths
from senref.storage.queries import ItemQuery

SEARCH_DELAY_MS = 200  # typing pauses shorter than this do not re-query
REFRESH_DELAY_MS = 100  # a burst of saves (a batch) refreshes the table once per interval
#: How often the window asks whether another process (the CLI, a sync) changed the library.
EXTERNAL_CHECK_MS = 2000
#: Citation styles offered by Copy Bibliography: (senref.formats.cite style name, menu label).
BIBLIOGRAPHY_STYLES = (("apa", "APA"), ("vancouver", "Vancouver"), ("nature", "Nature"))
#: Tag colours offered in the tag selector, Zotero's palette.
TAG_COLORS = (("Red", "#ff6666"), ("Orange", "#ff8c19"), ("Green", "#5fb236"), ("Blue", "#2ea8e5"),
              ("Purple", "#a28ae5"), ("Magenta", "#e56eee"), ("Yellow", "#ffd400"), ("Teal", "#009980"),
              ("Grey", "#aaaaaa"))


class MainWindow(QMainWindow):
    """One library in one window."""

    library_switch_requested = Signal(object, bool)  # folder, demo
    bibliography_copied = Signal(str)  # the plain-text bibliography just put on the clipboard
    external_change_seen = Signal(int)  # the library version another process wrote

    def __init__(self, library: Library, *, settings: Settings | None = None, demo: bool = False) -> None:
        super().__init__()
        self.library = library
        self.settings = settings or load_settings()
        self.demo = demo
        self.library_name = "Demo Library" if demo else library.folder.name
        self.setWindowTitle(f"senref — {self.library_name}")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.error_boxes: list[QMessageBox] = []
        self.collections: list[Collection] = []
        self.tag_filter: tuple[list[str], str] = ([], "and")
        self._closed = False
        self._changed_keys: set[str] = set()
        #: the batch fetcher (senref.sources.add.add_texts unless replaced, e.g. by tests)
        self.fetch_texts: FetchTexts | None = None
        #: open non-modal dialogs (import confirmations, exports): kept so their counts can be cancelled
        self.dialogs: list[Any] = []
        self.bibliography_style = "apa"
        #: the library version the views show; a higher one on disk means another process wrote
        self.seen_version = library.library_version()

        self.signals = LibrarySignals(library, self)
        self.reads = TaskRunner(2, self)
        self.writes = TaskRunner(1, self)  # one thread: edits apply in the order they were made
        job_pool = QThreadPool(self)
        job_pool.setMaxThreadCount(4)
        self.jobs = JobManager(job_pool, self)
        self.undo_stack = QUndoStack(self)

        self._build_widgets()
        self._build_actions()
        self._connect()
        self._restore_state()
        self.refresh_collections()
        self.refresh_tags()
        self._update_welcome()
        self._update_count()
        QTimer.singleShot(0, self.select_first_row)

    # -- construction --------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.collection_model = CollectionTreeModel("My Library", self)
        self.collection_view = CollectionTreeView(self)
        self.collection_view.setModel(self.collection_model)
        self.collection_view.expandAll()
        self.collection_view.setCurrentIndex(self.collection_model.library_index())
        self.tag_selector = TagSelector(self)
        self.left = QSplitter(Qt.Orientation.Vertical, self)
        self.left.setObjectName("leftSplitter")
        self.left.addWidget(self.collection_view)
        self.left.addWidget(self.tag_selector)
        self.left.setSizes([330, 350])  # the tag selector lists ~30 topic tags; the tree a dozen rows

        self.item_model = ItemTableModel(self.library, self)
        self.table = ItemTableView(self)
        self.table.setModel(self.item_model)
        self.table.horizontalHeader().setSortIndicator(self.item_model.sort_column(), Qt.SortOrder.AscendingOrder)
        self.welcome = WelcomeView(self)
        self.centre = QStackedWidget(self)
        self.centre.addWidget(self.table)
        self.centre.addWidget(self.welcome)

        self.pane = ItemPane(self)
        self.pane.path_of = self.library.attachment_path
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.centre)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 720, 460])  # the pane wide enough for all seven tabs
        self.setCentralWidget(self.splitter)

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("quickSearch")
        self.search_box.setPlaceholderText("Search titles, creators, abstracts, identifiers (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(420)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)

        self.jobs_panel = JobsPanel(self.jobs, self)
        self.jobs_dock = QDockWidget("Jobs", self)
        self.jobs_dock.setObjectName("jobsDock")
        self.jobs_dock.setWidget(self.jobs_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_dock)
        self.jobs_dock.hide()

        self.sync_service = SyncService(self.library, parent=self)
        self.sync_panel = SyncPanel(self.sync_service, self)
        self.sync_dock = QDockWidget("Sync", self)
        self.sync_dock.setObjectName("syncDock")
        self.sync_dock.setWidget(self.sync_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.sync_dock)
        self.sync_dock.hide()
        self.external_timer = QTimer(self)
        self.external_timer.setInterval(EXTERNAL_CHECK_MS)

        self.count_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.count_label)

    def _action(self, text: str, slot: Any, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.add_action = self._action("Add by Identifier…", self.on_add_identifier_triggered, "Ctrl+Shift+N",
                                       "Add items by DOI, HAL id, PMID, arXiv id or pasted text")
        # Ctrl+Shift+C is Copy Bibliography, as in Zotero.
        self.new_collection_action = self._action("New Collection…", self.on_new_collection_triggered)
        self.import_action = self._action("Import…", self.on_import_triggered, "Ctrl+Shift+I",
                                          "Import BibTeX, RIS, CSL-JSON, Zotero RDF or PubMed XML files")
        self.export_action = self._action("Export Library…", self.on_export_library_triggered, None,
                                          "Export the whole library as Zotero RDF, CSL-JSON, BibTeX, RIS…")
        self.copy_bibliography_action = self._action(
            "Copy Bibliography", self.on_copy_bibliography_triggered, "Ctrl+Shift+C",
            "Copy the selected items as a formatted bibliography (plain text and HTML)")
        self.style_group = QActionGroup(self)
        self.style_actions: dict[str, QAction] = {}
        for style, label in BIBLIOGRAPHY_STYLES:
            action = QAction(label, self.style_group)
            action.setCheckable(True)
            action.setChecked(style == self.bibliography_style)
            action.triggered.connect(functools.partial(self.on_bibliography_style_chosen, style))
            self.style_actions[style] = action
        self.settings_action = self._action("Settings…", self.on_settings_triggered, QKeySequence.StandardKey.Preferences)
        self.quit_action = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.trash_action = self._action("Move to Trash", self.on_trash_triggered, None,
                                         "Move the selected items to the Trash (undoable)")
        self.restore_action = self._action("Restore to Library", self.on_restore_triggered)
        self.empty_trash_action = self._action("Empty Trash…", self.on_empty_trash_triggered)
        self.paste_action = self._action("Paste Identifiers", self.on_paste_triggered)
        self.copy_action = self._action("Copy Citation", self.on_copy_triggered, QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.copy_action)
        self.search_action = self._action("Quick Search", self.on_search_focus_triggered, QKeySequence.StandardKey.Find)
        self.jobs_action = self.jobs_dock.toggleViewAction()
        self.jobs_action.setShortcut(QKeySequence("Ctrl+J"))
        self.about_action = self._action("About senref", self.on_about_triggered)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.add_action, self.new_collection_action])
        file_menu.addSeparator()
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addActions([self.settings_action, self.quit_action])
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.copy_action, self.copy_bibliography_action])
        style_menu = edit_menu.addMenu("Bibliography Style")
        style_menu.addActions(self.style_group.actions())
        edit_menu.addActions([self.paste_action, self.trash_action, self.search_action])
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.jobs_action)
        self.sync_action = self.sync_dock.toggleViewAction()
        view_menu.addAction(self.sync_action)
        self.columns_menu = view_menu.addMenu("Columns")
        self.columns_menu.aboutToShow.connect(self.on_columns_menu_about_to_show)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.new_collection_action)
        toolbar.addAction(self.add_action)
        toolbar.addSeparator()
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search_box)
        self.addToolBar(toolbar)

    def _connect(self) -> None:
        self.signals.items_changed.connect(self.on_items_changed)
        self.signals.items_removed.connect(self.on_items_changed)
        self.signals.collections_changed.connect(self.on_collections_changed)
        self.signals.tags_changed.connect(self.on_tags_changed)
        self.collection_view.selectionModel().currentChanged.connect(self.on_collection_current_changed)
        self.collection_view.payload_dropped.connect(self.on_payload_dropped)
        self.collection_view.customContextMenuRequested.connect(self.on_collection_menu_requested)
        self.tag_selector.filter_changed.connect(self.on_tag_filter_changed)
        self.tag_selector.rename_requested.connect(self.on_rename_tag_requested)
        self.tag_selector.delete_requested.connect(self.on_delete_tag_requested)
        self.tag_selector.color_requested.connect(self.on_tag_color_requested)
        self.tag_selector.color_palette = TAG_COLORS
        self.external_timer.timeout.connect(self.on_external_timer)
        self.external_timer.start()
        self.table.selectionModel().selectionChanged.connect(self.on_table_selection_changed)
        self.table.payload_dropped.connect(lambda payload: self.on_payload_dropped(payload, self._drop_collection()))
        self.table.paste_requested.connect(self.on_paste_triggered)
        self.table.delete_requested.connect(self.on_trash_triggered)
        self.table.customContextMenuRequested.connect(self.on_table_menu_requested)
        self.table.horizontalHeader().customContextMenuRequested.connect(self.on_header_menu_requested)
        self.item_model.modelReset.connect(self._update_count)
        self.search_box.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_box.returnPressed.connect(self.apply_search_now)
        self.search_timer.timeout.connect(self.apply_query)
        self.refresh_timer.timeout.connect(self.on_refresh_timeout)
        self.welcome.demo_requested.connect(self.on_demo_requested)
        self.welcome.add_requested.connect(self.on_add_identifier_triggered)
        self.jobs.activity_changed.connect(self.on_activity_changed)
        self.jobs.job_finished.connect(self.on_job_finished)
        self.reads.failed.connect(self.show_error_details)
        self.writes.failed.connect(self.show_error_details)
        pane = self.pane
        pane.field_edited.connect(self.on_field_edited)
        pane.type_changed.connect(self.on_type_changed)
        pane.creators_edited.connect(self.on_creators_edited)
        pane.tag_added.connect(lambda key, name: self.write(lambda: self.library.add_tags(key, [name])))
        pane.tag_accepted.connect(lambda key, name: self.write(lambda: self.library.add_tags(key, [name], MANUAL)))
        pane.tag_removed.connect(lambda key, name: self.write(lambda: self.library.remove_tags(key, [name])))
        pane.note_added.connect(lambda key, text: self.write(
            lambda: self.library.add_note(key, "<p>" + html.escape(text).replace("\n", "<br>") + "</p>")))

    # -- state ---------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        store = window_settings()
        geometry = store.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(min(1360, screen.width()), min(860, screen.height()))
        state = store.value("window/state")
        if state is not None:
            self.restoreState(state)
        for splitter in (self.splitter, self.left):
            saved = store.value(f"splitters/{splitter.objectName()}")
            if saved is not None:
                splitter.restoreState(saved)
        header = store.value("table/header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    def save_state(self) -> None:
        store = window_settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())
        for splitter in (self.splitter, self.left):
            store.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
        store.setValue("table/header", self.table.horizontalHeader().saveState())
        store.sync()

    # -- queries -------------------------------------------------------------------------------
    def current_view(self) -> tuple[str, str | None]:
        index = self.collection_view.currentIndex()
        if not index.isValid():
            return LIBRARY, None
        return str(index.data(KIND_ROLE)), index.data(COLLECTION_KEY_ROLE)

    def build_query(self) -> ItemQuery:
        kind, key = self.current_view()
        tags, mode = self.tag_filter
        return ItemQuery(collection=key if kind == COLLECTION else None, recursive=False,
                         unfiled=kind == UNFILED, trash=kind == TRASH, tags=list(tags), tag_mode=mode,
                         search=self.search_box.text())

    def apply_query(self) -> None:
        """Filter the table: the count and first page are read off the GUI thread (a full-text match on
        100,000 items takes longer than a frame), then swapped in at once."""
        self.search_timer.stop()
        query, library = self.item_model.with_sort(self.build_query()), self.library
        self.reads.run(lambda: (query, library.count(query), library.query(query, 0, PAGE_SIZE)),
                       self.on_query_loaded, name="query")

    def select_first_row(self) -> None:
        """Start with an item shown in the pane, as Zotero does, once the table has rows."""
        if self.item_model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def on_query_loaded(self, loaded: tuple[ItemQuery, int, list[Any]]) -> None:
        query, count, page = loaded
        first_page: list[Any] | None = page
        if query.sort != self.item_model.query.sort or query.descending != self.item_model.query.descending:
            first_page = None  # the user re-sorted meanwhile: the page is in the old order
        keys, current = self.table.selected_keys(), self.table.current_key()
        self.item_model.set_query(query, count, first_page)
        if keys:
            self.table.select_keys(keys, current)
        self._update_welcome()
        self._show_current_item()

    def apply_search_now(self) -> None:
        self.apply_query()

    def _tag_scope(self) -> ItemQuery:
        """The view without tag and search filters: the tags the selector offers."""
        kind, key = self.current_view()
        return ItemQuery(collection=key if kind == COLLECTION else None, unfiled=kind == UNFILED, trash=kind == TRASH)

    def refresh_tags(self) -> None:
        scope, library = self._tag_scope(), self.library

        def read() -> tuple[list[tuple[str, int, int]], dict[str, str], dict[str, set[str]]]:
            colors = library.tag_colors()
            # Coloured tags are few (a palette of nine): their items, for the dots in the table.
            members = {name: set(library.keys(ItemQuery(tags=[name])))
                       | set(library.keys(ItemQuery(tags=[name], trash=True))) for name in colors}
            return library.tag_counts(scope), colors, members
        self.reads.run(read, self.on_tags_loaded, name="tags")

    def on_tags_loaded(self, loaded: tuple[list[tuple[str, int, int]], dict[str, str], dict[str, set[str]]]) -> None:
        rows, colors, members = loaded
        self.tag_selector.set_tags(rows, colors)
        self.item_model.set_tag_colors(colors, members)

    def refresh_collections(self) -> None:
        self.reads.run(self.library.list_collections, self.on_collections_loaded, name="collections")

    def on_collections_loaded(self, collections: list[Collection]) -> None:
        self.collections = collections
        kind, key = self.current_view()
        view = self.collection_view
        expanded = self.collection_model.expanded_keys(view.isExpanded)
        first_load = not self.collection_model.rowCount(self.collection_model.library_index()) > 2
        view.selectionModel().blockSignals(True)
        try:
            self.collection_model.set_collections(collections)
            view.expand(self.collection_model.library_index())
            for col in collections:
                if first_load or col.key in expanded:
                    view.expand(self.collection_model.find(COLLECTION, col.key))
            target = self.collection_model.find(kind, key)
            view.setCurrentIndex(target if target.isValid() else self.collection_model.library_index())
        finally:
            view.selectionModel().blockSignals(False)
        if not self.collection_model.find(kind, key).isValid():  # the viewed collection was deleted
            self.apply_query()

    # -- library events ------------------------------------------------------------------------
    def on_items_changed(self, keys: list[str]) -> None:
        self._changed_keys.update(keys)
        if not self.refresh_timer.isActive():
            self.refresh_timer.start()

    def on_refresh_timeout(self) -> None:
        keys, current = self.table.selected_keys(), self.table.current_key()
        before = self.item_model.rowCount()
        self.item_model.refresh()
        if keys and self.item_model.rowCount() != before:
            self.table.select_keys(keys, current)
        self._update_welcome()
        self._update_count()
        # Re-read the pane only when its item changed: a batch saving other items must not rebuild it.
        changed, self._changed_keys = self._changed_keys, set()
        shown = self.pane.item.key if self.pane.item is not None else None
        if shown is None or shown in changed or shown not in self.table.selected_keys():
            self._show_current_item()
        self.refresh_tags()

    def on_collections_changed(self) -> None:
        self.refresh_collections()

    def on_tags_changed(self) -> None:
        self.refresh_tags()
        self.on_items_changed([self.pane.item.key] if self.pane.item is not None else [])

    # -- views ---------------------------------------------------------------------------------
    def on_collection_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.apply_query()
        self.refresh_tags()

    def on_tag_filter_changed(self, tags: list[str], mode: str) -> None:
        self.tag_filter = (tags, mode)
        self.apply_query()

    def select_collection(self, kind: str, key: str | None = None) -> None:
        index = self.collection_model.find(kind, key)
        if index.isValid():
            self.collection_view.setCurrentIndex(index)

    def on_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_current_item()

    def _show_current_item(self) -> None:
        keys = self.table.selected_keys()
        key = self.table.current_key() if self.table.current_key() in keys else (keys[0] if keys else None)
        if key is None:
            self.pane.show_item(None)
            return
        try:
            item = self.library.get_item(key)
        except KeyError:
            item = None
        self.pane.show_item(item)

    def _update_welcome(self) -> None:
        kind, _ = self.current_view()
        empty = kind == LIBRARY and not self.search_box.text().strip() and self.library.count() == 0
        self.centre.setCurrentWidget(self.welcome if empty else self.table)

    def _update_count(self) -> None:
        n = self.item_model.rowCount()
        self.count_label.setText(f"{n:,} item{'s' if n != 1 else ''}")

    # -- writes --------------------------------------------------------------------------------
    def write(self, fn: Any) -> None:
        """Run a library write on the write thread; the change events refresh the views."""
        self.writes.run(fn)

    def _edit(self, key: str, change: Any) -> None:
        self.write(lambda: self.library.edit_items([key], change))

    def on_field_edited(self, key: str, name: str, value: str) -> None:
        scheme = next((s for s, f in IDENTIFIER_FIELDS.items() if f == name), None)

        def change(item: Item) -> bool:
            if scheme:
                if not value:
                    return item.identifiers.pop(scheme, None) is not None
                return item.set_identifier(scheme, value)
            if item.fields.get(name, "") == value:
                return False
            if value:
                item.fields[name] = value
            else:
                item.fields.pop(name, None)
            item.provenance[name] = "user"
            return True
        self._edit(key, change)

    def on_type_changed(self, key: str, item_type: str) -> None:
        def change(item: Item) -> bool:
            item.item_type = item_type
            return True
        self._edit(key, change)

    def on_creators_edited(self, key: str, creators: list[Creator]) -> None:
        def change(item: Item) -> bool:
            item.creators = list(creators)
            item.provenance["creators"] = "user"
            return True
        self._edit(key, change)

    def file_items(self, collection: str, keys: list[str]) -> None:
        self.write(lambda: self.library.add_to_collection(collection, keys))

    def on_trash_triggered(self) -> None:
        keys = self.table.selected_keys()
        if not keys:
            return
        kind, _ = self.current_view()
        if kind == TRASH:
            return  # already in the Trash: Restore or Empty Trash from the context menu
        self.undo_stack.push(TrashCommand(self.write, self.library, keys))
        self.statusBar().showMessage(f"Moved {len(keys)} item{'s' if len(keys) != 1 else ''} to the Trash "
                                     "(Ctrl+Z to undo)", 6000)

    def on_restore_triggered(self) -> None:
        keys = self.table.selected_keys()
        if keys:
            self.undo_stack.push(RestoreCommand(self.write, self.library, keys))

    def on_empty_trash_triggered(self) -> None:
        answer = QMessageBox.question(self, "Empty Trash", "Delete the items in the Trash for good? "
                                      "Their stored files are deleted too. This cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            self.write(self.library.empty_trash)

    # -- adding --------------------------------------------------------------------------------
    def _drop_collection(self) -> str | None:
        kind, key = self.current_view()
        if kind == COLLECTION:
            return key
        default = self.settings.default_collection
        return default if default and any(c.key == default for c in self.collections) else None

    def on_payload_dropped(self, payload: DropPayload, collection: str | None) -> None:
        if payload.item_keys:
            if collection:
                self.file_items(collection, payload.item_keys)
            return
        if payload.texts or payload.pdfs:
            self.start_add(payload.texts, collection, pdfs=payload.pdfs)
        if payload.record_files:
            self.confirm_import(payload.record_files, collection)
        if payload.unsupported:
            names = ", ".join(p.name for p in payload.unsupported)
            self.show_error("Cannot add these files", f"senref reads PDFs and bibliography files "
                            f"(.bib, .ris, .json, .rdf); it cannot add: {names}")

    def start_add(self, texts: list[str], collection: str | None, pdfs: list[Path] | None = None) -> Job:
        inputs = [*texts, *(p.name for p in pdfs or [])]
        first = inputs[0].strip().splitlines()[0][:60] if inputs else ""
        title = f"Add {first}" if len(inputs) == 1 and "\n" not in inputs[0].strip() else f"Add {len(inputs)} entries"
        fn = add_identifiers_job(self.library, texts, collection=collection, settings=self.settings, pdfs=pdfs,
                                 fetch=self.fetch_texts)
        retry = retry_add_job(self.library, collection=collection, settings=self.settings, fetch=self.fetch_texts)
        self.statusBar().showMessage(f"{title}…", 4000)
        return self.jobs.submit(title, fn, retry)

    def start_import(self, paths: list[Path], collection: str | None) -> Job:
        names = ", ".join(p.name for p in paths)
        self.statusBar().showMessage(f"Importing {names}…", 4000)
        return self.jobs.submit(f"Import {names}", import_files_job(self.library, paths, collection=collection,
                                                                    max_import_mb=self.settings.max_import_mb))

    def confirm_import(self, paths: list[Path], collection: str | None) -> ImportFilesDialog:
        """Show what the files hold and where they go; the import starts when the user confirms."""
        dialog = ImportFilesDialog(paths, self.collections, collection, self.reads.pool, self)
        dialog.import_confirmed.connect(self.on_import_confirmed)
        self._keep_dialog(dialog)
        dialog.open()
        return dialog

    def on_import_confirmed(self, paths: list[Path], collection: str | None) -> None:
        self.start_import(paths, collection)

    def _keep_dialog(self, dialog: Any) -> None:
        self.dialogs = [d for d in self.dialogs if d.isVisible()]
        self.dialogs.append(dialog)

    def on_import_triggered(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Import", str(Path.home()),
            "Bibliography files (*.bib *.bibtex *.ris *.json *.rdf *.xml *.nbib *.txt);;All files (*)")
        if names:
            self.confirm_import([Path(n) for n in names], self._drop_collection())

    # -- export and bibliography ---------------------------------------------------------------
    def on_export_library_triggered(self) -> None:
        self.open_export(None, self.library_name)

    def open_export(self, collection: str | None, label: str) -> ExportDialog:
        """The export dialog for the library (*collection* None) or a collection with its subcollections."""
        query = ItemQuery(collection=collection, recursive=collection is not None)
        scope = "Library" if collection is None else f"Collection “{label}”"
        dialog = ExportDialog(scope, self.library.count(query), Path.home(), _file_name(label), self)
        dialog.accepted.connect(lambda: self.start_export(query, dialog.format_name(), dialog.target(),
                                                          with_files=dialog.with_files()))
        self._keep_dialog(dialog)
        dialog.open()
        return dialog

    def start_export(self, query: ItemQuery, format_name: str, target: Path, *, with_files: bool) -> Job:
        fn = export_job(self.library, format_name, target, query, with_files=with_files)
        return self.jobs.submit(f"Export to {target.name}", fn)

    def on_bibliography_style_chosen(self, style: str) -> None:
        self.bibliography_style = style

    def on_copy_bibliography_triggered(self) -> None:
        keys = self.table.selected_keys()
        if not keys:
            self.statusBar().showMessage("Select the items to cite first", 4000)
            return
        library, style = self.library, self.bibliography_style
        self.reads.run(lambda: bibliography_texts(library, keys, style), self.on_bibliography_formatted,
                       name="bibliography")

    def on_bibliography_formatted(self, texts: tuple[str, str]) -> None:
        plain, rich = texts
        mime = QMimeData()
        mime.setText(plain)
        mime.setHtml(rich)  # word processors paste the italics and links
        clipboard.put(mime)
        label = dict(BIBLIOGRAPHY_STYLES)[self.bibliography_style]
        entries = plain.count("\n")
        self.statusBar().showMessage(f"Copied {entries} reference{'s' if entries != 1 else ''} ({label})", 4000)
        self.bibliography_copied.emit(plain)

    # -- tags ----------------------------------------------------------------------------------
    def on_rename_tag_requested(self, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename Tag", "New name (an existing tag's name merges the two):",
                                       text=name)
        new = new.strip()
        if ok and new and new != name:
            self.write(lambda: self.library.rename_tag(name, new))

    def on_delete_tag_requested(self, name: str) -> None:
        answer = QMessageBox.question(self, "Delete Tag", f"Remove the tag “{name}” from every item?")
        if answer == QMessageBox.StandardButton.Yes:
            self.write(lambda: self.library.delete_tag(name))

    def on_tag_color_requested(self, name: str, color: object) -> None:
        """*color* "#rrggbb", None to remove it, or "" to pick any colour in a dialog."""
        if color == "":
            picked = QColorDialog.getColor(QColor("#2ea8e5"), self, f"Colour for “{name}”")
            if not picked.isValid():
                return
            color = picked.name()
        chosen = str(color) if color else None
        self.write(lambda: self.library.set_tag_color(name, chosen))

    # -- changes by other processes ------------------------------------------------------------
    def on_external_timer(self) -> None:
        if self._closed or not self.reads.is_idle():
            return  # a read in flight will see the change anyway; ask again next tick
        self.reads.run(self.library.library_version, self.on_version_read, name="version")

    def on_version_read(self, version: int) -> None:
        if version == self.seen_version or self._closed:
            return
        self.seen_version = version
        self.external_change_seen.emit(version)
        # Our own writes move the version too; re-reading then costs one page and is harmless.
        self.refresh_collections()
        self.on_items_changed([])

    def on_add_identifier_triggered(self) -> None:
        kind, key = self.current_view()
        dialog = AddIdentifierDialog(self.collections, key if kind == COLLECTION else None, self)
        if dialog.exec() == AddIdentifierDialog.DialogCode.Accepted and dialog.entered_text():
            self.start_add([dialog.entered_text()], dialog.collection_key())

    def on_paste_triggered(self) -> None:
        payload = self.table.clipboard_payload()
        if payload.empty:
            self.statusBar().showMessage("Nothing to paste: copy a DOI, a HAL id or a citation first", 5000)
            return
        self.on_payload_dropped(payload, self._drop_collection())

    def on_job_finished(self, job: Job) -> None:
        if job.state == FAILED:
            self.show_error(f"{job.title} failed", job.summary, job.details)
        else:
            self.statusBar().showMessage(f"{job.title}: {job.summary}", 8000)
        if job.state == FAILED or any(line.startswith(("failed", "problem")) or "no PDF:" in line
                                      for line in job.lines):
            self.jobs_dock.show()

    def on_activity_changed(self, active: int, done: int, total: int) -> None:
        self.progress.setVisible(active > 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"{done}/{total}")
        else:
            self.progress.setRange(0, 0)  # busy indicator until a job reports its size

    # -- collections ---------------------------------------------------------------------------
    def on_new_collection_triggered(self, parent_key: str | None = None) -> None:
        name, ok = QInputDialog.getText(self, "New Collection", "Name:")
        if ok and name.strip():
            parent = parent_key if isinstance(parent_key, str) else None
            self.write(lambda: self.library.create_collection(name.strip(), parent))

    def on_collection_menu_requested(self, pos: QPoint) -> None:
        index = self.collection_view.indexAt(pos)
        kind, key = index.data(KIND_ROLE), index.data(COLLECTION_KEY_ROLE)
        menu = QMenu(self)
        if kind in (LIBRARY, None):
            menu.addAction(self.new_collection_action)
            menu.addAction(self.export_action)
        elif kind == COLLECTION:
            menu.addAction("New Subcollection…", lambda: self.on_new_collection_triggered(key))
            menu.addAction("Rename Collection…", lambda: self.on_rename_collection(key, str(index.data())))
            menu.addAction("Delete Collection…", lambda: self.on_delete_collection(key, str(index.data())))
            menu.addSeparator()
            menu.addAction("Export Collection…", lambda: self.open_export(key, str(index.data())))
        elif kind == TRASH:
            menu.addAction(self.empty_trash_action)
        menu.popup(self.collection_view.viewport().mapToGlobal(pos))

    def on_rename_collection(self, key: str, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename Collection", "Name:", text=name)
        if ok and new.strip():
            self.write(lambda: self.library.rename_collection(key, new.strip()))

    def on_delete_collection(self, key: str, name: str) -> None:
        answer = QMessageBox.question(self, "Delete Collection", f"Delete the collection “{name}” and its "
                                      "subcollections? The items stay in My Library.")
        if answer == QMessageBox.StandardButton.Yes:
            self.write(lambda: self.library.delete_collection(key))

    # -- menus ---------------------------------------------------------------------------------
    def on_table_menu_requested(self, pos: QPoint) -> None:
        keys = self.table.selected_keys()
        menu = QMenu(self)
        kind, key = self.current_view()
        if keys:
            if kind == TRASH:
                menu.addAction(self.restore_action)
            else:
                add_to = menu.addMenu("Add to Collection")
                for col in sorted(self.collections, key=lambda c: c.name.casefold()):
                    add_to.addAction(col.name, functools.partial(self.file_items, col.key, keys))
                if kind == COLLECTION and key:
                    menu.addAction("Remove from Collection", lambda: self.undo_stack.push(
                        RemoveFromCollectionCommand(self.write, self.library, key, keys)))
                menu.addAction(self.trash_action)
            menu.addAction(self.copy_action)
            menu.addAction(self.copy_bibliography_action)
        menu.addAction(self.paste_action)
        if kind == TRASH:
            menu.addAction(self.empty_trash_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def on_header_menu_requested(self, pos: QPoint) -> None:
        menu = QMenu(self)
        self._fill_columns_menu(menu)
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def on_columns_menu_about_to_show(self) -> None:
        self._fill_columns_menu(self.columns_menu)

    def _fill_columns_menu(self, menu: QMenu) -> None:
        menu.clear()
        header = self.table.horizontalHeader()
        for column, (title, _, _) in enumerate(COLUMNS):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)  # the title column always stays
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))

    def on_copy_triggered(self) -> None:
        mime = self.item_model.mimeData([self.item_model.index(r, 0) for r in
                                         sorted(i.row() for i in self.table.selectionModel().selectedRows())])
        clipboard.put(mime)

    def on_search_focus_triggered(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def on_about_triggered(self) -> None:
        show_about(self, str(self.library.folder))

    def on_settings_triggered(self) -> None:
        dialog = SettingsDialog(self.settings, self.collections, str(self.library.folder), self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            dialog.apply_to(self.settings, str(self.library.folder))
            settings = self.settings
            self.write(lambda: save_settings(settings))

    def on_demo_requested(self) -> None:
        paths = get_paths()

        def build() -> Path:
            from senref.demo import ensure_demo_library

            return ensure_demo_library(paths)
        self.statusBar().showMessage("Preparing the demo library…")
        self.reads.run(build, lambda folder: self.library_switch_requested.emit(folder, True))

    # -- errors --------------------------------------------------------------------------------
    def show_error(self, title: str, message: str, details: str = "") -> None:
        self.error_boxes = [box for box in self.error_boxes if box.isVisible()]
        self.error_boxes.append(error_box(self, title, message, details))

    def show_error_details(self, message: str, details: str) -> None:
        self.show_error("senref could not do that", message, details)

    # -- window-level drops and shutdown -------------------------------------------------------
    def dragEnterEvent(self, event: Any) -> None:
        self.table.dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:
        self.table.dragMoveEvent(event)

    def dropEvent(self, event: Any) -> None:
        self.table.dropEvent(event)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel jobs, let running steps finish, then close the library (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.search_timer.stop()
        self.refresh_timer.stop()
        self.external_timer.stop()
        for dialog in self.dialogs:
            worker = getattr(dialog, "worker", None)
            if worker is not None:
                worker.cancel()  # an import dialog still counting entries
        self.jobs.cancel_all()
        self.sync_service.shutdown(timeout_ms)
        for pool in (self.jobs.pool, self.reads.pool, self.writes.pool):
            pool.waitForDone(timeout_ms)
        self.signals.disconnect_library()
        self.pane.preview.document.close()
        QApplication.processEvents()  # deliver the last queued results before the library goes
        self.library.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.shutdown()
        super().closeEvent(event)


def _file_name(label: str) -> str:
    """A file name from a library or collection name: no separators or characters file systems refuse.

    >>> _file_name("TIS / Radiation: 2024")
    'TIS - Radiation- 2024'
    """
    cleaned = " ".join("".join("-" if ch in '/\\:*?"<>|' else ch for ch in label).split())
    return cleaned.strip(" .") or "export"
