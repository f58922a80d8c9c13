"""Jobs as the status bar shows them: a progress bar while they run, a summary when one ends, and a
notice ("1 job failed — Show", "Retry Failed") that stays until the user opens or retries what failed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QProgressBar, QStatusBar, QToolButton, QWidget

from senref.gui.views.jobs_panel import JobsPanel
from senref.gui.workers.jobs import FAILED, Job, JobManager


class JobStatusController(QObject):
    """Follows the job manager's activity.

    Signals:
        job_failed(str, str, str): title, summary and details of a job that raised (the window shows them).
    """

    job_failed = Signal(str, str, str)

    def __init__(self, jobs: JobManager, *, status: QStatusBar, progress: QProgressBar, jobs_dock: QDockWidget,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.jobs, self.status, self.progress, self.jobs_dock = jobs, status, progress, jobs_dock
        #: finished jobs with failures the user has neither opened nor retried yet
        self.pending: list[Job] = []
        self.notice = QWidget(status)
        self.notice.setObjectName("jobFailureNotice")
        self.show_button = QToolButton(self.notice)
        self.show_button.setObjectName("showFailedJobs")
        self.retry_button = QToolButton(self.notice)
        self.retry_button.setObjectName("retryFailedJobs")
        self.retry_button.setText("Retry Failed")
        for button in (self.show_button, self.retry_button):
            button.setAutoRaise(True)
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.show_button)
        row.addWidget(self.retry_button)
        status.insertPermanentWidget(0, self.notice)
        self.notice.hide()
        self.show_button.clicked.connect(self.on_show_clicked)
        self.retry_button.clicked.connect(self.on_retry_clicked)
        jobs.activity_changed.connect(self.on_activity_changed)
        jobs.job_finished.connect(self.on_job_finished)
        jobs.job_changed.connect(self._refresh_notice)
        jobs.model.modelReset.connect(self._refresh_notice)

    def on_job_finished(self, job: Job) -> None:
        said = job.status_text if job.has_failures else job.summary or job.state
        self.status.showMessage(f"{job.title}: {said}", 15000)
        if job.state == FAILED:
            self.job_failed.emit(f"{job.title} failed", job.summary, job.details)
        if job.has_failures:
            self.pending.append(job)
        self._refresh_notice()
        if job.has_failures or any(line.startswith(("failed", "problem")) or "no PDF:" in line
                                   for line in job.lines):
            self.jobs_dock.show()

    def on_show_clicked(self) -> None:
        """Open the jobs panel on the newest failed job; the notice has done its work."""
        job = self.pending[-1] if self.pending else None
        self.pending.clear()
        self._refresh_notice()
        self.jobs_dock.show()
        self.jobs_dock.raise_()
        panel = self.jobs_dock.widget()
        if job is not None and isinstance(panel, JobsPanel):
            panel.select_job(job)

    def on_retry_clicked(self) -> None:
        """Run again what failed in every job the notice counts (only the failed works of each)."""
        jobs, self.pending = self.pending, []
        for job in jobs:
            if not job.retried and not job.active and job.can_retry:
                self.jobs.retry(job)
        self._refresh_notice()

    def _refresh_notice(self, *_args: Any) -> None:
        self.pending = [j for j in self.pending if j in self.jobs.model.jobs and not j.retried]
        if not self.pending:
            self.notice.hide()
            return
        count = len(self.pending)
        whole = any(j.state == FAILED or j.failures >= j.attempted > 0 for j in self.pending)
        word = "failed" if whole else "partly failed"
        self.show_button.setText(f"{count} job{'s' if count > 1 else ''} {word} — Show")
        self.show_button.setToolTip("\n".join(f"{j.title}: {j.status_text}" for j in self.pending))
        self.retry_button.setVisible(any(j.can_retry for j in self.pending))
        self.notice.show()

    def on_activity_changed(self, active: int, done: int, total: int) -> None:
        self.progress.setVisible(active > 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"{done}/{total}")
        else:
            self.progress.setRange(0, 0)  # busy indicator until a job reports its size
