"""Export Library / Export Collection: a format, whether to copy the stored files, and where to write."""

from __future__ import annotations

from pathlib import Path
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
    QVBoxLayout,
)

#: The formats offered, in Zotero's export dialog order: (registry name, label, extension).
EXPORT_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("zotero-rdf", "Zotero RDF", ".rdf"),
    ("csljson", "CSL JSON", ".json"),
    ("bibtex", "BibTeX", ".bib"),
    ("biblatex", "BibLaTeX", ".bib"),
    ("ris", "RIS", ".ris"),
    ("json", "senref JSON", ".json"),
)
#: Formats whose files can point at copied attachments (the others carry no file paths).
FILE_FORMATS = frozenset({"zotero-rdf", "bibtex", "biblatex", "ris", "json"})


class ExportDialog(QDialog):
    """The user picks a format and a file; `format_name()`, `target()` and `with_files()` read the choice."""

    def __init__(self, scope_label: str, count: int, start_dir: Path, base_name: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(f"Export {scope_label}")
        self.base_name = base_name
        self.start_dir = start_dir
        what = QLabel(f"{scope_label}: {count:,} item{'s' if count != 1 else ''}", self)
        self.format = QComboBox(self)
        for name, label, _ext in EXPORT_FORMATS:
            self.format.addItem(label, name)
        self.include_files = QCheckBox("Include files (copied into files/ beside the export)", self)
        self.path = QLineEdit(self)
        self.path.setObjectName("exportPath")
        browse = QPushButton("Choose…", self)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("", self.include_files)
        form.addRow("Save as", row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export")
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        browse.clicked.connect(self.on_browse_clicked)
        self.format.currentIndexChanged.connect(self.on_format_changed)
        self.path.textChanged.connect(self.on_path_changed)
        self.on_format_changed(0)

    def format_name(self) -> str:
        return str(self.format.currentData())

    def extension(self) -> str:
        return next(ext for name, _label, ext in EXPORT_FORMATS if name == self.format_name())

    def target(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def with_files(self) -> bool:
        return self.include_files.isEnabled() and self.include_files.isChecked()

    def on_format_changed(self, _index: int) -> None:
        self.include_files.setEnabled(self.format_name() in FILE_FORMATS)
        text = self.path.text().strip()
        if not text:
            self.path.setText(str(self.start_dir / f"{self.base_name}{self.extension()}"))
            return
        # Keep the chosen folder and name; only the extension follows the format.
        current = Path(text)
        self.path.setText(str(current.with_suffix(self.extension())))

    def on_path_changed(self, text: str) -> None:
        self.ok_button.setEnabled(bool(text.strip()) and not text.strip().endswith(("/", "\\")))

    def on_browse_clicked(self) -> None:
        label = self.format.currentText()
        chosen, _ = QFileDialog.getSaveFileName(self, "Export", str(self.target()),
                                                f"{label} (*{self.extension()});;All files (*)")
        if chosen:
            self.path.setText(chosen)
