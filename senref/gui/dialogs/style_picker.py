"""Choose a bibliography style: a filter line over the ~10,000 official CSL styles, or a `.csl` file.

The filter runs on the GUI thread: senref.formats.csl_styles.search is one substring test per word and
style, a few milliseconds a keystroke (tests/gui/test_bibliography.py measures it). The catalog itself is
read by the caller off the GUI thread and handed in with set_entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
)

from senref.formats.csl_styles import StyleEntry, search

#: The style id of a row (Qt.DisplayRole shows the title).
STYLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class StyleListModel(QAbstractListModel):
    """The styles on show: the whole catalog (pinned styles first) or those matching the filter."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.all: tuple[StyleEntry, ...] = ()
        self.pinned: list[str] = []
        self.query = ""
        self.shown: list[StyleEntry] = []

    def set_entries(self, entries: Sequence[StyleEntry], pinned: Sequence[str] = ()) -> None:
        self.all, self.pinned = tuple(entries), list(pinned)
        self.set_query(self.query)

    def set_query(self, query: str) -> None:
        self.beginResetModel()
        self.query = query
        if query.strip():
            self.shown = search(self.all, query)
        else:
            by_id = {e.id: e for e in self.all}
            first = [by_id[i] for i in dict.fromkeys(self.pinned) if i in by_id]
            chosen = {e.id for e in first}
            self.shown = first + [e for e in self.all if e.id not in chosen]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.shown)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.shown):
            return None
        entry = self.shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.label()
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.id} — uses the rules of {entry.parent}" if entry.parent else entry.id
        if role == STYLE_ID_ROLE:
            return entry.id
        return None

    def row_of(self, style_id: str) -> int:
        return next((row for row, e in enumerate(self.shown) if e.id == style_id), -1)


class StylePickerDialog(QDialog):
    """A searchable list of the official styles, with a way to pick a `.csl` file instead.

    Signals:
        style_chosen(str): the style id, or the path of the `.csl` file, the user accepted.
    """

    style_chosen = Signal(str)

    def __init__(self, current: str, recent: Sequence[str] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bibliography Style")
        self.setObjectName("stylePickerDialog")
        self.current, self.recent = current, list(recent)
        self.file_path = ""
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter by name, journal or id (apa, vancouver, nature, JNCI…)")
        self.filter.setClearButtonEnabled(True)
        self.model = StyleListModel(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)  # 10,000 rows: no per-row size queries
        self.count = QLabel("Loading the styles…", self)
        self.file_button = QPushButton("From File…", self)
        self.file_button.setToolTip("Use a .csl style file of your own")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use Style")
        self.ok_button.setEnabled(False)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self.on_filter_changed)
        self.list.doubleClicked.connect(lambda _index: self.accept())
        self.list.selectionModel().currentChanged.connect(self.on_current_changed)
        self.file_button.clicked.connect(self.on_file_triggered)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.resize(560, 480)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Up/Down typed in the filter line move through the list, so the keyboard never has to leave it.
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            QApplication.sendEvent(self.list, event)
            return
        super().keyPressEvent(event)

    def set_entries(self, entries: Sequence[StyleEntry]) -> None:
        """The catalog, once read; the current style is selected and recent ones listed first."""
        self.model.set_entries(entries, [self.current, *self.recent])
        self._select(max(0, self.model.row_of(self.current)))

    def on_filter_changed(self, text: str) -> None:
        self.model.set_query(text)
        self._select(0)

    def _select(self, row: int) -> None:
        shown = self.model.rowCount()
        if shown:
            index = self.model.index(min(row, shown - 1), 0)
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)
        total = len(self.model.all)
        self.count.setText(f"{shown:,} of {total:,} styles" if self.model.query.strip() else f"{total:,} styles")
        self.ok_button.setEnabled(shown > 0)

    def on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.ok_button.setEnabled(current.isValid())

    def on_file_triggered(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Use a CSL Style File", str(Path.home()),
                                              "CSL styles (*.csl);;All files (*)")
        if name:
            self.choose_file(name)

    def choose_file(self, path: str) -> None:
        """Accept with a `.csl` file (checked by the caller, off the GUI thread)."""
        self.file_path = path
        self.accept()

    def chosen_style(self) -> str:
        if self.file_path:
            return self.file_path
        index = self.list.currentIndex()
        return str(index.data(STYLE_ID_ROLE)) if index.isValid() else ""

    def accept(self) -> None:
        style = self.chosen_style()
        if not style:
            return
        super().accept()
        self.style_chosen.emit(style)
