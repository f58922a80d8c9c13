"""Start-up work the table's first paint does not need, run once the table has painted.

What a user waits for at start is the table painted with its first rows. The side panes' reads (the
collection tree, the tag selector's counts, the duplicates count) and the first item shown in the item
pane came before that paint and competed with it for the interpreter (the reads run on worker threads
but hold the GIL while in Python): a tenth of the wait. Queued behind the paint they cost it nothing and
land a moment later. A widget not on screen when the event loop first turns (a window built and never
shown, the welcome page in place of the table) has no paint to wait for: the work runs then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from senref.gui.workers.tasks import TaskRunner

#: A widget on screen that has not painted by then (a minimised window) gets the work anyway.
LONGEST_WAIT_MS = 1000


class AfterFirstPaint(QObject):
    """Runs *work* once *widget* has painted the first time (each callable once, in order).

    While the work waits, *reads* counts as busy: whoever waits for the window's reads to settle
    (tests, bench/) waits for these too. The event filter sits on *widget* alone, and only until
    its first paint.
    """

    def __init__(self, widget: QWidget, work: Sequence[Callable[[], None]], *, reads: TaskRunner | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.widget = widget
        self._work = list(work)
        self._reads = reads
        self._finished = False
        if reads is not None:
            reads.hold()
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(LONGEST_WAIT_MS)
        self._fallback.timeout.connect(self.run)
        widget.installEventFilter(self)
        QTimer.singleShot(0, self._on_first_turn)

    @property
    def pending(self) -> bool:
        return bool(self._work)

    def _on_first_turn(self) -> None:
        if not self._work:
            return
        if self.widget.isVisible():
            self._fallback.start()
        else:
            self.run()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._work and watched is self.widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self.run)  # once this paint has been handled: the rows are on screen
        return False

    def run(self) -> None:
        work, self._work = self._work, []
        try:
            for fn in work:
                fn()
        finally:
            self._finish()  # after the work: its reads are running by now, so the runner never looked idle

    def cancel(self) -> None:
        """Drop the work that has not run (the window is closing)."""
        self._work = []
        self._finish()

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._fallback.stop()
        self.widget.removeEventFilter(self)
        if self._reads is not None:
            self._reads.release()
