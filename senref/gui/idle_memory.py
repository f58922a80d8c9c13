"""Memory the window's start-up reads leave behind, handed back once they have all landed (G11, issue 15).

The first page of the table, the tag counts and the duplicates count fill SQLite's page caches with
several MB (7 MB at 10k items) that an idle window never reads again. Emptying the caches alone gives
nothing back to the system: glibc keeps freed heap between live blocks until `malloc_trim` returns
those pages. Both run once, when the reads, the writes and the jobs are all idle after the first paint.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from senref.core.library import Library
from senref.gui.workers.tasks import TaskRunner

log = logging.getLogger(__name__)

#: After the reads went idle, a moment for the answers' follow-up reads (the duplicates' groups) to start.
SETTLE_MS = 200


def trim_heap() -> bool:
    """Return the heap's free pages to the system (glibc's `malloc_trim`); False where there is none."""
    if not sys.platform.startswith("linux"):
        return False  # macOS and Windows allocators give pages back themselves
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (ImportError, OSError, AttributeError):  # musl and other C libraries without it
        return False
    trim(0)
    return True


class StartupMemoryRelease(QObject):
    """Once *reads* has gone idle after the start-up work (and *busy()* is false), releases the library's
    page caches and trims the heap; then stops listening."""

    def __init__(self, library: Library, reads: TaskRunner, busy: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library, self.reads, self.busy = library, reads, busy
        self.done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.on_timer)
        reads.idle.connect(self.on_reads_idle)

    def on_reads_idle(self) -> None:
        if not self.done:
            self._timer.start()

    def on_timer(self) -> None:
        if self.done or not self.reads.is_idle() or self.busy():
            return  # the next idle starts the timer again
        self.release()

    def release(self) -> None:
        self.done = True
        self.reads.idle.disconnect(self.on_reads_idle)
        self.library.db.release_memory()
        trimmed = trim_heap()
        log.debug("senref: start-up page caches released (heap trimmed: %s)", trimmed)

    def cancel(self) -> None:
        """The window is closing: nothing more to release."""
        self._timer.stop()
        if not self.done:
            self.done = True
            self.reads.idle.disconnect(self.on_reads_idle)
