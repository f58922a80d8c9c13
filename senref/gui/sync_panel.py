"""The sync panel: one row per target (state, last success, items, last error), "Sync now", pause, conflicts."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
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

#: Table columns.
COLUMNS = ("Target", "Scope", "State", "Last success", "Items", "Last error")
COL_TARGET, COL_SCOPE, COL_STATE, COL_SUCCESS, COL_ITEMS, COL_ERROR = range(len(COLUMNS))


class SyncPanel(QWidget):
    """A view over a SyncService; every action goes through the service (no file or DB work here)."""

    def __init__(self, service: SyncService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("syncPanel")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(COL_ERROR, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.sync_button = QPushButton("Sync now", self)
        self.pause_button = QPushButton("Pause target", self)
        self.conflicts_button = QPushButton("Conflicts…", self)
        self.pause_all = QCheckBox("Pause all syncing", self)
        buttons = QHBoxLayout()
        for widget in (self.sync_button, self.pause_button, self.conflicts_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.pause_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.sync_button.clicked.connect(self.on_sync_now)
        self.pause_button.clicked.connect(self.on_pause_target)
        self.conflicts_button.clicked.connect(self.on_conflicts)
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
                  state.last_success or "never", str(state.item_count),
                  state.last_error if state.state == "error" else "")
        for col, text in enumerate(values):
            # Plain items: titles and paths are never read as markup.
            cell = QTableWidgetItem(text)
            if col == COL_TARGET:
                cell.setData(Qt.ItemDataRole.UserRole, target.id)
                cell.setToolTip(str(target.file))
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

    def _update_buttons(self) -> None:
        target_id = self.selected_target()
        target = next((t for t in self.service.targets() if t.id == target_id), None)
        self.pause_button.setEnabled(target is not None)
        self.pause_button.setText("Resume target" if target is not None and target.paused else "Pause target")
        self.conflicts_button.setEnabled(bool(self.service.engine.open_conflicts()))

    # -- actions -------------------------------------------------------------------------------
    def on_sync_now(self) -> None:
        self.service.sync_now(self.selected_target())

    def on_pause_target(self) -> None:
        target_id = self.selected_target()
        target = next((t for t in self.service.targets() if t.id == target_id), None)
        if target is not None:
            self.service.set_target_paused(target.id, not target.paused)

    def on_conflicts(self) -> None:
        """One question per open conflict, both values shown as plain text."""
        for conflict in self.service.engine.open_conflicts():
            box = QMessageBox(self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setWindowTitle("Sync conflict")
            what = conflict.field or ("entry deleted from the file" if conflict.kind == "deleted" else "file")
            box.setText(f"{conflict.title}\n{what} changed in the library and in the file.\n\n"
                        f"Library: {conflict.library_value}\nFile: {conflict.file_value}")
            keep_library = box.addButton("Keep library", QMessageBox.ButtonRole.AcceptRole)
            keep_file = box.addButton("Keep file", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is keep_library:
                self.service.resolve(conflict.id, "library")
            elif box.clickedButton() is keep_file:
                self.service.resolve(conflict.id, "file")
            else:
                break
        self._update_buttons()
