"""Duplicate Items (Zotero's view, with the reasons): the likely-duplicate groups, and for the selected group its
differing fields side by side, the master, a value per field, Merge and Not Duplicates.

The view only shows and asks; `senref.gui.controllers.duplicates` runs the actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from senref.actions.duplicates import DuplicateGroup
from senref.gui.models.duplicates_model import (
    COL_ITEMS,
    COL_REASONS,
    COL_SCORE,
    ComparisonModel,
    DuplicateGroupsModel,
    ItemSummary,
    score_text,
)

_PROBLEM_STYLE = "color: #b00020; font-weight: bold;"


class DuplicatesView(QWidget):
    """The groups on top, the chosen group below.

    Signals:
        scan_requested(): "Scan Library" was clicked.
        merge_requested(list, str, dict): merge these keys into the master, keeping a value per field.
        dismiss_requested(list): these keys are not duplicates.
        undo_requested(): "Undo Merge" was clicked.
    """

    scan_requested = Signal()
    merge_requested = Signal(object, str, object)
    dismiss_requested = Signal(object)
    undo_requested = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesView")
        # A page of the window's centre stack: it takes the space the table has, and must not widen the
        # window's minimum while the table is on show.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.groups_model = DuplicateGroupsModel(self)
        self.comparison_model = ComparisonModel(self)

        self.title = QLabel("<b>Duplicate Items</b>", self)
        self.count_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.scan_button = QPushButton("Scan Library", self)
        self.scan_button.setToolTip("Look through the whole library for items that are probably one work")
        self.scan_button.clicked.connect(self.scan_requested)
        self.message = QLabel(self)
        self.message.setObjectName("duplicatesMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        self.groups_table = QTableView(self)
        self.groups_table.setObjectName("duplicateGroups")
        self.groups_table.setModel(self.groups_model)
        self.groups_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.groups_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.groups_table.setWordWrap(True)
        self.groups_table.verticalHeader().hide()
        header = self.groups_table.horizontalHeader()
        header.setSectionResizeMode(COL_SCORE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ITEMS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_REASONS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_REASONS, 300)
        self.groups_table.selectionModel().selectionChanged.connect(self.on_group_selection_changed)

        self.group_label = QLabel(self)
        self.group_label.setWordWrap(True)
        self.master_box = QWidget(self)
        self.master_layout = QHBoxLayout(self.master_box)
        self.master_layout.setContentsMargins(0, 0, 0, 0)
        self.master_buttons = QButtonGroup(self)
        self.master_buttons.buttonToggled.connect(self.on_master_toggled)
        self.comparison = QTableView(self)
        self.comparison.setObjectName("duplicateComparison")
        self.comparison.setModel(self.comparison_model)
        self.comparison.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.comparison.setWordWrap(True)
        self.comparison.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.comparison.clicked.connect(self.on_cell_clicked)
        self.comparison.activated.connect(self.on_cell_clicked)
        self.comparison_model.modelReset.connect(self.comparison.resizeRowsToContents)
        self.hint = QLabel("Click a value to keep it in the merged item; the master keeps its key, and every "
                           "identifier, tag, collection, note and file of the others.", self)
        self.hint.setWordWrap(True)
        self.undo_button = QPushButton("Undo Merge", self)
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_requested)
        self.dismiss_button = QPushButton("Not Duplicates", self)
        self.dismiss_button.setToolTip("Never offer these items as duplicates again")
        self.dismiss_button.clicked.connect(self.on_dismiss_clicked)
        self.merge_button = QPushButton("Merge Items", self)
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.on_merge_clicked)

        self._layout()
        self.show_group(None)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.scan_button)
        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        detail_layout.addWidget(self.group_label)
        master_row = QHBoxLayout()
        master_row.addWidget(QLabel("Keep as master:", detail))
        master_row.addWidget(self.master_box, 1)
        detail_layout.addLayout(master_row)
        detail_layout.addWidget(self.comparison, 1)
        detail_layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.merge_button)
        detail_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.groups_table)
        self.splitter.addWidget(detail)
        self.splitter.setSizes([170, 510])  # a few groups on show; the comparison needs the height
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

    # -- what the controller sets --------------------------------------------------------------
    def set_groups(self, groups: Sequence[DuplicateGroup], summaries: Mapping[str, ItemSummary]) -> None:
        """Show *groups*; the group on show stays selected when it is still listed."""
        shown = self.current_group()
        self.groups_model.set_groups(groups, summaries)
        self.groups_table.resizeRowsToContents()
        count = len(groups)
        self.count_label.setText(f"{count} group{'s' if count != 1 else ''}")
        row = self.groups_model.row_of(shown.keys) if shown is not None else -1
        if count:
            self.show_message("")
            self.groups_table.selectRow(max(row, 0))
        else:
            self.show_group(None)
            self.show_message("No likely duplicates listed. “Scan Library” looks through the whole library.")

    def show_message(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_PROBLEM_STYLE if problem else "")
        self.message.setProperty("problem", problem)
        self.message.setVisible(bool(text))

    def set_scanning(self, scanning: bool, done: int = 0, total: int = 0) -> None:
        self.scan_button.setEnabled(not scanning)
        self.progress.setVisible(scanning)
        self.progress.setRange(0, total if scanning else 1)  # no total: a busy indicator
        self.progress.setValue(min(done, total))

    def set_undo_available(self, available: bool) -> None:
        self.undo_button.setEnabled(available)

    def set_busy(self, busy: bool) -> None:
        """While a merge or dismissal is being written, its buttons wait."""
        has_group = self.current_group() is not None
        self.merge_button.setEnabled(has_group and not busy)
        self.dismiss_button.setEnabled(has_group and not busy)

    # -- the chosen group ----------------------------------------------------------------------
    def current_group(self) -> DuplicateGroup | None:
        rows = self.groups_table.selectionModel().selectedRows()
        return self.groups_model.group_at(rows[0].row()) if rows else None

    def on_group_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.show_group(self.current_group())

    def show_group(self, group: DuplicateGroup | None) -> None:
        self.comparison_model.set_group(group, self.groups_model.summaries)
        for button in self.master_buttons.buttons():
            self.master_buttons.removeButton(button)
            self.master_layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        if group is None:
            self.group_label.setText("Choose a group above to compare its items.")
        else:
            reasons = "; ".join(group.reasons) or "no reason given"
            proof = f" — proof: {group.proof}" if group.proof else ""
            self.group_label.setText(f"<b>{score_text(group)}</b> alike: {reasons}{proof}"
                                     + ("" if group.differences else "<br>The items agree on every field."))
            for key in group.keys:
                button = QRadioButton(self.groups_model.summary(key).short(), self.master_box)
                button.setProperty("itemKey", key)
                button.setToolTip(self.groups_model.summary(key).line())
                self.master_layout.addWidget(button)
                self.master_buttons.addButton(button)
                button.setChecked(key == self.comparison_model.master)
        self.comparison.resizeRowsToContents()
        count = len(group.keys) if group else 0
        self.merge_button.setText(f"Merge {count} Items" if count else "Merge Items")
        self.set_busy(False)

    def master_button(self, key: str) -> QRadioButton | None:
        return next((b for b in self.master_buttons.buttons()
                     if b.property("itemKey") == key and isinstance(b, QRadioButton)), None)

    def on_master_toggled(self, button: Any, checked: bool) -> None:
        if checked:
            self.comparison_model.set_master(str(button.property("itemKey")))

    def on_cell_clicked(self, index: QModelIndex) -> None:
        self.comparison_model.pick(index)

    def on_merge_clicked(self) -> None:
        group = self.current_group()
        if group is not None:
            model = self.comparison_model
            self.merge_requested.emit(list(group.keys), model.master, model.choices())

    def on_dismiss_clicked(self) -> None:
        group = self.current_group()
        if group is not None:
            self.dismiss_requested.emit(list(group.keys))
