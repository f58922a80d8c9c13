"""The jobs list: every background job with its state, progress, per-item log, cancel and retry."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QThreadPool, Signal

from senref.gui.workers.processes import ProcessPool, ProcessWorker, ProgressBatch
from senref.gui.workers.progress import failure_counts, merge_lines, read_event, report_lines, summarize
from senref.gui.workers.remote import RemoteJob
from senref.gui.workers.worker import JobFunction, Worker

Index = QModelIndex | QPersistentModelIndex
QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
_ids = itertools.count(1)


@dataclass
class Job:
    """One background job as the user sees it in the jobs panel."""

    title: str
    #: a RemoteJob runs in a worker process; a JobFunction (short, mostly waiting) on a thread
    fn: JobFunction | RemoteJob
    #: builds the job that retries what failed (from the finished job), None when nothing to retry
    retry_fn: Callable[[Job], JobFunction | RemoteJob | None] | None = None
    state: str = QUEUED
    done: int = 0
    total: int = 0
    summary: str = ""
    details: str = ""
    lines: list[str] = field(default_factory=list)
    result: Any = None
    #: works (or entries) the finished job's report says failed, and how many it tried (0: unknown)
    failures: int = 0
    attempted: int = 0
    #: set once Retry Failed ran for this job, so "retry what failed" does not run it twice
    retried: bool = False
    worker: Worker | ProcessWorker | None = None
    relay: QObject | None = None
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def has_failures(self) -> bool:
        """Finished with an error, or done with some of its works failed."""
        return self.state == FAILED or (self.state == DONE and self.failures > 0)

    @property
    def status_text(self) -> str:
        """The state column: the state word first ("failed: 1 of 1", "partly failed: 2 of 5 — …")."""
        if self.state == DONE and self.failures:
            whole = self.attempted and self.failures >= self.attempted
            word = "failed" if whole else "partly failed"
            count = f"{self.failures} of {self.attempted}" if self.attempted else f"{self.failures} problems"
            return f"{word}: {count}" + (f" — {self.summary}" if self.summary else "")
        return f"{self.state}: {self.summary}" if self.summary else self.state

    @property
    def can_retry(self) -> bool:
        if self.state in (FAILED, CANCELLED):
            return True
        return self.state == DONE and self.retry_fn is not None and self.retry_fn(self) is not None


class JobsModel(QAbstractTableModel):
    """Rows are jobs (newest last): title, state, progress."""

    HEADERS = ("Job", "State", "Progress")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default index
        return 0 if parent.isValid() else len(self.jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < 3:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.jobs):
            return None
        job = self.jobs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return job.title
            if index.column() == 1:
                return job.status_text
            return f"{job.done}/{job.total}" if job.total else (str(job.done) if job.done else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            head = [job.status_text] if index.column() == 1 else []
            return "\n".join(head + job.lines[-20:]) or job.title
        return None

    def add(self, job: Job) -> None:
        row = len(self.jobs)
        self.beginInsertRows(QModelIndex(), row, row)
        self.jobs.append(job)
        self.endInsertRows()

    def changed(self, job: Job) -> None:
        if job in self.jobs:
            row = self.jobs.index(job)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def clear_finished(self) -> None:
        keep = [job for job in self.jobs if job.active]
        self.beginResetModel()
        self.jobs = keep
        self.endResetModel()


class JobManager(QObject):
    """Starts jobs on a thread pool and keeps the jobs model current (GUI thread only)."""

    job_changed = Signal(object)
    job_finished = Signal(object)  # the Job, after finished or failed or cancelled
    activity_changed = Signal(int, int, int)  # active jobs, items done, items total (status bar)

    def __init__(self, pool: QThreadPool | None = None, parent: Any = None, *,
                 processes: ProcessPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.processes = processes or ProcessPool(parent=self)
        self.model = JobsModel(self)

    def submit(self, title: str, fn: JobFunction | RemoteJob,
               retry_fn: Callable[[Job], JobFunction | RemoteJob | None] | None = None) -> Job:
        job = Job(title, fn, retry_fn)
        self.model.add(job)
        self._start(job)
        return job

    def _start(self, job: Job) -> None:
        worker: Worker | ProcessWorker = ProcessWorker(job.fn) if isinstance(job.fn, RemoteJob) else Worker(job.fn)
        job.worker, job.state, job.done, job.total = worker, QUEUED, 0, 0
        job.summary = job.details = ""
        # Bound methods of a GUI-thread QObject (not lambdas) so Qt queues the worker's emits to it.
        relay = _JobRelay(self, job)
        job.relay = relay
        sig = worker.signals
        sig.started.connect(relay.on_started)
        sig.progressed.connect(relay.on_progressed)
        sig.finished.connect(relay.on_finished)
        sig.failed.connect(relay.on_failed)
        self._emit_activity()
        if isinstance(worker, ProcessWorker):
            self.processes.start(worker)
        else:
            self.pool.start(worker)

    def on_progressed(self, job: Job, event: Any) -> None:
        for one in event if isinstance(event, ProgressBatch) else [event]:
            step = read_event(one)
            if step.total is not None:
                job.total = step.total
            if step.done is not None:
                job.done = step.done
            if step.line:
                job.lines.append(step.line)
        self._update(job)

    def on_finished(self, job: Job, result: Any) -> None:
        job.result = result
        job.state = CANCELLED if job.worker is not None and job.worker.cancelled else DONE
        job.summary = summarize(result)
        job.failures, job.attempted = failure_counts(result)
        # Progress already logged some of these lines as they happened: the report's copy is the one kept.
        job.lines = merge_lines(job.lines, report_lines(result))
        self._update(job)
        self.job_finished.emit(job)

    def on_failed(self, job: Job, message: str, details: str) -> None:
        job.state = CANCELLED if job.worker is not None and job.worker.cancelled else FAILED
        job.summary, job.details = message, details
        job.lines.append(f"error: {message}")
        self._update(job)
        self.job_finished.emit(job)

    def _update(self, job: Job, state: str | None = None) -> None:
        if state is not None:
            job.state = state
        self.model.changed(job)
        self.job_changed.emit(job)
        self._emit_activity()

    def _emit_activity(self) -> None:
        active = [j for j in self.model.jobs if j.active]
        self.activity_changed.emit(len(active), sum(j.done for j in active), sum(j.total for j in active))

    def cancel(self, job: Job) -> None:
        if job.worker is not None and job.active:
            job.worker.cancel()
            # A queued job that never started is taken off the pool at once.
            if job.state == QUEUED and self._take(job.worker):
                job.state = CANCELLED
                self._update(job)
                self.job_finished.emit(job)

    def _take(self, worker: Worker | ProcessWorker) -> bool:
        if isinstance(worker, ProcessWorker):
            return self.processes.try_take(worker)
        return self.pool.tryTake(worker)

    def cancel_all(self) -> None:
        for job in list(self.model.jobs):
            self.cancel(job)

    def retry(self, job: Job) -> Job | None:
        """Run the failed part again as a new job (the whole job when it failed outright)."""
        if job.active:
            return None
        fn = job.retry_fn(job) if job.retry_fn is not None and job.state == DONE else job.fn
        if fn is None:
            return None
        job.retried = True
        self.model.changed(job)
        return self.submit(f"{job.title} (retry)", fn, job.retry_fn)

    def failed_jobs(self) -> list[Job]:
        """Finished jobs with failures that Retry Failed has not run yet, oldest first."""
        return [j for j in self.model.jobs if j.has_failures and not j.retried and j.can_retry]

    def retry_failed(self) -> list[Job]:
        """Retry Failed without a chosen job: every finished job's failed part, once."""
        return [new for job in self.failed_jobs() if (new := self.retry(job)) is not None]

    def active_jobs(self) -> list[Job]:
        return [j for j in self.model.jobs if j.active]

    def busy(self) -> bool:
        return any(j.active for j in self.model.jobs)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until every job ended (shutdown and tests): cancel first to make it quick."""
        processes_done = self.processes.wait_for_done(msecs)
        return self.pool.waitForDone(msecs) and processes_done

    def shutdown(self, msecs: int = 10_000) -> None:
        """Cancel every job, wait for them to end, stop the worker processes."""
        self.cancel_all()
        self.processes.shutdown(msecs)
        self.pool.waitForDone(msecs)


class _JobRelay(QObject):
    """Receives one worker's signals on the GUI thread and forwards them with the job attached."""

    def __init__(self, manager: JobManager, job: Job) -> None:
        super().__init__(manager)
        self.manager, self.job = manager, job

    def on_started(self) -> None:
        self.manager._update(self.job, state=RUNNING)

    def on_progressed(self, event: Any) -> None:
        self.manager.on_progressed(self.job, event)

    def on_finished(self, result: Any) -> None:
        self.manager.on_finished(self.job, result)

    def on_failed(self, message: str, details: str) -> None:
        self.manager.on_failed(self.job, message, details)
