"""Settings: library folder, contact e-mail for the polite pools, default collection for drops, PDF downloads."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from senref.core.library import Collection
from senref.core.settings import Settings


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `apply_to(settings)` writes the choices back."""

    def __init__(self, settings: Settings, collections: list[Collection], library_folder: str,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("senref Settings")
        self.setObjectName("settingsDialog")
        self.library = QLineEdit(settings.library or library_folder, self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self.on_browse_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.library, 1)
        folder_row.addWidget(browse)
        self.email = QLineEdit(settings.email, self)
        self.email.setPlaceholderText("you@lab.example")
        self.email.setToolTip("Sent to Crossref and Unpaywall, which ask for a contact address")
        self.collection = QComboBox(self)
        self.collection.addItem("None (My Library)", "")
        for col in sorted(collections, key=lambda c: c.name.casefold()):
            self.collection.addItem(col.name, col.key)
        self.collection.setCurrentIndex(max(0, self.collection.findData(settings.default_collection)))
        self.download_pdfs = QCheckBox("Download open-access PDFs when adding items", self)
        self.download_pdfs.setChecked(settings.download_pdfs)
        self.zotero_minutes = QSpinBox(self)
        self.zotero_minutes.setObjectName("zoteroSyncMinutes")
        self.zotero_minutes.setRange(0, 10_080)
        self.zotero_minutes.setSuffix(" min")
        self.zotero_minutes.setSpecialValueText("only when asked")
        self.zotero_minutes.setValue(settings.zotero_sync_minutes)
        self.integrity_days = QSpinBox(self)
        self.integrity_days.setObjectName("integrityCheckDays")
        self.integrity_days.setRange(0, 365)
        self.integrity_days.setSuffix(" days")
        self.integrity_days.setSpecialValueText("only when asked")
        self.integrity_days.setValue(settings.integrity_check_days)
        self.watch_days = QSpinBox(self)
        self.watch_days.setObjectName("watchRunDays")
        self.watch_days.setRange(0, 365)
        self.watch_days.setSuffix(" days")
        self.watch_days.setSpecialValueText("only when asked")
        self.watch_days.setValue(settings.watch_run_days)
        form = QFormLayout()
        form.addRow("Library folder", folder_row)
        form.addRow("Contact e-mail", self.email)
        form.addRow("Default collection for drops", self.collection)
        form.addRow("", self.download_pdfs)
        form.addRow("Sync with Zotero every", self.zotero_minutes)
        form.addRow("Check for retractions every", self.integrity_days)
        form.addRow("Look for new papers (watches) every", self.watch_days)
        note = QLabel("A new library folder is used the next time senref starts.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library folder", self.library.text())
        if folder:
            self.library.setText(folder)

    def apply_to(self, settings: Settings, library_folder: str) -> None:
        chosen = self.library.text().strip()
        settings.library = "" if chosen == library_folder and not settings.library else chosen
        settings.email = self.email.text().strip()
        settings.default_collection = str(self.collection.currentData() or "")
        settings.download_pdfs = self.download_pdfs.isChecked()
        settings.zotero_sync_minutes = self.zotero_minutes.value()
        settings.integrity_check_days = self.integrity_days.value()
        settings.watch_run_days = self.watch_days.value()
