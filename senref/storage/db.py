"""SQLite connections (one per thread), pragmas, the write-transaction helper, checks at open, backups on close."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from senref.core.atomic import fsync_dir
from senref.storage import backup, health, migrations
from senref.storage.backup import BackupInfo, BackupPolicy, Verified
from senref.storage.health import DamagedDatabase, ReadOnlyLibrary, StorageProblem
from senref.storage.lock import LibraryLock, LockTimeout

__all__ = ["BackupPolicy", "Database", "create_database"]

log = logging.getLogger(__name__)

#: Bytes a page of a new library. An item's row (fields with the abstract, extras) is 1-4 kB, and a page
#: holds whole rows: on 4 KiB pages a 2.1 kB row left half its page empty (a third of the items table was
#: free space). Measured on 10k generated items: 4 KiB 75 MB, 8 KiB 64 MB (CSL-JSON corpus 116 / 108 MB);
#: 16 KiB saves 2-3 % more. Old libraries keep theirs: a WAL file cannot change its page size.
PAGE_SIZE = 8192

#: Seconds a backup on close or on a timer waits for another process's write lock before skipping.
OPPORTUNISTIC_LOCK_WAIT = 1.0


def _configure(conn: sqlite3.Connection, *, read_only: bool) -> None:
    if not read_only:
        # Only for writers: switching a rollback-journal file to WAL rewrites its header.
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the
    # last commits, never corrupt the file. FULL would fsync every transaction of a bulk import.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA cache_size = -32000")
    conn.execute("PRAGMA temp_store = MEMORY")


def create_database(path: Path) -> None:
    """Make a new, fully migrated database and put it in place whole.

    Built under a temp name and hard-linked to *path* (which fails if it exists), so there is never
    a zero-byte or half-made library.sqlite, and two processes creating at once cannot clobber.
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            # Before the first table: a page size fixed once a file has pages (and for good in WAL).
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            migrations.migrate(conn)
        finally:
            conn.close()
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return  # another process created it first: as new as ours
        except OSError:  # a file system without hard links
            if path.exists():
                return
            os.replace(temp, path)
        fsync_dir(path.parent)
    finally:
        for leftover in (temp, Path(f"{temp}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


class Database:
    """The library database: checked at open, thread-local connections, locked write transactions.

    Opening never writes before it knows the file is fit: the schema version is read first (a newer
    one is refused untouched), then quick_check runs unless the file is exactly as it last passed;
    a damaged file is moved aside and reported. A library this process may not write is opened
    read-only, and every write transaction is refused with ReadOnlyLibrary.
    """

    def __init__(self, path: Path, lock: LibraryLock, on_wait: Callable[[str], None] | None = None, *,
                 backups: BackupPolicy | None = None, read_only: bool | None = None) -> None:
        self.path = path
        self.folder = path.parent
        self.lock = lock
        self.on_wait = on_wait
        self.policy = backups or BackupPolicy()
        self.read_only = health.is_read_only(path) if read_only is None else read_only
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_mutex = threading.Lock()
        #: connections that committed a write; only they run PRAGMA optimize at close (see close())
        self._wrote: set[int] = set()
        #: the backup made before a migration in this open, if there was one
        self.backup_path: Path | None = None
        #: off after a failed open: a half-opened library is closed as it is, without a backup
        self._backup_on_close = False
        #: set as close() begins: a backup timer firing late must not reopen a connection
        self._closing = False
        #: (size, mtime, inode) of the file as this process's last commit left it; `_foreign` once it
        #: changed otherwise (see `_settled_at_close`)
        self._known: tuple[int, int, int] | None = None
        self._foreign = False
        conn = self._open_checked()
        self._local.conn = conn
        self._all.append(conn)
        if not self.read_only:
            try:
                self._migrate(conn)
            except BaseException:
                self.close()
                raise
        self._backup_on_close = not self.read_only
        if not self.read_only:
            self._known = health.file_identity(self.path)

    # -- opening -------------------------------------------------------------------------------
    def _open_checked(self) -> sqlite3.Connection:
        try:
            health.check_file(self.path)
            conn = health.connect(self.path, read_only=self.read_only)
        except DamagedDatabase as exc:
            self._refuse_damaged(exc)
        except sqlite3.OperationalError as exc:
            raise StorageProblem(self._cannot_open(exc)) from exc
        try:
            self.version = health.schema_version(conn)  # before any pragma: a newer file stays untouched
            cache = health.CheckCache(self.path)
            if not cache.matches():
                seen = cache.identity()  # before the check: a write during it is not what passed
                health.quick_check(conn)
                if not self.read_only:  # a read-only session leaves the folder exactly as it was
                    cache.remember(seen)
            if self.read_only and self.version < migrations.LATEST:
                raise StorageProblem(f"library is read-only and its schema (version {self.version}) needs an upgrade; "
                                     "open it once with write access")
            _configure(conn, read_only=self.read_only)
        except DamagedDatabase as exc:
            conn.close()
            self._refuse_damaged(exc)
        except sqlite3.OperationalError as exc:
            conn.close()
            raise StorageProblem(self._cannot_open(exc)) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _cannot_open(self, exc: sqlite3.Error) -> str:
        if self.read_only and health.has_hot_wal(self.path):
            return (f"{self.path} cannot be read ({exc}): the library is read-only and its last changes are still "
                    f"in {self.path.name}-wal; open it once with write access")
        return f"{self.path} cannot be opened ({exc})"

    def _refuse_damaged(self, exc: DamagedDatabase) -> NoReturn:
        """Move the damaged file aside (never delete, never write into it) and say what can be restored."""
        if self.read_only:
            raise DamagedDatabase(f"{self.path} {exc}; the library is read-only, so it was left as it is; "
                                  f"{backup.offer(self.folder)}") from exc
        self.lock.acquire(on_wait=self.on_wait)
        try:
            aside = health.move_aside(self.path, "damaged")
        finally:
            self.lock.release()
        where = f"it was moved aside to {aside.name}" if aside else "another senref process moved it aside"
        raise DamagedDatabase(f"{self.path} {exc}; {where} (nothing was deleted); {backup.offer(self.folder)}") from exc

    def _migrate(self, conn: sqlite3.Connection) -> None:
        if self.version >= migrations.LATEST:
            return
        self.lock.acquire(on_wait=self.on_wait)
        try:
            version = migrations.current_version(conn)  # again under the lock: another process may have migrated
            if 0 < version < migrations.LATEST:
                info, _ = backup.create_backup(conn, self.path, self.lock, label=f"before-v{migrations.LATEST}",
                                               keep=self.policy.keep)
                self.backup_path = info.path
            migrations.migrate(conn)
            self.version = migrations.LATEST
        finally:
            self.lock.release()

    # -- connections and transactions ----------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # mode=rw: a thread opening after the file was moved aside fails, never creates an empty one
            conn = health.connect(self.path, read_only=self.read_only)
            _configure(conn, read_only=self.read_only)
            self._local.conn = conn
            with self._all_mutex:
                self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the library lock; nested calls join the outer one."""
        if self.read_only:
            raise ReadOnlyLibrary(self.folder)
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
            self._observe()
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            before = conn.total_changes
            try:
                yield conn
                if conn.total_changes != before:
                    backup.note_change(conn)  # what "changed since the last backup" compares
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
                with self._all_mutex:
                    self._wrote.add(id(conn))
            finally:
                self._local.depth = 0
                self._known = health.file_identity(self.path)
        finally:
            self.lock.release()

    def _observe(self) -> None:
        """Note a change of the file since this process's last commit: another writer, or damage."""
        if self._known is None or health.file_identity(self.path) != self._known:
            self._foreign = True

    def release_memory(self) -> None:
        """Empty the page cache of every connection this process holds (`PRAGMA shrink_memory`).

        For a long-lived reader, the window, once its start-up reads have landed: the first page of the
        table and the tag counts leave several MB of pages that an idle window never reads again, and a
        later read takes what it needs from the OS's cache. Safe from any thread: SQLite serialises the
        calls on one connection, and a page in use by another thread's statement is not released.
        """
        with self._all_mutex:
            conns = list(self._all)
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA shrink_memory")

    # -- backups -------------------------------------------------------------------------------
    def create_backup(self, label: str = "") -> tuple[BackupInfo, Verified]:
        """A backup now, whatever the interval (`senref backup create`)."""
        if self.read_only:
            raise ReadOnlyLibrary(self.folder)
        return backup.create_backup(self.conn, self.path, self.lock, label=label, keep=self.policy.keep)

    def backup_if_due(self) -> BackupInfo | None:
        """A backup if the library changed since the newest one and that one is older than the interval.

        For timers while the library is open (the GUI); never raises: a backup that cannot be made
        is logged, and the library stays as it is.
        """
        if self.read_only or self._closing:
            return None
        return self._backup_if_due(self.conn)

    def _backup_if_due(self, conn: sqlite3.Connection) -> BackupInfo | None:
        try:
            if not backup.is_due(conn, self.folder, self.policy):
                return None
            # Briefly: a process holding the lock is writing, and backs up itself when it closes.
            info, _ = backup.create_backup(conn, self.path, self.lock, keep=self.policy.keep,
                                           lock_timeout=OPPORTUNISTIC_LOCK_WAIT)
        except (StorageProblem, LockTimeout, sqlite3.Error, OSError) as exc:
            log.warning("senref: no backup was made: %s", exc)
            return None
        return info

    # -- closing -------------------------------------------------------------------------------
    def close(self) -> None:
        self._closing = True
        with self._all_mutex:
            conns, self._all = self._all, []
            wrote, self._wrote = self._wrote, set()
        mine: sqlite3.Connection | None = getattr(self._local, "conn", None)
        backed_up = None
        if conns and self._backup_on_close:
            backed_up = self._backup_if_due(mine if mine in conns else conns[0])
        if self._backup_on_close:
            self._observe()
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
        if backed_up is not None:
            # The backup's integrity_check read every page through this database just now: the file
            # as the last connection left it needs no quick_check at the next open.
            health.CheckCache(self.path).remember()
        elif self._backup_on_close and not self._foreign:
            self._remember_own_writes()

    def _remember_own_writes(self) -> None:
        """Spare the next open a quick_check of a file that only this process wrote since it was checked.

        The file passed its check at open (or was as it last passed), and every change since was this
        process's own commit: each one looked first that the file was as the previous one left it
        (`_observe`). SQLite's own writes do not damage a file, so the file as the last connection left it
        is as sound as it was when checked. Only when no -wal remains: another process still has it open.
        """
        cache = health.CheckCache(self.path)
        identity = cache.identity()
        if identity is None or identity[3] or cache.matches():
            return
        cache.remember(identity)
