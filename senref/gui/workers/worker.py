"""A cancellable QRunnable around a plain function, its signals on a separate QObject.

The function receives a `progress(event)` callback and a `should_stop()` callable, the shape of the
actions in `senref.actions`; the worker only adapts them to signals. CPU-heavy jobs run in worker
processes instead (see `senref.gui.workers.processes`).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from senref.gui.workers.remote import user_message

log = logging.getLogger(__name__)

JobFunction = Callable[[Callable[[Any], None], Callable[[], bool]], Any]


class WorkerSignals(QObject):
    """A QRunnable cannot emit; this QObject lives on the GUI thread so emits arrive queued there."""

    started = Signal()
    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(str, str)  # user-facing message, technical details
    ended = Signal()  # after finished or failed, whichever came


class Worker(QRunnable):
    """Runs *fn(progress, should_stop)* on a pool thread; `cancel()` sets the flag *fn* checks."""

    def __init__(self, fn: JobFunction) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the job list keeps the worker to read its state and retry it
        self.fn = fn
        self.signals = WorkerSignals()
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        self.signals.started.emit()
        try:
            result = self.fn(self._progress, self._cancelled.is_set)
        except Exception as exc:  # every failure reaches the user as a message, never as a crash
            log.exception("background job failed")
            self.signals.failed.emit(user_message(exc), traceback.format_exc())
        else:
            self.signals.finished.emit(result)
        self.signals.ended.emit()

    def _progress(self, *args: Any) -> None:
        # Jobs report progress(done, total, message) or progress(count); both travel as one object.
        self.signals.progressed.emit(args[0] if len(args) == 1 else tuple(args))

