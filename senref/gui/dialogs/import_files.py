"""Import confirmation: what each dropped or opened bibliography file holds, and where it will go.

The files are sniffed and counted on a pool thread (`inspect_files_job`); the dialog shows
"counting…" until each number arrives, and stops the count when it closes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from senref.core.library import Collection
from senref.gui.dialogs.collection_choice import CollectionChoice
from senref.gui.jobs_library import FileSummary, inspect_files_job
from senref.gui.workers.worker import Worker


def describe(summary: FileSummary) -> str:
    """One line for a file: its format and what it holds.

    >>> describe(FileSummary(Path("a.bib"), "bibtex", "BibTeX", 12, 1))
    'BibTeX — 12 entries, 1 unreadable'
    >>> describe(FileSummary(Path("a.bib"), "bibtex", "BibTeX"))
    'BibTeX — counting…'
    """
    if not summary.readable:
        return "not a bibliography format senref reads"
    if summary.entries is None:
        return f"{summary.label} — counting…"
    text = f"{summary.label} — {summary.entries} entr{'y' if summary.entries == 1 else 'ies'}"
    return text + (f", {summary.problems} unreadable" if summary.problems else "")


class ImportFilesDialog(QDialog):
    """Confirm an import. Emits `import_confirmed(paths, collection key)` with the readable files.

    Signals:
        import_confirmed(list, object): the readable files and the target collection key (or None).
        inspected(): every file was sniffed and counted (the Import button is then enabled).
    """

    import_confirmed = Signal(list, object)
    inspected = Signal()

    def __init__(self, paths: list[Path], collections: list[Collection], current: str | None,
                 pool: QThreadPool, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("importFilesDialog")
        self.setWindowTitle("Import Bibliography" if len(paths) == 1 else f"Import {len(paths)} Files")
        self.paths = list(paths)
        self.summaries: dict[Path, FileSummary] = {p: FileSummary(p) for p in paths}
        self.rows: dict[Path, QLabel] = {}
        #: every file sniffed and counted (or the inspection failed): the dialog says all it will say
        self.inspection_done = False
        files = QFormLayout()
        for path in paths:
            label = QLabel("checking…", self)
            label.setObjectName("fileSummary")
            self.rows[path] = label
            name = QLabel(path.name, self)
            name.setToolTip(str(path))
            files.addRow(name, label)
        self.collection = CollectionChoice(collections, current, self)
        target = QFormLayout()
        target.addRow("Import into", self.collection)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.ok_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(files)
        layout.addLayout(target)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.accepted.connect(self.on_accepted)
        self.finished.connect(self.on_finished)

        self.worker = Worker(inspect_files_job(self.paths))
        # Bound slots of this dialog: Qt queues the worker's emits to the GUI thread and drops them
        # once the dialog is gone.
        self.worker.signals.progressed.connect(self.on_file_inspected)
        self.worker.signals.finished.connect(self.on_inspection_finished)
        self.worker.signals.failed.connect(self.on_inspection_failed)
        pool.start(self.worker)

    def readable_paths(self) -> list[Path]:
        return [p for p in self.paths if self.summaries[p].readable]

    def on_file_inspected(self, summary: FileSummary) -> None:
        self.summaries[summary.path] = summary
        self.rows[summary.path].setText(describe(summary))
        # Importing can start before counting ends: the count only informs the choice.
        self.ok_button.setEnabled(bool(self.readable_paths()))

    def on_inspection_finished(self, summaries: list[FileSummary]) -> None:
        for summary in summaries:
            self.on_file_inspected(summary)
        self.inspection_done = True
        self.inspected.emit()

    def on_inspection_failed(self, message: str, _details: str) -> None:
        for path, label in self.rows.items():
            if self.summaries[path].entries is None:
                label.setText(f"cannot read: {message}")
        self.inspection_done = True
        self.inspected.emit()

    def on_accepted(self) -> None:
        readable = self.readable_paths()
        if readable:
            self.import_confirmed.emit(readable, self.collection.key())

    def on_finished(self, _result: int) -> None:
        self.worker.cancel()  # a count still running stops at its next entry
