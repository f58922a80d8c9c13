"""Short background tasks (reads for the side panes, single writes) with their result back on the GUI thread.

Two runners serve the window: one for reads (latest request per name wins, stale answers are
dropped) and one with a single thread for writes, so edits apply in the order the user made them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from senref.gui.workers.worker import Worker


class TaskRunner(QObject):
    """Runs plain functions on its own pool; `failed` carries a user-facing message."""

    failed = Signal(str, str)  # message, technical details
    idle = Signal()

    def __init__(self, threads: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._latest: dict[str, int] = {}
        self._running: dict[int, _TaskRelay] = {}
        self._ids = itertools.count(1)
        #: reads promised but not started yet (see hold): the runner is not idle while any are
        self._holds = 0

    def run(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None,
            name: str | None = None) -> None:
        """Run *fn* off the GUI thread; *on_result(value)* runs on the GUI thread unless superseded."""
        task_id = next(self._ids)
        if name is not None:
            self._latest[name] = task_id
        worker = Worker(lambda progress, should_stop: fn())
        relay = _TaskRelay(self, task_id, name, on_result)
        self._running[task_id] = relay
        relay.worker = worker
        worker.signals.finished.connect(relay.on_finished)
        worker.signals.failed.connect(relay.on_failed)
        self.pool.start(worker)

    def _done(self, task_id: int) -> None:
        self._running.pop(task_id, None)
        if self.is_idle():
            self.idle.emit()

    def hold(self) -> None:
        """Reads are on their way (queued behind the first paint): not idle until `release`."""
        self._holds += 1

    def release(self) -> None:
        self._holds = max(0, self._holds - 1)
        if self.is_idle():
            self.idle.emit()

    def is_idle(self) -> bool:
        return not self._running and not self._holds

    def wait_for_done(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)


class _TaskRelay(QObject):
    """One task's answer, received on the GUI thread (a bound QObject slot is queued across threads)."""

    def __init__(self, runner: TaskRunner, task_id: int, name: str | None,
                 on_result: Callable[[Any], None] | None) -> None:
        super().__init__(runner)
        self.runner, self.task_id, self.name, self.on_result = runner, task_id, name, on_result
        self.worker: Worker | None = None

    def on_finished(self, value: Any) -> None:
        current = self.name is None or self.runner._latest.get(self.name) == self.task_id
        try:
            if current and self.on_result is not None:
                self.on_result(value)
        finally:
            self._close()

    def on_failed(self, message: str, details: str) -> None:
        try:
            self.runner.failed.emit(message, details)
        finally:
            self._close()

    def _close(self) -> None:
        self.runner._done(self.task_id)
        self.deleteLater()
