"""Worker processes for the window's CPU-heavy jobs: adding, importing, exporting, finding duplicates,
writing sync targets, syncing with Zotero.

A thread of the window's own process doing Python work holds the interpreter lock the event loop
needs: under load the window froze for a third of a second at a time. A worker process holds its own.
The pipes are read on the GUI thread by QSocketNotifiers, so no thread of this process reads them:
a job's events arrive as they would from a QRunnable (WorkerSignals), and the saves the worker makes
fire the window's library hooks, so the table, the tags and the sync targets follow as before.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import pickle
import sys
import threading
import time
import traceback
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from senref.gui.workers.remote import RemoteJob, user_message
from senref.gui.workers.worker import WorkerSignals

log = logging.getLogger(__name__)

#: What the fork server imports once, so that each worker starts with the job code already loaded.
PRELOAD = ["senref.gui.workers.child", "senref.core.library", "senref.gui.workers.remote_jobs"]
#: Batches handled per wake-up: a worker sending faster than the window reads cannot hold the event loop.
MAX_BATCHES_PER_READ = 8
_ids = itertools.count(1)


class ProgressBatch(list[Any]):
    """Progress events that arrived together, delivered as one `progressed` signal."""


def _context() -> Any:  # SpawnContext | ForkServerContext: BaseContext has no Process
    # A fork of the window's process would copy Qt's threads' locks in whatever state they are; the fork
    # server is a fresh interpreter that forks workers with the job code preloaded. Elsewhere: spawn.
    # Imported here: multiprocessing is ~20 ms of the window's start, and the first job may never come.
    import multiprocessing
    import multiprocessing.connection

    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessWorker:
    """One job for the worker processes, with a Worker's face: signals, cancel(), cancelled."""

    def __init__(self, job: RemoteJob) -> None:
        self.job = job
        self.id = next(_ids)
        self.signals = WorkerSignals()
        self._cancelled = False
        self.process: _Process | None = None

    def cancel(self) -> None:
        self._cancelled = True
        if self.process is not None:
            self.process.send(("cancel", self.id))

    @property
    def cancelled(self) -> bool:
        return self._cancelled


class _Process(QObject):
    """One worker process, its two pipes, and the job it runs."""

    #: emitted by the starter thread once the process runs (or failed to start): queued to the GUI thread
    launched = Signal()

    def __init__(self, pool: ProcessPool, ctx: Any) -> None:
        super().__init__(pool)
        self.pool = pool
        self._commands_read, self.commands = ctx.Pipe(duplex=False)
        self.events, self._events_write = ctx.Pipe(duplex=False)
        from senref.gui.workers import child

        self.process = ctx.Process(target=child.main, name="senref-worker", daemon=True,
                                   args=(self._commands_read, self._events_write,
                                         os.environ.get(child.INIT_VARIABLE)))
        self.current: ProcessWorker | None = None
        self.alive = True
        self.ready = False
        self.start_error: str | None = None
        self.notifier: QSocketNotifier | None = None
        # Starting waits for the fork server (a fresh interpreter importing the job code, ~0.1–1 s the
        # first time): on a thread of its own, never on the GUI thread.
        self._started = threading.Event()
        self.launched.connect(self.finish_start)
        threading.Thread(target=self._launch, name="senref-worker-start", daemon=True).start()

    def _launch(self) -> None:
        try:
            self.process.start()
        except Exception as exc:  # no worker: the jobs waiting for one fail with the reason
            log.exception("could not start a worker process")
            self.start_error = user_message(exc)
        self._started.set()
        self.launched.emit()

    def finish_start(self) -> None:
        """On the GUI thread, once the starter thread is done (idempotent)."""
        if self.ready or not self.alive or not self._started.is_set():
            return
        self._commands_read.close()
        self._events_write.close()  # ours closed, a dead worker means EOF on the pipe
        if self.start_error is not None:
            self.alive = False
            self.pool.process_failed_to_start(self, self.start_error)
            return
        self.ready = True
        self.notifier = QSocketNotifier(self.events.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self.on_readable)
        self.pool.process_idle(self)

    def wait_started(self, timeout: float) -> None:
        if self._started.wait(timeout):
            self.finish_start()

    def send(self, message: tuple[Any, ...]) -> None:
        with contextlib.suppress(OSError, ValueError):  # the worker died: on_readable reports it
            self.commands.send(message)

    def run(self, worker: ProcessWorker) -> bool:
        """Send *worker*'s job to the process; False (the job failed at once) when it cannot travel."""
        try:
            payload = pickle.dumps(("run", worker.id, worker.job.call), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a closure or an open file among its arguments: a bug, said as one
            log.exception("a job could not be sent to a worker process")
            worker.signals.failed.emit(f"this job cannot run in the background: {user_message(exc)}",
                                       traceback.format_exc())
            worker.signals.ended.emit()
            return False
        self.current, worker.process = worker, self
        with contextlib.suppress(OSError, ValueError):  # the worker died: on_readable reports it
            self.commands.send_bytes(payload)
        return True

    def on_readable(self, *_args: Any) -> None:
        self.read(0)

    def read(self, timeout: float) -> None:
        """Handle the messages waiting (waiting up to *timeout* for the first), a few batches at a time."""
        try:
            for _ in range(MAX_BATCHES_PER_READ):
                if not (self.alive and self.events.poll(timeout)):
                    return
                timeout = 0
                self.handle_batch(self.events.recv())
        except (EOFError, OSError):
            self.died()

    def handle_batch(self, batch: list[tuple[Any, ...]]) -> None:
        # One progress signal per batch: the jobs list and the status bar repaint once, not per item.
        steps = ProgressBatch()
        for message in batch:
            if message[0] == "progress" and self.current is not None and message[1] == self.current.id:
                steps.append(message[2])
                continue
            if message[0] in ("done", "error") and steps:
                self._emit_progress(steps)  # what the job reported comes before its end
                steps = ProgressBatch()
            self.handle(message)
        if steps:
            self._emit_progress(steps)

    def _emit_progress(self, steps: ProgressBatch) -> None:
        if self.current is not None:
            self.current.signals.progressed.emit(steps[0] if len(steps) == 1 else steps)

    def handle(self, message: tuple[Any, ...]) -> None:
        worker = self.current
        if worker is None or message[1] != worker.id:
            return
        kind = message[0]
        if kind == "started":
            worker.signals.started.emit()
        elif kind == "event":
            if worker.job.events is not None:
                worker.job.events.emit(message[2], *message[3])
        elif kind in ("done", "error"):
            self.current = None
            if kind == "done":
                worker.signals.finished.emit(message[2])
            else:
                worker.signals.failed.emit(message[2], message[3])
            worker.signals.ended.emit()
            self.pool.process_idle(self)

    def died(self) -> None:
        if not self.alive:
            return
        self.alive = False
        if self.notifier is not None:
            self.notifier.setEnabled(False)
        self.process.join(1)
        code = self.process.exitcode
        for conn in (self.commands, self.events):
            conn.close()
        worker, self.current = self.current, None
        if worker is not None:
            how = f"was killed by signal {-code}" if code is not None and code < 0 else f"stopped (exit code {code})"
            worker.signals.failed.emit(f"the background process {how} before the job finished; "
                                       f"nothing it had not saved was kept", "")
            worker.signals.ended.emit()
        self.pool.process_died(self)

    def stop(self, timeout: float) -> None:
        self.wait_started(timeout)
        if self.ready:
            self.send(("quit",))
            self.process.join(timeout)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join(1)
        self.alive = False
        if self.notifier is not None:
            self.notifier.setEnabled(False)
        for conn in (self.commands, self.events):
            conn.close()


class ProcessPool(QObject):
    """Up to *size* worker processes, started when a job needs one, each running one job at a time."""

    def __init__(self, size: int = 2, parent: Any = None) -> None:
        super().__init__(parent)
        self.size = max(1, size)
        self.pending: deque[ProcessWorker] = deque()
        self.processes: list[_Process] = []
        self._ctx: Any = None

    def start(self, worker: ProcessWorker) -> None:
        self.pending.append(worker)
        self._dispatch()

    def try_take(self, worker: ProcessWorker) -> bool:
        """Take a job that has not started off the queue."""
        if worker in self.pending:
            self.pending.remove(worker)
            return True
        return False

    def active_count(self) -> int:
        return len(self.pending) + sum(1 for p in self.processes if p.current is not None)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Handle the workers' messages until every job ended (shutdown and tests)."""
        deadline = None if msecs < 0 else time.monotonic() + msecs / 1000
        while self.active_count():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            for process in list(self.processes):
                process.wait_started(0.02)
            busy = [p for p in self.processes if p.current is not None]
            for process in busy:
                process.read(0.02 / len(busy))
            if not busy:
                time.sleep(0.01)
        return True

    def shutdown(self, msecs: int = 10_000) -> None:
        """Wait for the running jobs (cancel them first to be quick), then stop the processes."""
        self.pending.clear()
        self.wait_for_done(msecs)
        for process in list(self.processes):
            process.stop(2)
        self.processes.clear()

    def process_idle(self, process: _Process) -> None:
        self._dispatch()

    def process_failed_to_start(self, process: _Process, reason: str) -> None:
        self.processes.remove(process)
        process.deleteLater()
        failed, self.pending = list(self.pending), deque()
        for worker in failed:
            worker.signals.failed.emit(f"could not start a background process: {reason}", "")
            worker.signals.ended.emit()

    def process_died(self, process: _Process) -> None:
        if process in self.processes:
            self.processes.remove(process)
        process.deleteLater()
        self._dispatch()

    def _dispatch(self) -> None:
        while self.pending:
            idle = next((p for p in self.processes if p.ready and p.alive and p.current is None), None)
            if idle is None:
                starting = sum(1 for p in self.processes if not p.ready)
                if starting < len(self.pending) and len(self.processes) < self.size:
                    if self._ctx is None:
                        self._ctx = _context()
                    self.processes.append(_Process(self, self._ctx))
                return  # a process that becomes ready dispatches again
            idle.run(self.pending.popleft())  # a job that cannot travel failed at once: the next one
