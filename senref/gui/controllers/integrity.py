"""Tools > Check for Retractions and Corrections, and the check the window runs on its own every
`[integrity] check_days` days (the check itself asks only items not asked within that time)."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction

from senref.core.library import Library
from senref.core.settings import Settings
from senref.gui.gui_settings import window_settings
from senref.gui.workers import remote_jobs
from senref.gui.workers.jobs import Job, JobManager
from senref.gui.workers.remote import RemoteJob, remote_job

TITLE = "Check for retractions"
#: How often the schedule is looked at; the schedule itself is in days.
TICK_MS = 15 * 60 * 1000
LAST_RUN = "integrity/last_run"


def is_integrity_check(job: Job) -> bool:
    return isinstance(job.fn, RemoteJob) and job.fn.call.fn is remote_jobs.check_integrity


class IntegrityController(QObject):
    def __init__(self, library: Library, settings: Settings, *, jobs: JobManager, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.settings, self.jobs = library, settings, jobs
        self.action = QAction("Check for Retractions and Corrections", self)
        self.action.setStatusTip("Ask Crossref, Retraction Watch and PubMed about items not checked recently")
        self.action.triggered.connect(self.check_now)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.on_tick)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def running(self) -> bool:
        return any(j.active and is_integrity_check(j) for j in self.jobs.model.jobs)

    def check_now(self) -> Job | None:
        if self.running():
            return None
        window_settings().setValue(LAST_RUN, time.time())
        return self.jobs.submit(TITLE, remote_job(self.library, remote_jobs.check_integrity, settings=self.settings))

    def on_tick(self) -> None:
        days = self.settings.integrity_check_days
        if days <= 0 or self.running():
            return
        try:
            last = float(window_settings().value(LAST_RUN) or 0)
        except (TypeError, ValueError):
            last = 0.0
        if time.time() - last >= days * 86_400:
            self.check_now()
