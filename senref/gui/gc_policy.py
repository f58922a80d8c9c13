"""Python's cyclic garbage collector on the window's terms: full collections when the user is idle.

A full (generation 2) collection scans every object the process holds (Qt wrappers, the modules,
the caches) and took 27–47 ms on the GUI thread in the middle of a batch add: the worst pause the
starvation probe saw once the work itself ran in worker processes. Here the young generations are
collected as usual (well under a millisecond), and full collections run from a timer when no job is
running and nothing happened for a while, or at the latest every few minutes. The first of them also
freezes what is alive then (the modules, the built window: never scanned again). It used to run as
the window was built, where its 30 ms were a tenth of the wait for the first painted table.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer

#: Automatic collections of the two young generations as CPython's defaults; the oldest is ours.
THRESHOLDS = (700, 10, 1_000_000_000)
#: A full collection waits for this much quiet...
QUIET_SECONDS = 5.0
#: ... but never longer than this.
LONGEST_WAIT_SECONDS = 300.0
CHECK_MS = 1000

#: The process's one collector (install() makes it).
_state: dict[str, IdleCollector] = {}


class IdleCollector(QObject):
    """One per process (see install); *busy()* says whether the window is doing something now."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy_checks: list[Callable[[], bool]] = []
        self.last_activity = time.monotonic()
        self.last_full = time.monotonic()
        self.full_collections = 0
        self.defaults = gc.get_threshold()
        #: whether the first full collection has run and frozen what survived it
        self.frozen = False
        gc.set_threshold(*THRESHOLDS)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.on_timer)
        self.timer.start()

    def touch(self) -> None:
        """Something happened (a job ran, the user worked): the next full collection waits."""
        self.last_activity = time.monotonic()

    def on_timer(self) -> None:
        now = time.monotonic()
        if any(check() for check in list(self.busy_checks)):
            self.last_activity = now
        quiet = now - self.last_activity >= QUIET_SECONDS
        overdue = now - self.last_full >= LONGEST_WAIT_SECONDS
        if (quiet and (self.last_full < self.last_activity or not self.frozen)) or overdue:
            self.collect()

    def collect(self) -> None:
        gc.collect()
        if not self.frozen:
            gc.freeze()
            self.frozen = True
        self.last_full = time.monotonic()
        self.full_collections += 1


def install(busy: Callable[[], bool] | None = None) -> IdleCollector:
    """Take over full collections for this process (once); *busy* joins the checks that delay them."""
    collector = _state.get("collector")
    if collector is None:
        collector = _state["collector"] = IdleCollector(QCoreApplication.instance())
    if busy is not None:
        collector.busy_checks.append(busy)
    return collector


def uninstall_check(busy: Callable[[], bool]) -> None:
    collector = _state.get("collector")
    if collector is not None and busy in collector.busy_checks:
        collector.busy_checks.remove(busy)
