"""The Info section: item type, the fields of that type (editable), and identifiers as links."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from senref.core.edit import field_value
from senref.core.model import Item
from senref.core.schema import ITEM_TYPES, field_label, fields_for, type_label

#: Where an identifier is shown as a link.
_LINKS = {
    "doi": "https://doi.org/{}", "hal": "https://hal.science/{}", "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/", "arxiv": "https://arxiv.org/abs/{}",
}


class FieldsEditor(QWidget):
    """`field_edited(name, value)` when a field loses focus changed; `type_changed(item_type)`."""

    field_edited = Signal(str, str)
    type_changed = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.type_box = QComboBox(self)
        self.identifiers = QLabel(self)
        self.type_box.hide()  # placeholders until the first item is shown
        self.identifiers.hide()
        self.editors: dict[str, QLineEdit] = {}
        self.item: Item | None = None

    def show_item(self, item: Item) -> None:
        same_type = self.item is not None and self.item.item_type == item.item_type and bool(self.editors)
        self.item = item
        if same_type:  # same form: refresh the values only (rebuilding 30 editors costs a frame)
            for name, editor in self.editors.items():
                if not editor.hasFocus():
                    editor.setText(self._value(item, name))
                    editor.setCursorPosition(0)
            self.identifiers.setText(identifier_links(item))
            return
        # removeRow deletes each row's widgets, so the combo and the label are rebuilt with the form.
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        self.type_box = QComboBox(self)
        for item_type in sorted(ITEM_TYPES, key=type_label):
            self.type_box.addItem(type_label(item_type), item_type)
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(item.item_type)))
        self.type_box.activated.connect(self.on_type_activated)
        self.form.addRow("Item Type", self.type_box)
        for name in fields_for(item.item_type):
            if name == "abstractNote":
                continue  # the Abstract tab edits it with room to read
            editor = QLineEdit(self)
            editor.setObjectName(f"field_{name}")
            editor.setText(self._value(item, name))
            editor.setCursorPosition(0)
            editor.editingFinished.connect(lambda n=name, e=editor: self.on_editor_finished(n, e))
            self.editors[name] = editor
            self.form.addRow(field_label(name), editor)
        self.identifiers = QLabel(self)
        self.identifiers.setTextFormat(Qt.TextFormat.RichText)  # only our own markup: values are escaped
        self.identifiers.setOpenExternalLinks(True)
        self.identifiers.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.identifiers.setWordWrap(True)
        self.identifiers.setText(identifier_links(item))
        self.form.addRow("Identifiers", self.identifiers)

    @staticmethod
    def _value(item: Item, name: str) -> str:
        return field_value(item, name)

    def on_editor_finished(self, name: str, editor: QLineEdit) -> None:
        if self.item is None:
            return
        value = editor.text().strip()
        if value != self._value(self.item, name):
            self.field_edited.emit(name, value)

    def on_type_activated(self, index: int) -> None:
        item_type = str(self.type_box.itemData(index))
        if self.item is not None and item_type != self.item.item_type:
            self.type_changed.emit(item_type)


def identifier_links(item: Item) -> str:
    """HTML links for the item's identifiers (every value escaped: they come from remote data)."""
    parts = []
    for scheme, value in item.identifiers.items():
        pattern = _LINKS.get(scheme)
        shown = html.escape(value)
        label = html.escape(scheme.upper() if scheme != "arxiv" else "arXiv")
        if pattern:
            url = html.escape(pattern.format(value), quote=True)
            parts.append(f'{label}: <a href="{url}">{shown}</a>')
        else:
            parts.append(f"{label}: {shown}")
    return "<br>".join(parts) or "—"
