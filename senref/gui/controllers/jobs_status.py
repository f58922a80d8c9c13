"""Jobs as the status bar shows them: a progress bar while they run, a summary when one ends, the jobs dock
opened when one failed or left problems to read."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QProgressBar, QStatusBar

from senref.gui.workers.jobs import FAILED, Job, JobManager


class JobStatusController(QObject):
    """Follows the job manager's activity.

    Signals:
        job_failed(str, str, str): title, summary and details of a job that failed (the window shows them).
    """

    job_failed = Signal(str, str, str)

    def __init__(self, jobs: JobManager, *, status: QStatusBar, progress: QProgressBar, jobs_dock: QDockWidget,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.status, self.progress, self.jobs_dock = status, progress, jobs_dock
        jobs.activity_changed.connect(self.on_activity_changed)
        jobs.job_finished.connect(self.on_job_finished)

    def on_job_finished(self, job: Job) -> None:
        if job.state == FAILED:
            self.job_failed.emit(f"{job.title} failed", job.summary, job.details)
        else:
            self.status.showMessage(f"{job.title}: {job.summary}", 8000)
        if job.state == FAILED or any(line.startswith(("failed", "problem")) or "no PDF:" in line
                                      for line in job.lines):
            self.jobs_dock.show()

    def on_activity_changed(self, active: int, done: int, total: int) -> None:
        self.progress.setVisible(active > 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"{done}/{total}")
        else:
            self.progress.setRange(0, 0)  # busy indicator until a job reports its size
