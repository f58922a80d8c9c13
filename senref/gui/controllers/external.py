"""Notices writes by other processes (the CLI, a sync run) by polling the library version off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from senref.core.library import Library
from senref.gui.workers.tasks import TaskRunner

#: How often the window asks whether another process (the CLI, a sync) changed the library.
EXTERNAL_CHECK_MS = 2000


class ExternalChangesController(QObject):
    """Asks for the library version every few seconds; a higher one than the views show means another writer.

    Signals:
        external_change_seen(int): the library version another process wrote (the views then re-read).
    """

    external_change_seen = Signal(int)

    def __init__(self, library: Library, reads: TaskRunner, *, interval_ms: int = EXTERNAL_CHECK_MS,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.reads = library, reads
        #: the library version the views show; a higher one on disk means another process wrote
        self.seen_version = library.library_version()
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.on_external_timer)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        """No more polls, and no answer acted on (the window is closing)."""
        self._stopped = True
        self.timer.stop()

    def on_external_timer(self) -> None:
        if self._stopped or not self.reads.is_idle():
            return  # a read in flight will see the change anyway; ask again next tick
        self.reads.run(self.library.library_version, self.on_version_read, name="version")

    def on_version_read(self, version: int) -> None:
        if version == self.seen_version or self._stopped:
            return
        self.seen_version = version
        # Our own writes move the version too; the views re-reading then costs one page and is harmless.
        self.external_change_seen.emit(version)
