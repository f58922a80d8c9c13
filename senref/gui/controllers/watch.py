"""Tools > Look for New Papers (the saved watches, into the Inbox) and Find Published Versions of Preprints;
the update a preprint's banner offers; and the watches' own schedule (`[watches] run_days`)."""

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

WATCH_TITLE = "Look for new papers"
VERSIONS_TITLE = "Find published versions"
#: How often the schedule is looked at (its own interval: the backup and integrity timers have theirs).
TICK_MS = 20 * 60 * 1000
LAST_RUN = "watch/last_run"


def _runs(job: Job, fn: Any) -> bool:
    return isinstance(job.fn, RemoteJob) and job.fn.call.fn is fn


class WatchController(QObject):
    def __init__(self, library: Library, settings: Settings, *, jobs: JobManager, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.settings, self.jobs = library, settings, jobs
        self.watch_action = QAction("Look for New Papers (Watches)", self)
        self.watch_action.setStatusTip("Run the saved watches; new papers go to the Inbox, tagged and de-duplicated")
        self.watch_action.triggered.connect(self.run_now)
        self.versions_action = QAction("Find Published Versions of Preprints", self)
        self.versions_action.setStatusTip("Ask Crossref, bioRxiv, PubMed, HAL and arXiv which preprints got published")
        self.versions_action.triggered.connect(self.find_versions)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.on_tick)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _busy(self, fn: Any) -> bool:
        return any(j.active and _runs(j, fn) for j in self.jobs.model.jobs)

    def run_now(self) -> Job | None:
        if self._busy(remote_jobs.run_watches):
            return None
        window_settings().setValue(LAST_RUN, time.time())
        return self.jobs.submit(WATCH_TITLE, remote_job(self.library, remote_jobs.run_watches, settings=self.settings))

    def find_versions(self, keys: list[str] | None = None) -> Job | None:
        if self._busy(remote_jobs.find_versions):
            return None
        return self.jobs.submit(VERSIONS_TITLE, remote_job(self.library, remote_jobs.find_versions,
                                                           settings=self.settings, keys=keys or None))

    def update_to_published(self, key: str) -> Job:
        return self.jobs.submit("Update to the published version", remote_job(
            self.library, remote_jobs.update_to_published, settings=self.settings, key=key))

    def on_tick(self) -> None:
        days = self.settings.watch_run_days
        if days <= 0 or self._busy(remote_jobs.run_watches):
            return
        try:
            last = float(window_settings().value(LAST_RUN) or 0)
        except (TypeError, ValueError):
            last = 0.0
        if time.time() - last >= days * 86_400:
            self.run_now()
