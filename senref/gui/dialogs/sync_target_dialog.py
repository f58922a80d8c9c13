"""Keep in Sync… / Edit target: a format, a file, "with files" and the items kept (the CLI's `sync add` options)."""

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
from senref.core.library import Collection
from senref.gui.dialogs.export_dialog import EXPORT_FORMATS
from senref.sync.targets import SYNC_FORMATS, Scope, Target

#: (format, label, extension) for the formats a target can keep current, in the export dialog's order.
SYNC_CHOICES = tuple(entry for entry in EXPORT_FORMATS if entry[0] in SYNC_FORMATS)
SCOPE_LABELS = (("library", "Whole library"), ("collection", "Collection"), ("tag", "Tag"),
                ("search", "Search"))


class SyncTargetDialog(QDialog):
    """`target()` builds the Target the user described, through the same action the CLI uses."""

    def __init__(self, collections: list[Collection], *, scope: Scope | None = None, start_dir: Path,
                 base_name: str = "library", existing: Target | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncTargetDialog")
        self.setWindowTitle("Edit Sync Target" if existing else "Keep in Sync")
        scope = existing.scope if existing else (scope or Scope())
        self.format = QComboBox(self)
        for name, label, _ext in SYNC_CHOICES:
            self.format.addItem(label, name)
        self.path = QLineEdit(self)
        self.path.setObjectName("syncPath")
        browse = QPushButton("Choose…", self)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.with_files = QCheckBox("With files (attachments copied into files/ beside it)", self)
        self.scope_kind = QComboBox(self)
        for kind, label in SCOPE_LABELS:
            self.scope_kind.addItem(label, kind)
        self.collection = QComboBox(self)
        for col in sorted(collections, key=lambda c: c.name.casefold()):
            self.collection.addItem(col.name, col.key)
        self.recursive = QCheckBox("Include subcollections", self)
        self.scope_text = QLineEdit(self)
        self.scope_text.setObjectName("syncScopeText")
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("File", row)
        form.addRow("", self.with_files)
        form.addRow("Items", self.scope_kind)
        form.addRow("", self.collection)
        form.addRow("", self.recursive)
        form.addRow("", self.scope_text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save" if existing else "Keep in Sync")
        #: why the last OK was refused (a clashing path...), shown in the dialog, which stays open
        self.problem = QLabel(self)
        self.problem.setObjectName("syncTargetProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # paths are never markup
        self.problem.hide()
        #: called with the target on OK; returns why it cannot be kept, or "" once it is
        self.submit: Callable[[Target], str] = lambda _target: ""
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        browse.clicked.connect(self.on_browse_clicked)
        self.path.textChanged.connect(self._update_ok)
        self.scope_text.textChanged.connect(self._update_ok)
        self.scope_kind.currentIndexChanged.connect(self.on_scope_kind_changed)

        self.scope_kind.setCurrentIndex(max(0, self.scope_kind.findData(scope.kind)))
        if scope.kind == "collection":
            self.collection.setCurrentIndex(max(0, self.collection.findData(scope.value)))
            self.recursive.setChecked(scope.recursive)
        elif scope.kind in ("tag", "search"):
            self.scope_text.setText(scope.value)
        if existing is not None:
            self.format.setCurrentIndex(max(0, self.format.findData(existing.format)))
            self.path.setText(existing.path)
            self.with_files.setChecked(existing.with_files)
        else:
            # BibTeX first: the format most kept-current files are (a LaTeX paper's .bib), and read back.
            self.format.setCurrentIndex(max(0, self.format.findData("bibtex")))
            self.path.setText(str(start_dir / f"{base_name}{self.extension()}"))
        self.format.currentIndexChanged.connect(self.on_format_changed)
        self.on_scope_kind_changed(self.scope_kind.currentIndex())

    def format_name(self) -> str:
        return str(self.format.currentData())

    def extension(self) -> str:
        return next(ext for name, _label, ext in SYNC_CHOICES if name == self.format_name())

    def scope(self) -> Scope:
        kind = str(self.scope_kind.currentData())
        if kind == "collection":
            return Scope("collection", str(self.collection.currentData() or ""), self.recursive.isChecked())
        if kind in ("tag", "search"):
            return Scope(kind, self.scope_text.text().strip())
        return Scope()

    def target(self) -> Target:
        """A new, not yet kept target (the service validates it when adding)."""
        return new_target(path=str(Path(self.path.text().strip()).expanduser()), format_name=self.format_name(),
                          scope=self.scope(), with_files=self.with_files.isChecked())

    def accept(self) -> None:
        problem = self.submit(self.target())
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        super().accept()

    def on_format_changed(self, _index: int) -> None:
        text = self.path.text().strip()
        if text:
            self.path.setText(str(Path(text).with_suffix(self.extension())))

    def on_scope_kind_changed(self, _index: int) -> None:
        kind = self.scope_kind.currentData()
        self.collection.setVisible(kind == "collection")
        self.recursive.setVisible(kind == "collection")
        self.scope_text.setVisible(kind in ("tag", "search"))
        self.scope_text.setPlaceholderText("tag name" if kind == "tag" else "search words")
        self._update_ok()

    def _update_ok(self) -> None:
        kind = self.scope_kind.currentData()
        path = self.path.text().strip()
        scope_ok = (kind == "library" or (kind == "collection" and self.collection.count() > 0)
                    or (kind in ("tag", "search") and bool(self.scope_text.text().strip())))
        self.ok_button.setEnabled(bool(path) and not path.endswith(("/", "\\")) and scope_ok)

    def on_browse_clicked(self) -> None:
        label = self.format.currentText()
        chosen, _ = QFileDialog.getSaveFileName(self, "Keep in Sync", self.path.text().strip(),
                                                f"{label} (*{self.extension()});;All files (*)")
        if chosen:
            path = Path(chosen)
            self.path.setText(str(path if path.suffix else path.with_suffix(self.extension())))
