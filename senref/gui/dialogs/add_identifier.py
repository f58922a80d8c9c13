"""Add by Identifier: one or many DOIs, HAL ids, PMIDs, arXiv ids, URLs, or any pasted citation text."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout

from senref.core.library import Collection


class AddIdentifierDialog(QDialog):
    def __init__(self, collections: list[Collection], current: str | None, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add by Identifier")
        self.setObjectName("addIdentifierDialog")
        hint = QLabel("Enter DOIs, HAL ids (inserm-03547029), PMIDs, arXiv ids or links — one or many, "
                      "or paste a whole citation or reference list.", self)
        hint.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText("10.1093/jnci/djab064\ninserm-03547029")
        self.collection = QComboBox(self)
        self.collection.addItem("My Library (no collection)", None)
        for col in sorted(collections, key=lambda c: c.name.casefold()):
            self.collection.addItem(col.name, col.key)
        self.collection.setCurrentIndex(max(0, self.collection.findData(current)))
        form = QFormLayout()
        form.addRow("Add to", self.collection)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add")
        ok.setEnabled(False)
        self.ok_button = ok
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.text, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self.on_text_changed)
        self.resize(480, 300)

    def on_text_changed(self) -> None:
        self.ok_button.setEnabled(bool(self.text.toPlainText().strip()))

    def entered_text(self) -> str:
        return self.text.toPlainText().strip()

    def collection_key(self) -> str | None:
        key = self.collection.currentData()
        return str(key) if key else None
