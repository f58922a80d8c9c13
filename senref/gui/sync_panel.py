"""The sync panel: one row per target (state, last success, items, last error); add, edit, pause, remove,
open the folder, sync now, conflicts. Dialogs are the sync controller's: the panel asks through its signals.

Signals:
    add_requested(): the user wants a new target.
    edit_requested(str): the user wants to change this target.
    conflicts_requested(): the user wants to decide the open conflicts.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from senref.gui.sync_service import SyncService
from senref.sync.targets import Target

#: Table columns.
COLUMNS = ("Target", "Scope", "State", "Last success", "Items", "Last error")
COL_TARGET, COL_SCOPE, COL_STATE, COL_SUCCESS, COL_ITEMS, COL_ERROR = range(len(COLUMNS))


class SyncPanel(QWidget):
    """A view over a SyncService; every action goes through the service (no file or DB work here)."""

    add_requested = Signal()
    edit_requested = Signal(str)
    conflicts_requested = Signal()

    def __init__(self, service: SyncService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("syncPanel")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ERROR, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setVisible(False)
        self.add_button = QPushButton("Add…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.sync_button = QPushButton("Sync Now", self)
        self.pause_button = QPushButton("Pause", self)
        self.remove_button = QPushButton("Remove…", self)
        self.folder_button = QPushButton("Open Folder", self)
        self.conflicts_button = QPushButton("Conflicts…", self)
        self.pause_all = QCheckBox("Pause all syncing", self)
        buttons = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.sync_button, self.pause_button, self.remove_button,
                       self.folder_button, self.conflicts_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.pause_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self.on_edit)
        self.sync_button.clicked.connect(self.on_sync_now)
        self.pause_button.clicked.connect(self.on_pause_target)
        self.remove_button.clicked.connect(self.on_remove)
        self.folder_button.clicked.connect(self.on_open_folder)
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        service.conflicts_changed.connect(self._update_buttons)
        self.pause_all.toggled.connect(service.set_paused)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        service.targets_changed.connect(self.refresh)
        service.target_changed.connect(self.on_target_changed)
        self.refresh()

    # -- display -------------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected_target()
        targets = self.service.targets()
        self.table.setRowCount(len(targets))
        for row, target in enumerate(targets):
            self._fill(row, target.id)
            if target.id == selected:
                self.table.selectRow(row)
        self._update_buttons()

    def on_target_changed(self, target_id: str) -> None:
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, COL_TARGET)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == target_id:
                self._fill(row, target_id)
        self._update_buttons()

    def _fill(self, row: int, target_id: str) -> None:
        target = next((t for t in self.service.targets() if t.id == target_id), None)
        if target is None:
            return
        state = self.service.engine.state(target_id)
        shown = "paused" if target.paused else ("writing…" if self.service.is_running(target_id) else state.state)
        name = ""
        if target.scope.kind == "collection":
            name = "/".join(self.service.engine.lib.collection_path(target.scope.value))
        values = (f"{target.file.name} ({target.format})", target.scope.describe(name), shown,
                  readable_time(state.last_success), str(state.item_count),
                  state.last_error if state.state == "error" else "")
        for col, text in enumerate(values):
            # Plain items: titles and paths are never read as markup.
            cell = QTableWidgetItem(text)
            if col == COL_TARGET:
                cell.setData(Qt.ItemDataRole.UserRole, target.id)
                cell.setToolTip(str(target.file))
            elif col == COL_SUCCESS and state.last_success:
                cell.setToolTip(state.last_success)
            elif col == COL_ERROR and text:
                # The whole reason ("file has an error at line N: ..."), which the column may cut;
                # escaped, since a tooltip always guesses rich text.
                cell.setToolTip(f"<qt>{html.escape(text)}</qt>")
            self.table.setItem(row, col, cell)

    def selected_target(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), COL_TARGET)
        return str(cell.data(Qt.ItemDataRole.UserRole)) if cell is not None else None

    def _selected(self) -> Target | None:
        target_id = self.selected_target()
        return next((t for t in self.service.targets() if t.id == target_id), None)

    def _update_buttons(self) -> None:
        target = self._selected()
        for button in (self.edit_button, self.pause_button, self.remove_button, self.folder_button):
            button.setEnabled(target is not None)
        self.edit_button.setEnabled(target is not None and not self.service.is_running(target.id))
        self.sync_button.setEnabled(target is not None and not target.paused)
        self.sync_button.setToolTip("" if target is not None else "Select a target")
        self.pause_button.setText("Resume" if target is not None and target.paused else "Pause")
        self.conflicts_button.setEnabled(bool(self.service.open_conflicts()))

    # -- actions -------------------------------------------------------------------------------
    def on_sync_now(self) -> None:
        target = self._selected()
        if target is not None:
            self.service.sync_now(target.id)

    def on_edit(self) -> None:
        target = self._selected()
        if target is not None:
            self.edit_requested.emit(target.id)

    def on_pause_target(self) -> None:
        target = self._selected()
        if target is not None:
            self.service.set_target_paused(target.id, not target.paused)

    def on_remove(self) -> None:
        target = self._selected()
        if target is None:
            return
        answer = QMessageBox.question(
            self, "Remove Sync Target",
            f"Stop keeping {target.file.name} in sync?\n\nThe file stays on disk as it is now: {target.file}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.service.remove_target(target.id)

    def on_open_folder(self) -> None:
        target = self._selected()
        if target is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.file.parent)))


def readable_time(iso: str, now: datetime | None = None) -> str:
    """ "13:50" today, "30 Nov 13:50" this year, "30 Nov 2025" before; "never" for no time."""
    if not iso:
        return "never"
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone()  # the user's local time
    now = now or datetime.now(when.tzinfo)
    if when.date() == now.date():
        return when.strftime("%H:%M")
    if when.year == now.year:
        return f"{when.day} {when.strftime('%b %H:%M')}"
    return f"{when.day} {when.strftime('%b %Y')}"
