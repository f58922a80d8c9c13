"""The library window: collections and tags on the left, the item table in the centre, the item pane
on the right, jobs at the bottom. It builds the widgets, actions and menus and wires the controllers in
`senref.gui.controllers` together; reads for side panes and every write run off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from senref.core.library import Library
from senref.core.settings import Settings, load_settings, save_settings
from senref.gui import gc_policy, icons
from senref.gui.controllers.browse import BrowseController
from senref.gui.controllers.collections import CollectionsController
from senref.gui.controllers.context_menus import ContextMenus, MenuActions
from senref.gui.controllers.duplicates import DuplicatesController
from senref.gui.controllers.edit import EditController
from senref.gui.controllers.external import ExternalChangesController
from senref.gui.controllers.integrity import IntegrityController
from senref.gui.controllers.jobs_status import JobStatusController
from senref.gui.controllers.sync import SyncController
from senref.gui.controllers.tags import TagsController
from senref.gui.controllers.transfer import TransferController
from senref.gui.controllers.trash import TrashController
from senref.gui.controllers.watch import WatchController
from senref.gui.controllers.zotero import ZoteroController
from senref.gui.dialogs.about import show_about
from senref.gui.dialogs.error import error_box
from senref.gui.dialogs.settings_dialog import SettingsDialog
from senref.gui.drops import DropPayload
from senref.gui.first_paint import AfterFirstPaint
from senref.gui.gui_settings import restore_window_state, save_window_state
from senref.gui.idle_memory import StartupMemoryRelease
from senref.gui.library_signals import LibrarySignals
from senref.gui.models.collection_tree import CollectionTreeModel
from senref.gui.models.item_table import ItemTableModel
from senref.gui.sync_panel import SyncPanel
from senref.gui.sync_service import SyncService
from senref.gui.views.collection_tree_view import CollectionTreeView
from senref.gui.views.duplicates_view import DuplicatesView
from senref.gui.views.item_pane import ItemPane
from senref.gui.views.item_table_view import ItemTableView
from senref.gui.views.jobs_panel import JobsPanel
from senref.gui.views.tag_selector import TagSelector
from senref.gui.views.welcome import WelcomeView
from senref.gui.workers.jobs import JobManager
from senref.gui.workers.tasks import TaskRunner
from senref.paths import get_paths


class MainWindow(QMainWindow):
    """One library in one window.

    Signals:
        library_switch_requested(Path, bool): open this library folder instead (demo: True for the demo).
    """

    library_switch_requested = Signal(object, bool)  # folder, demo

    def __init__(self, library: Library, *, settings: Settings | None = None, demo: bool = False) -> None:
        super().__init__()
        self.library = library
        self._settings = settings or load_settings()
        self.demo = demo
        self.library_name = "Demo Library" if demo else library.folder.name
        # Qt adds the application display name ("… — senref") itself.
        self.setWindowTitle(self.library_name)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.error_boxes: list[QMessageBox] = []
        self._closed = False

        self.signals = LibrarySignals(library, self)
        self.reads = TaskRunner(2, self)
        self.writes = TaskRunner(1, self)  # one thread: edits apply in the order they were made
        job_pool = QThreadPool(self)
        job_pool.setMaxThreadCount(4)
        self.jobs = JobManager(job_pool, self)
        gc_policy.install(self.jobs.busy)  # full garbage collections wait for a quiet moment
        self.undo_stack = QUndoStack(self)

        self._build_widgets()
        self._build_controllers()
        self._build_actions()
        icons.set_action_icons(self, icons.TOOLBAR_ACTIONS)  # the menus' icons after the first paint
        self._build_menus()
        self._connect()
        restore_window_state(self, (self.splitter, self.left), self.table.horizontalHeader())
        self.browse_controller.start()
        # The side panes' reads, the item pane's first item and the menus' icons wait for the table's first paint.
        self.after_first_paint = AfterFirstPaint(self.table.viewport(), [
            self.collection_controller.refresh, self.tag_controller.refresh, self.duplicates_controller.refresh,
            self.browse_controller.select_first_row, lambda: icons.set_action_icons(self)], reads=self.reads, parent=self)
        # Then the page caches those reads filled go back to the system.
        self.startup_memory = StartupMemoryRelease(
            library, self.reads, busy=lambda: not self.writes.is_idle() or self.jobs.busy(), parent=self)

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
        # The Duplicate Items row of the tree shows its view in place of the table (and of the item pane).
        self.duplicates_view = DuplicatesView(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.centre)
        self.pages.addWidget(self.duplicates_view)

        self.pane = ItemPane(self)
        self.pane.path_of = self.library.attachment_path
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(1, 1)
        # The table gets half the window; the pane wide enough for its tabs; at 1200 px Title reads.
        width = max(self.width(), 1200)
        self.splitter.setSizes([max(220, width // 5), width // 2, width * 3 // 10])
        self.setCentralWidget(self.splitter)

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("quickSearch")
        self.search_box.setPlaceholderText("Search titles, creators, abstracts, identifiers (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(420)

        self.jobs_panel = JobsPanel(self.jobs, self)
        self.jobs_dock = self._dock("Jobs", "jobsDock", self.jobs_panel)
        self.sync_service = SyncService(self.library, settings=self._settings, signals=self.signals, parent=self)
        self.sync_panel = SyncPanel(self.sync_service, self)
        self.sync_dock = self._dock("Sync", "syncDock", self.sync_panel)

        self.count_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.count_label)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        """A bottom dock, hidden until the user (or a job that needs attention) opens it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        return dock

    def _build_controllers(self) -> None:
        library, reads, writes, status, undo = self.library, self.reads, self.writes, self.statusBar(), self.undo_stack
        self.collection_controller = CollectionsController(
            library, self.collection_model, self.collection_view, reads=reads, writes=writes, dialog_parent=self,
            parent=self, subtree_counts=lambda: self.settings.show_subcollection_items)
        current_view = self.collection_controller.current_view
        self.browse_controller = BrowseController(
            library, self.item_model, self.table, self.pane, search_box=self.search_box, centre=self.centre,
            welcome=self.welcome, count_label=self.count_label, current_view=current_view, reads=reads,
            subcollection_items=lambda: self.settings.show_subcollection_items, parent=self)
        self.tag_controller = TagsController(library, self.tag_selector, self.item_model, current_view=current_view,
                                             reads=reads, writes=writes, dialog_parent=self, parent=self)
        self.edit_controller = EditController(library, self.pane, writes=writes, undo_stack=undo, parent=self)
        self.trash_controller = TrashController(library, self.table, current_view=current_view, writes=writes,
                                                undo_stack=undo, status=status, dialog_parent=self, parent=self)
        self.transfer_controller = TransferController(
            library, self._settings, library_name=self.library_name, jobs=self.jobs, reads=reads, table=self.table,
            item_model=self.item_model, collections=self.collection_controller, edits=self.edit_controller,
            status=status, dialog_parent=self, writes=writes, parent=self)
        self.external_controller = ExternalChangesController(library, reads, parent=self)
        self.duplicates_controller = DuplicatesController(
            library, self.duplicates_view, tree=self.collection_model, current_view=current_view, pages=self.pages,
            pane=self.pane, jobs=self.jobs, reads=reads, writes=writes, undo_stack=undo, status=status, parent=self)
        self.job_status = JobStatusController(self.jobs, status=status, progress=self.progress, jobs_dock=self.jobs_dock,
                                              parent=self)
        self.sync_controller = SyncController(
            self.sync_service, self.sync_panel, dock=self.sync_dock, status=status, dialog_parent=self, parent=self,
            collections=lambda: self.collection_controller.collections,
            subcollection_items=lambda: self.settings.show_subcollection_items)
        self.transfer_controller.keep_in_sync = self.sync_controller.keep_export_in_sync
        self.integrity_controller = IntegrityController(library, self._settings, jobs=self.jobs, parent=self)
        self.watch_controller = WatchController(library, self._settings, jobs=self.jobs, parent=self)
        self.zotero_controller = ZoteroController(library, self._settings, jobs=self.jobs, reads=reads, writes=writes,
                                                  status=status, dialog_parent=self, parent=self)

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
        transfer, trash = self.transfer_controller, self.trash_controller
        self.add_action = self._action("Add by Identifier…", transfer.on_add_identifier_triggered, "Ctrl+Shift+N",
                                       "Add items by DOI, HAL id, PMID, arXiv id or pasted text")
        self.new_collection_action = self._action("New Collection…", self.collection_controller.on_new_collection_triggered)
        self.import_action = self._action("Import…", transfer.on_import_triggered, "Ctrl+Shift+I",
                                          "Import BibTeX, RIS, CSL-JSON, Zotero RDF or PubMed XML files")
        self.export_action = self._action("Export Library…", transfer.on_export_library_triggered, None,
                                          "Export the whole library as Zotero RDF, CSL-JSON, BibTeX, RIS…")
        self.copy_bibliography_action = self._action(  # Ctrl+Shift+C, as in Zotero
            "Copy Bibliography", transfer.on_copy_bibliography_triggered, "Ctrl+Shift+C",
            "Copy the selected items as a formatted bibliography (plain text and HTML)")
        # StandardKey.Preferences is empty on Linux desktops: fall back to Ctrl+, as Zotero and most apps use.
        preferences = QKeySequence(QKeySequence.StandardKey.Preferences)
        self.settings_action = self._action("Settings…", self.on_settings_triggered,
                                            preferences if not preferences.isEmpty() else "Ctrl+,")
        self.quit_action = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.trash_action = self._action("Move to Trash", trash.on_trash_triggered, None,
                                         "Move the selected items to the Trash (undoable)")
        self.restore_action = self._action("Restore to Library", trash.on_restore_triggered)
        self.empty_trash_action = self._action("Empty Trash…", trash.on_empty_trash_triggered)
        self.paste_action = self._action("Paste Identifiers", transfer.on_paste_triggered)
        self.copy_action = self._action("Copy Citation", transfer.on_copy_triggered, QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.copy_action)
        self.search_action = self._action("Quick Search", self.browse_controller.on_search_focus_triggered,
                                          QKeySequence.StandardKey.Find)
        self.jobs_action = self.jobs_dock.toggleViewAction()
        self.jobs_action.setShortcut(QKeySequence("Ctrl+J"))
        self.sync_action = self.sync_dock.toggleViewAction()
        self.about_action = self._action("About senref", self.on_about_triggered)
        self.zotero_connect_action, self.zotero_sync_action = self.zotero_controller.actions()
        self.context_menus = ContextMenus(
            MenuActions(new_collection=self.new_collection_action, export=self.export_action, empty_trash=self.empty_trash_action,
                        restore=self.restore_action, trash=self.trash_action, copy=self.copy_action,
                        copy_bibliography=self.copy_bibliography_action, paste=self.paste_action),
            table=self.table, collection_view=self.collection_view, collections=self.collection_controller,
            edits=self.edit_controller, transfer=transfer, menu_parent=self, sync=self.sync_controller,
            tag_selector=self.tag_selector, search_text=self.search_box.text, parent=self)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.add_action, self.new_collection_action])
        file_menu.addSeparator()
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addActions([self.zotero_connect_action, self.zotero_sync_action])
        file_menu.addSeparator()
        # From the demo back to the user's own library, and the way there from it.
        self.switch_library_action = file_menu.addAction("Open My Library" if self.demo else "Open Demo Library")
        self.switch_library_action.triggered.connect(self.on_switch_library_triggered)
        file_menu.addSeparator()
        file_menu.addActions([self.settings_action, self.quit_action])
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.copy_action, self.copy_bibliography_action])
        self.style_menu = edit_menu.addMenu("Bibliography Style")
        self.transfer_controller.fill_style_menu(self.style_menu)
        self.style_menu.aboutToShow.connect(lambda: self.transfer_controller.on_style_menu_about_to_show(self.style_menu))
        edit_menu.addActions([self.paste_action, self.trash_action, self.search_action])
        view_menu = menu.addMenu("&View")
        view_menu.addActions([self.jobs_action, self.sync_action])
        self.subcollections_action = view_menu.addAction("Show Items from Subcollections")
        self.subcollections_action.setCheckable(True)
        self.subcollections_action.setChecked(self.settings.show_subcollection_items)
        self.subcollections_action.toggled.connect(self.on_subcollections_toggled)
        self.columns_menu = view_menu.addMenu("Columns")
        self.columns_menu.aboutToShow.connect(lambda: self.context_menus.fill_columns_menu(self.columns_menu))
        tools_menu = menu.addMenu("&Tools")
        self.integrity_action = self.integrity_controller.action
        tools_menu.addAction(self.integrity_action)
        tools_menu.addActions([self.watch_controller.watch_action, self.watch_controller.versions_action])
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.new_collection_action)
        toolbar.addAction(self.add_action)
        toolbar.addAction(self.zotero_sync_action)
        toolbar.addSeparator()
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search_box)
        self.addToolBar(toolbar)

    def _connect(self) -> None:
        """The events that cross controllers; each controller listens to its own views itself."""
        browse, collections, tags = self.browse_controller, self.collection_controller, self.tag_controller
        transfer = self.transfer_controller
        self.signals.items_changed.connect(browse.on_items_changed)
        self.signals.items_removed.connect(browse.on_items_changed)
        self.jobs.job_finished.connect(browse.on_job_finished)
        self.signals.collections_changed.connect(collections.on_collections_changed)
        self.signals.tags_changed.connect(tags.on_tags_changed)
        self.signals.tags_changed.connect(browse.on_tags_changed)
        collections.view_changed.connect(browse.on_view_changed)
        collections.view_changed.connect(tags.refresh)
        collections.view_changed.connect(self.duplicates_controller.on_view_changed)
        self.signals.items_changed.connect(self.duplicates_controller.on_library_changed)
        self.signals.items_removed.connect(self.duplicates_controller.on_library_changed)
        self.duplicates_controller.problem_found.connect(self.show_error)
        collections.viewed_collection_deleted.connect(browse.on_view_changed)
        browse.refreshed.connect(tags.refresh_soon)
        self.external_controller.external_change_seen.connect(self.on_external_change_seen)
        self.external_controller.start()
        self.zotero_controller.start()
        self.integrity_controller.start()
        self.watch_controller.start()
        self.pane.header.update_requested.connect(self.watch_controller.update_to_published)
        self.pane.header.show_requested.connect(lambda key: self.table.select_keys([key], current=key))
        self.collection_view.payload_dropped.connect(transfer.on_payload_dropped)
        self.tag_selector.filter_changed.connect(browse.on_tag_filter_changed)
        self.table.payload_dropped.connect(transfer.on_table_payload_dropped)
        self.table.paste_requested.connect(transfer.on_paste_triggered)
        self.table.delete_requested.connect(self.trash_controller.on_trash_triggered)
        self.welcome.demo_requested.connect(self.on_demo_requested)
        self.welcome.add_requested.connect(transfer.on_add_identifier_triggered)
        transfer.problem_found.connect(self.show_error)
        self.job_status.job_failed.connect(self.show_error)
        self.reads.failed.connect(self.show_error_details)
        self.writes.failed.connect(self.show_error_details)

    # -- state ---------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        """The user's settings; replacing them (tests do, to aim the sources locally) reaches the transfers."""
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings
        self.transfer_controller.settings = self.sync_service.settings = settings
        self.zotero_controller.settings = settings
        self.integrity_controller.settings = self.watch_controller.settings = settings

    # -- entry points used from outside the window (app.py, the single-instance server, bench/) ---
    def write(self, fn: Any) -> None:
        """Run a library write on the write thread, in order with the edits (app.py's backup check uses it)."""
        self.writes.run(fn)

    def on_payload_dropped(self, payload: DropPayload, collection: str | None) -> None:
        """Files and identifiers handed over as if dropped (command line, a second launch)."""
        self.transfer_controller.on_payload_dropped(payload, collection)

    def on_tag_filter_changed(self, tags: list[str], mode: str) -> None:
        """Filter the table by tags as the tag selector does (bench/bench_gui_table.py drives this)."""
        self.browse_controller.on_tag_filter_changed(tags, mode)

    def apply_search_now(self) -> None:
        """Run the quick search without waiting for the typing pause (bench/bench_gui_table.py)."""
        self.browse_controller.apply_search_now()

    # -- window-level slots --------------------------------------------------------------------
    def on_external_change_seen(self, _version: int) -> None:
        self.collection_controller.refresh()
        self.browse_controller.on_items_changed([])

    def on_about_triggered(self) -> None:
        show_about(self, str(self.library.folder))

    def on_settings_triggered(self) -> None:
        dialog = SettingsDialog(self.settings, self.collection_controller.collections, str(self.library.folder), self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            dialog.apply_to(self.settings, str(self.library.folder))
            settings = self.settings
            self.write(lambda: save_settings(settings))

    def on_subcollections_toggled(self, on: bool) -> None:
        self.settings.show_subcollection_items = on
        settings = self.settings
        self.write(lambda: save_settings(settings))
        self.browse_controller.apply_query()
        self.collection_controller.refresh()

    def on_switch_library_triggered(self) -> None:
        if not self.demo:
            self.on_demo_requested()
            return
        from senref.session import Session

        self.library_switch_requested.emit(Session.start().library_folder, False)

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
        self.after_first_paint.cancel()
        self.startup_memory.cancel()
        gc_policy.uninstall_check(self.jobs.busy)
        self.browse_controller.stop()
        self.duplicates_controller.stop()
        self.external_controller.stop()
        self.zotero_controller.stop()
        self.integrity_controller.stop()
        self.watch_controller.stop()
        self.transfer_controller.shutdown()
        self.jobs.shutdown(timeout_ms)
        self.sync_service.shutdown(timeout_ms)
        for pool in (self.reads.pool, self.writes.pool):
            pool.waitForDone(timeout_ms)
        self.signals.disconnect_library()
        self.pane.preview.close_document()
        QApplication.processEvents()  # deliver the last queued results before the library goes
        self.library.close()

    def save_state(self) -> None:
        save_window_state(self, (self.splitter, self.left), self.table.horizontalHeader())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.shutdown()
        super().closeEvent(event)
