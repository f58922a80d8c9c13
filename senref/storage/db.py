"""SQLite connections (one per thread), pragmas, and the write-transaction helper."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from senref.storage import migrations
from senref.storage.lock import LibraryLock


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the
    # last commits, never corrupt the file. FULL would fsync every transaction of a bulk import.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA cache_size = -32000")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


class Database:
    """The library database: thread-local connections and locked write transactions."""

    def __init__(self, path: Path, lock: LibraryLock,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.lock = lock
        self.on_wait = on_wait
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_mutex = threading.Lock()
        #: connections that committed a write; only they run PRAGMA optimize at close (see close())
        self._wrote: set[int] = set()
        self.backup_path: Path | None = None
        conn = self.conn
        self.lock.acquire(on_wait=on_wait)
        try:
            self.backup_path = migrations.migrate(conn, path)
        finally:
            self.lock.release()

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._local.conn = conn
            with self._all_mutex:
                self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the library lock; nested calls join the outer one."""
        conn = self.conn
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield conn
            finally:
                self._local.depth = depth
            return
        self.lock.acquire(on_wait=self.on_wait)
        try:
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
                with self._all_mutex:
                    self._wrote.add(id(conn))
            finally:
                self._local.depth = 0
        finally:
            self.lock.release()

    def close(self) -> None:
        with self._all_mutex:
            conns, self._all = self._all, []
            wrote, self._wrote = self._wrote, set()
        for conn in conns:
            if id(conn) in wrote:
                with contextlib.suppress(sqlite3.Error):
                    # Keeps the planner's statistics fresh as the library grows (cheap, incremental).
                    # Not after read-only sessions: optimize may ANALYZE and write, and `senref list`
                    # or `check` on a damaged database must leave the file exactly as it was.
                    conn.execute("PRAGMA optimize")
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
