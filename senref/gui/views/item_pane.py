"""The right pane: one item's Info (fields, creators), Abstract, Tags, Notes, Attachments,
Provenance and PDF preview. It only shows and emits edits; the window writes them off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextDocumentFragment
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from senref.core.model import Creator, Item
from senref.core.schema import field_label
from senref.gui.views.creators_editor import CreatorsEditor
from senref.gui.views.fields_editor import FieldsEditor
from senref.gui.views.item_header import ItemHeader
from senref.gui.views.pdf_preview import PdfPreview
from senref.gui.views.tags_editor import TagsEditor

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
EMPTY_TEXT = "No item selected"


class ItemPane(QTabWidget):
    """Edits carry the item key, so a late signal can never write into another item."""

    field_edited = Signal(str, str, str)  # key, field, value
    type_changed = Signal(str, str)  # key, item type
    creators_edited = Signal(str, list)  # key, creators
    tag_added = Signal(str, str)
    tag_removed = Signal(str, str)
    tag_accepted = Signal(str, str)
    note_added = Signal(str, str)  # key, plain text

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemPane")
        self.item: Item | None = None
        self.path_of: Any = lambda attachment: None  # set by the window: Library.attachment_path

        self.header = ItemHeader(self)
        self.title = self.header.title
        self.fields = FieldsEditor(self)
        self.creators = CreatorsEditor(self)
        info = QWidget(self)
        info_layout = QVBoxLayout(info)
        # The form must never be squeezed below its rows' height: the scroll area scrolls instead.
        info_layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        info_layout.addWidget(self.header)
        info_layout.addWidget(QLabel("Creators", info))
        info_layout.addWidget(self.creators)
        info_layout.addWidget(self.fields)
        info_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(info)
        self.addTab(scroll, "Info")

        self.abstract = QPlainTextEdit(self)  # plain text: never interprets markup from sources
        self.abstract.setObjectName("abstract")
        self.abstract_save = QPushButton("Save Abstract", self)
        abstract_tab = QWidget(self)
        abstract_layout = QVBoxLayout(abstract_tab)
        abstract_layout.addWidget(self.abstract, 1)
        abstract_layout.addWidget(self.abstract_save, 0, Qt.AlignmentFlag.AlignRight)
        self.addTab(abstract_tab, "Abstract")

        self.tags = TagsEditor(self)
        self.addTab(self.tags, "Tags")

        self.notes = QListWidget(self)
        self.notes.setWordWrap(True)
        self.note_entry = QPlainTextEdit(self)
        self.note_entry.setPlaceholderText("Write a note…")
        self.note_entry.setMaximumHeight(90)
        self.note_button = QPushButton("Add Note", self)
        notes_tab = QWidget(self)
        notes_layout = QVBoxLayout(notes_tab)
        notes_layout.addWidget(self.notes, 1)
        notes_layout.addWidget(self.note_entry)
        notes_layout.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignRight)
        self.addTab(notes_tab, "Notes")

        self.attachments = QListWidget(self)
        self.open_button = QPushButton("Open", self)
        self.folder_button = QPushButton("Show in Folder", self)
        self.pdf_reasons = QLabel(self)
        self.pdf_reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.pdf_reasons.setWordWrap(True)
        att_tab = QWidget(self)
        att_layout = QVBoxLayout(att_tab)
        att_layout.addWidget(self.attachments, 1)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        att_layout.addLayout(row)
        att_layout.addWidget(self.pdf_reasons)
        self.addTab(att_tab, "Files")

        self.provenance = QTableWidget(0, 2, self)
        self.provenance.setHorizontalHeaderLabels(["Field", "Source"])
        self.provenance.horizontalHeader().setStretchLastSection(True)
        self.provenance.verticalHeader().hide()
        self.provenance.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.addTab(self.provenance, "Sources")  # field provenance: which source gave each field

        self.preview = PdfPreview(self)
        self.addTab(self.preview, "PDF")

        self.fields.field_edited.connect(self.on_field_edited)
        self.fields.type_changed.connect(self.on_type_changed)
        self.creators.creators_edited.connect(self.on_creators_edited)
        self.abstract_save.clicked.connect(self.on_abstract_save_clicked)
        self.tags.tag_added.connect(lambda name: self._emit_for_item(self.tag_added, name))
        self.tags.tag_removed.connect(lambda name: self._emit_for_item(self.tag_removed, name))
        self.tags.tag_accepted.connect(lambda name: self._emit_for_item(self.tag_accepted, name))
        self.note_button.clicked.connect(self.on_note_clicked)
        self.open_button.clicked.connect(self.on_open_clicked)
        self.folder_button.clicked.connect(self.on_folder_clicked)
        self.attachments.itemDoubleClicked.connect(lambda _row: self.on_open_clicked())
        # Drawn over the tabs while nothing is selected, so no earlier item's values stay on show.
        self.empty_state = QLabel(EMPTY_TEXT, self)
        self.empty_state.setObjectName("itemPaneEmpty")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.empty_state.setAutoFillBackground(True)
        self.show_item(None)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.empty_state.setGeometry(self.rect())

    # -- showing -------------------------------------------------------------------------------
    def show_item(self, item: Item | None) -> None:
        self.item = item
        self.setEnabled(item is not None)
        self.empty_state.setVisible(item is None)
        if item is None:
            self._clear()
            self.empty_state.setGeometry(self.rect())
            self.empty_state.raise_()
            return
        self.header.show_item(item)
        self.fields.show_item(item)
        self.creators.show_creators(item.item_type, item.creators)
        self.abstract.setPlainText(item.fields.get("abstractNote", ""))
        self.tags.show_item(item)
        self.notes.clear()
        for note in item.notes:
            # Notes are HTML; show their text only (no remote markup rendered).
            self.notes.addItem(QTextDocumentFragment.fromHtml(note.html).toPlainText())
        self._show_attachments(item)
        self.provenance.setRowCount(0)
        for name, source in sorted(item.provenance.items()):
            row = self.provenance.rowCount()
            self.provenance.insertRow(row)
            self.provenance.setItem(row, 0, QTableWidgetItem(field_label(name)))
            self.provenance.setItem(row, 1, QTableWidgetItem(source))

    def _clear(self) -> None:
        """Forget the last item's values (a blank item keeps the editors' forms cheap to refill)."""
        blank = Item()
        self.header.show_item(None)
        self.fields.show_item(blank)
        self.creators.show_creators(blank.item_type, [])
        self.abstract.clear()
        self.tags.show_item(blank)
        self.notes.clear()
        self.attachments.clear()
        self.pdf_reasons.setText("")
        self.provenance.setRowCount(0)
        self.preview.show_file(None, "Select an item to see its PDF")

    def _show_attachments(self, item: Item) -> None:
        self.attachments.clear()
        first_pdf: Path | None = None
        for attachment in item.attachments:
            path = self.path_of(attachment)
            label = attachment.title or (path.name if path else attachment.url)
            row = QListWidgetItem(f"{label}  [{attachment.source}]" if attachment.source else label)
            row.setData(PATH_ROLE, str(path) if path else attachment.url)
            row.setToolTip(str(path) if path else attachment.url)
            self.attachments.addItem(row)
            is_pdf = attachment.content_type == "application/pdf" or (path and path.suffix.lower() == ".pdf")
            if first_pdf is None and path is not None and is_pdf:
                first_pdf = path
        if item.attachments:
            self.attachments.setCurrentRow(0)
        reasons = item.extras.get("pdfReasons") or []
        if isinstance(reasons, dict):
            reasons = [f"{k}: {v}" for k, v in reasons.items()]
        self.pdf_reasons.setText("Why no PDF:\n" + "\n".join(str(r) for r in reasons) if reasons and not first_pdf
                                 else "")
        why = "No PDF attached" + (": " + str(reasons[0]) if reasons else "")
        self.preview.show_file(first_pdf, why)

    # -- edits ---------------------------------------------------------------------------------
    def _emit_for_item(self, signal: Any, *args: Any) -> None:
        if self.item is not None:
            signal.emit(self.item.key, *args)

    def on_field_edited(self, name: str, value: str) -> None:
        self._emit_for_item(self.field_edited, name, value)

    def on_type_changed(self, item_type: str) -> None:
        self._emit_for_item(self.type_changed, item_type)

    def on_creators_edited(self, creators: list[Creator]) -> None:
        self._emit_for_item(self.creators_edited, creators)

    def on_abstract_save_clicked(self) -> None:
        if self.item is not None and self.abstract.toPlainText() != self.item.fields.get("abstractNote", ""):
            self._emit_for_item(self.field_edited, "abstractNote", self.abstract.toPlainText())

    def on_note_clicked(self) -> None:
        text = self.note_entry.toPlainText().strip()
        if text:
            self.note_entry.clear()
            self._emit_for_item(self.note_added, text)

    def _current_path(self) -> Path | None:
        row = self.attachments.currentItem()
        value = str(row.data(PATH_ROLE)) if row is not None and row.data(PATH_ROLE) else ""
        return Path(value) if value and not value.startswith(("http:", "https:")) else None

    def on_open_clicked(self) -> None:
        row = self.attachments.currentItem()
        if row is None:
            return
        path = self._current_path()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)) if path else QUrl(str(row.data(PATH_ROLE))))

    def on_folder_clicked(self) -> None:
        path = self._current_path()
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
