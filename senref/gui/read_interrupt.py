"""Background reads a newer request supersedes: the older one's SQL is interrupted, not left to finish.

Typing a search runs one query per typing pause; on a 100,000-item library the query for the
previous key may still be running on a read thread when the next one starts. Its answer would be
dropped anyway (`TaskRunner` keeps the latest per name); interrupting it frees the thread and the
core for the query whose answer will be shown.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterator

#: SQLite virtual-machine steps between looks at "superseded?" (a few milliseconds of a query): the net for
#: a statement that started just after its interrupt (an interrupt only reaches a running statement).
#: Rarer looks would leave that statement longer; more frequent ones would take the interpreter lock
#: from the GUI thread more often.
CHECK_EVERY_STEPS = 1_000_000


class SupersededReads:
    """Tickets for one kind of read; `begin` makes a new ticket current and interrupts the older ones."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tickets = itertools.count(1)
        self._latest = 0
        #: ticket -> the connection its read is using, while it runs
        self._running: dict[int, sqlite3.Connection] = {}

    def begin(self) -> int:
        """A new current ticket (GUI thread); the reads of older tickets stop at their next SQL step."""
        with self._lock:
            self._latest = ticket = next(self._tickets)
            # sqlite3_interrupt may be called from any thread; with no statement running it does nothing.
            for conn in self._running.values():
                conn.interrupt()
        return ticket

    def is_current(self, ticket: int) -> bool:
        with self._lock:
            return ticket == self._latest

    @contextlib.contextmanager
    def running(self, ticket: int, conn: sqlite3.Connection) -> Iterator[Callable[[], bool]]:
        """Run a read for *ticket* on *conn* (its own thread's connection); yields "is it still current?",
        for the block to ask between statements (an interrupt reaches only a statement that is running).

        An interrupt caused by a newer ticket ends the block quietly; any other error propagates.
        """
        with self._lock:
            if ticket == self._latest:
                self._running[ticket] = conn
        conn.set_progress_handler(lambda: ticket != self._latest, CHECK_EVERY_STEPS)  # non-zero: abort
        try:
            yield lambda: self.is_current(ticket)
        except sqlite3.OperationalError:
            if self.is_current(ticket):
                raise
        finally:
            conn.set_progress_handler(None, 0)
            with self._lock:
                self._running.pop(ticket, None)
