"""The Tags section: manual and automatic tags told apart, accept/reject for automatic topic tags,
and the evidence (matched words) behind each topic."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from senref.core.model import AUTOMATIC, Item

TAG_NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class TagsEditor(QWidget):
    """Signals: `tag_added(name)`, `tag_removed(name)` (rejects an automatic one), `tag_accepted(name)`."""

    tag_added = Signal(str)
    tag_removed = Signal(str)
    tag_accepted = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("itemTags")
        self.entry = QLineEdit(self)
        self.entry.setPlaceholderText("Add a tag and press Enter")
        self.accept_button = QPushButton("Accept", self)
        self.accept_button.setToolTip("Keep this automatic topic tag as your own (manual) tag")
        self.remove_button = QPushButton("Remove / Reject", self)
        self.remove_button.setToolTip("Remove the tag; a rejected automatic topic is not suggested again")
        self.evidence = QLabel(self)
        self.evidence.setTextFormat(Qt.TextFormat.PlainText)
        self.evidence.setWordWrap(True)
        self.evidence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Why these topics:", self))
        layout.addWidget(self.evidence)
        self.entry.returnPressed.connect(self.on_entry_return_pressed)
        self.accept_button.clicked.connect(self.on_accept_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.list.currentItemChanged.connect(self.on_current_changed)

    def show_item(self, item: Item) -> None:
        self.list.clear()
        italic = QFont()
        italic.setItalic(True)
        for tag in sorted(item.tags, key=lambda t: t.tag.casefold()):
            row = QListWidgetItem(f"{tag.tag}  (automatic)" if tag.type == AUTOMATIC else tag.tag)
            row.setData(TAG_NAME_ROLE, tag.tag)
            row.setData(Qt.ItemDataRole.UserRole + 2, tag.type)
            if tag.type == AUTOMATIC:
                row.setFont(italic)
                row.setToolTip("Assigned automatically from the title, abstract and keywords")
            self.list.addItem(row)
        self.evidence.setText(evidence_text(item.extras.get("topicEvidence")) or "No automatic topics.")
        self.on_current_changed(None, None)

    def selected_tag(self) -> tuple[str, int] | None:
        row = self.list.currentItem()
        if row is None:
            return None
        return str(row.data(TAG_NAME_ROLE)), int(row.data(Qt.ItemDataRole.UserRole + 2))

    def on_current_changed(self, _current: Any, _previous: Any) -> None:
        selected = self.selected_tag()
        self.remove_button.setEnabled(selected is not None)
        self.accept_button.setEnabled(selected is not None and selected[1] == AUTOMATIC)

    def on_entry_return_pressed(self) -> None:
        name = self.entry.text().strip()
        if name:
            self.entry.clear()
            self.tag_added.emit(name)

    def on_accept_clicked(self) -> None:
        selected = self.selected_tag()
        if selected is not None:
            self.tag_accepted.emit(selected[0])

    def on_remove_clicked(self) -> None:
        selected = self.selected_tag()
        if selected is not None:
            self.tag_removed.emit(selected[0])


def evidence_text(evidence: Any) -> str:
    """Topic evidence as lines "Topic: matched words (where)"; tolerant of the tagger's shapes.

    >>> evidence_text({"SASP": ["IL-6 (abstract)", "secretory phenotype (title)"]})
    'SASP: IL-6 (abstract), secretory phenotype (title)'
    """
    if not evidence:
        return ""
    if isinstance(evidence, dict):
        lines = []
        for topic, found in evidence.items():
            if isinstance(found, list | tuple):
                shown = ", ".join(_term(x) for x in found)
            else:
                shown = _term(found)
            lines.append(f"{topic}: {shown}")
        return "\n".join(lines)
    if isinstance(evidence, list):
        return "\n".join(_term(x) for x in evidence)
    return str(evidence)


def _term(value: Any) -> str:
    if isinstance(value, dict):
        term = value.get("term") or value.get("match") or value.get("text") or ""
        where = value.get("field") or value.get("where") or ""
        return f"{term} ({where})" if where else str(term or value)
    return str(value)
