"""Export Library / Export Collection: a format, whether to copy the stored files, where to write, and
whether to keep the file in sync (then the sync target's first write is the export)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
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

from senref.actions.sync import new_target
from senref.sync.targets import SYNC_FORMATS, Scope, Target

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
#: The dialog's result when the file became a sync target instead of a one-off export (`accepted` is not
#: emitted then, so no export job races the target's first write).
KEPT_IN_SYNC = 2


class ExportDialog(QDialog):
    """The user picks a format and a file; `format_name()`, `target()` and `with_files()` read the choice.

    "Keep this file in sync" shows when the opener gives a *sync_handler* (it keeps the target and returns
    "" or why not); *sync_scope* (the whole library unless given) is what the target keeps.
    """

    def __init__(self, scope_label: str, count: int, start_dir: Path, base_name: str, parent: Any = None, *,
                 sync_handler: Callable[[Target], str] | None = None, sync_scope: Scope | None = None) -> None:
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
        self.keep_in_sync = QCheckBox("Keep this file in sync (rewritten as the library changes, edits read back)",
                                      self)
        self.keep_in_sync.setObjectName("keepInSync")
        self.sync_handler = sync_handler
        self.keep_in_sync.setVisible(sync_handler is not None)
        self.sync_scope = sync_scope or Scope()
        self.problem = QLabel(self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
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
        form.addRow("", self.keep_in_sync)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export")
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.problem)
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

    def accept(self) -> None:
        if self.sync_handler is None or not (self.keep_in_sync.isEnabled() and self.keep_in_sync.isChecked()):
            super().accept()
            return
        target = new_target(path=str(self.target()), format_name=self.format_name(), scope=self.sync_scope,
                            with_files=self.with_files())
        problem = self.sync_handler(target)
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.done(KEPT_IN_SYNC)

    def on_format_changed(self, _index: int) -> None:
        self.include_files.setEnabled(self.format_name() in FILE_FORMATS)
        self.keep_in_sync.setEnabled(self.format_name() in SYNC_FORMATS)
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
