"""The jobs panel: every fetch and import with its state, per-item log and "why no PDF" reasons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from senref.gui.workers.jobs import Job, JobManager


class JobsPanel(QWidget):
    """Jobs table with Cancel / Retry failed / Clear finished; the selected job's log below."""

    def __init__(self, manager: JobManager, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobsPanel")
        self.manager = manager
        self.table = QTableView(self)
        self.table.setModel(manager.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 240)  # room for "partly failed: 2 of 5" before the summary
        self.table.setWordWrap(False)  # one line a job; the summary after the state word is elided
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setPlaceholderText("Select a job to see each item's state and why a PDF was not found.")
        self.cancel_button = QPushButton("Cancel", self)
        self.retry_button = QPushButton("Retry Failed", self)
        self.clear_button = QPushButton("Clear Finished", self)
        buttons = QHBoxLayout()
        for button in (self.cancel_button, self.retry_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.log)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.retry_button.clicked.connect(self.on_retry_clicked)
        self.clear_button.clicked.connect(self.manager.model.clear_finished)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        manager.job_changed.connect(self.on_job_changed)
        manager.model.modelReset.connect(self._update_buttons)
        manager.model.rowsInserted.connect(self._update_buttons)
        self._update_buttons()

    def selected_job(self) -> Job | None:
        rows = self.table.selectionModel().selectedRows()
        jobs = self.manager.model.jobs
        return jobs[rows[0].row()] if rows and rows[0].row() < len(jobs) else None

    def on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show(self.selected_job())

    def on_job_changed(self, job: Job) -> None:
        if job is self.selected_job():
            self._show(job)
        self._update_buttons()

    def on_cancel_clicked(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.manager.cancel(job)

    def select_job(self, job: Job) -> None:
        """Show *job*'s row and its log (the status bar's "Show" leads here)."""
        if job in self.manager.model.jobs:
            row = self.manager.model.jobs.index(job)
            self.table.selectRow(row)
            self.table.scrollTo(self.manager.model.index(row, 0))

    def on_retry_clicked(self) -> None:
        job = self.selected_job()
        if job is not None and not job.active and job.can_retry:
            self.manager.retry(job)
        else:  # no retryable job chosen: retry what failed in every finished job
            self.manager.retry_failed()

    def _show(self, job: Job | None) -> None:
        self.log.setPlainText("" if job is None else "\n".join([job.title, *job.lines]))
        self._update_buttons()

    def _update_buttons(self) -> None:
        job = self.selected_job()
        self.cancel_button.setEnabled(job is not None and job.active)
        chosen = job is not None and not job.active and job.can_retry
        self.retry_button.setEnabled(chosen or bool(self.manager.failed_jobs()))
