"""The Tags section: manual and automatic tags told apart, accept/reject for automatic topic tags,
and the evidence (matched words) behind each topic."""

from __future__ import annotations

import html
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
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from senref.core.model import AUTOMATIC, Item
from senref.core.tag_sources import source_label, tag_source

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
        #: "Why these topics": one row (a label) per topic, filled by show_item
        self.evidence = QWidget(self)
        self.evidence.setObjectName("topicEvidence")
        self.evidence_rows = QVBoxLayout(self.evidence)
        self.evidence_rows.setContentsMargins(0, 0, 0, 0)
        self.evidence_rows.setSpacing(2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Why these topics:", self))
        # Scrolled, so that each row keeps the height its wrapped text needs (squeezed, rows lost lines).
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.evidence)
        layout.addWidget(scroll, 2)
        self.entry.returnPressed.connect(self.on_entry_return_pressed)
        self.accept_button.clicked.connect(self.on_accept_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.list.currentItemChanged.connect(self.on_current_changed)

    def show_item(self, item: Item) -> None:
        self.list.clear()
        italic = QFont()
        italic.setItalic(True)
        for tag in sorted(item.tags, key=lambda t: t.tag.casefold()):
            source = tag_source(item, tag.tag) if tag.type == AUTOMATIC else None
            if tag.type != AUTOMATIC:
                label = tag.tag
            elif source:
                label = f"{tag.tag}  (automatic, {source_label(source)})"
            else:
                label = f"{tag.tag}  (automatic)"
            row = QListWidgetItem(label)
            row.setData(TAG_NAME_ROLE, tag.tag)
            row.setData(Qt.ItemDataRole.UserRole + 2, tag.type)
            if tag.type == AUTOMATIC:
                row.setFont(italic)
                row.setToolTip(f"A subject keyword from {source_label(source)}" if source
                               else "Assigned automatically from the title, abstract and keywords")
            self.list.addItem(row)
        self.show_evidence(item.extras.get("topicEvidence"))
        self.on_current_changed(None, None)

    def show_evidence(self, evidence: Any) -> None:
        """One row per topic, its matched words highlighted and where each was found named."""
        while self.evidence_rows.count():
            taken = self.evidence_rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.setParent(None)  # out of findChildren now, not only after the event loop runs
                widget.deleteLater()
        rows = evidence_rows(evidence)
        if not rows:
            empty = QLabel("No automatic topics.", self.evidence)
            empty.setObjectName("noTopicEvidence")
            self.evidence_rows.addWidget(empty)
            return
        for topic, shown in rows:
            label = QLabel(shown, self.evidence)
            label.setObjectName("topicEvidenceRow")
            label.setProperty("topic", topic)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.evidence_rows.addWidget(label)
        self.evidence_rows.addStretch(1)

    def evidence_labels(self) -> list[QLabel]:
        return self.evidence.findChildren(QLabel, "topicEvidenceRow")

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


#: Evidence rows shown per tag, strongest first (the tagger sorts them); the rest are counted.
SHOWN_PER_TAG = 4
#: The highlight behind matched words (a soft yellow, readable in light and dark themes' text colour).
HIGHLIGHT = "#fde68a"
_WHERE = {"title": "title", "abstract": "abstract", "fulltext": "full text", "keywords": "keywords",
          "mesh": "source keywords"}


def evidence_rows(evidence: Any) -> list[tuple[str, str]]:
    """(topic, rich text) per topic: "<b>Topic</b>: <matched> (where), ...".

    >>> evidence_rows({"SASP": [{"field": "keywords", "term": "SASP", "source": "hal-keywords"}]})[0][1]
    '<b>SASP</b>: <span style="background-color:#fde68a; color:#000">SASP</span> (HAL keywords)'
    >>> evidence_rows({"TIS": [{"field": "abstract", "term": "irradiated … senescent", "rule": "r + s"}]})[0][1]
    '<b>TIS</b>: <span style="background-color:#fde68a; color:#000">irradiated … senescent</span> (abstract; <i>r + s</i>)'
    """
    if not isinstance(evidence, dict):
        return []
    rows = []
    for topic, found in evidence.items():
        items = list(found) if isinstance(found, list | tuple) else [found]
        shown = ", ".join(_match_html(x) for x in items[:SHOWN_PER_TAG])
        if len(items) > SHOWN_PER_TAG:
            shown += f", <i>and {len(items) - SHOWN_PER_TAG} more</i>"
        rows.append((str(topic), f"<b>{html.escape(str(topic))}</b>: {shown}"))
    return rows


def _match_html(value: Any) -> str:
    if not isinstance(value, dict):
        return html.escape(str(value))
    term = html.escape(str(value.get("term") or value.get("match") or value.get("text") or ""))
    field = str(value.get("field") or value.get("where") or "")
    if field == "implied":
        return f"implied by <i>{term}</i>"
    where = source_label(str(value["source"])) if value.get("source") else _WHERE.get(field, field)
    marked = f'<span style="background-color:{HIGHLIGHT}; color:#000">{term}</span>'
    said = [html.escape(where)] if where else []
    if value.get("rule"):
        said.append(f'<i>{html.escape(str(value["rule"]))}</i>')
    return f"{marked} ({'; '.join(said)})" if said else marked
