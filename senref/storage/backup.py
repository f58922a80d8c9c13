"""Rotated, verified backups of the library database in `<library>/backups/`, and restoring one.

Listing and verifying the files is `backup_catalog`'s; making, rotating and restoring them is here.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from senref.core import checkpoints
from senref.core.atomic import fsync_dir
from senref.storage.backup_catalog import (
    BACKUP_DIR,
    REQUIRED_TABLES,
    BackupError,
    BackupInfo,
    Verified,
    backups_dir,
    find_backup,
    item_count,
    list_backups,
    newest_good,
    offer,
    open_backup,
    verify,
    verify_connection,
)
from senref.storage.health import (
    CheckCache,
    ReadOnlyLibrary,
    StorageProblem,
    connect,
    is_read_only,
    move_aside,
    quick_check,
    stamp,
)
from senref.storage.lock import LibraryLock

__all__ = [
    "BACKUP_DIR",
    "CHANGES_KEY",
    "REQUIRED_TABLES",
    "STEP_PAGES",
    "BackupError",
    "BackupInfo",
    "BackupPolicy",
    "RestoreReport",
    "Verified",
    "backups_dir",
    "changes",
    "choose",
    "create_backup",
    "find_backup",
    "is_due",
    "item_count",
    "list_backups",
    "newest_good",
    "note_change",
    "offer",
    "restore",
    "rotate",
    "verify",
]

#: settings key counting committed write transactions: "changed since the last backup" compares it.
CHANGES_KEY = "storage.changes"
#: Pages copied per step of the online backup (4 MB at the default page size).
STEP_PAGES = 1024
_PARTIAL = ".partial-"
_RESTORING = ".restoring-"


@dataclass(frozen=True)
class BackupPolicy:
    """How many backups to keep and how often to make one on close (`[backup]` in settings.toml)."""

    keep: int = 5
    #: seconds: a changed library is backed up on close when its newest backup is older than this
    interval: float = 6 * 3600.0

    @classmethod
    def from_settings(cls, raw: Mapping[str, Any]) -> BackupPolicy:
        """`[backup] keep = 5, interval_hours = 6`; values out of range keep the default."""
        table = raw.get("backup")
        if not isinstance(table, Mapping):
            return cls()
        default = cls()
        keep = _number(table.get("keep"), 1, 1000)
        hours = _number(table.get("interval_hours"), 0, 24 * 365)
        return cls(
            keep=int(keep) if keep is not None and keep == int(keep) else default.keep,
            interval=hours * 3600 if hours is not None else default.interval,
        )


def _number(value: Any, low: float, high: float) -> float | None:
    """*value* when it is a number within [low, high] (TOML booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if low <= value <= high else None



@dataclass
class RestoreReport:
    backup: BackupInfo
    verified: Verified
    #: where the database that was replaced now is (None when there was none)
    moved_aside: Path | None
    #: newer backups that failed verification and were passed over
    skipped: list[str] = field(default_factory=list)



# -- making backups ----------------------------------------------------------------------------------------

def changes(conn: sqlite3.Connection) -> int:
    """How many write transactions the database has seen (0 for one from before the counter)."""
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (CHANGES_KEY,)).fetchone()
    except sqlite3.OperationalError:  # no settings table: a database older than the schema
        return 0
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):
        return 0


def note_change(conn: sqlite3.Connection) -> None:
    """Count one committed change; call inside the write transaction."""
    conn.execute("INSERT INTO settings (key, value) VALUES (?, '1') "
                 "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1", (CHANGES_KEY,))


def is_due(conn: sqlite3.Connection, folder: Path, policy: BackupPolicy,
           now: Callable[[], float] = time.time) -> bool:
    """Changed since the newest backup, and that backup is older than the interval.

    A backup dated in the future (clock skew, a restored folder) counts as stale rather than fresh,
    otherwise a single bad mtime would stop backups for good.
    """
    numbered = [b for b in list_backups(folder) if not b.legacy]
    if not numbered:
        return changes(conn) > 0 or _has_items(conn)
    newest = numbered[-1]
    try:
        age = now() - newest.path.stat().st_mtime
    except OSError:
        return True
    if 0 <= age < policy.interval:
        return False
    return _changes_in(newest.path) != changes(conn)


def _has_items(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:
        return False


def _changes_in(path: Path) -> int | None:
    try:
        conn = open_backup(path)
        try:
            return changes(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # unreadable: differs from anything, so a fresh backup is made


def create_backup(conn: sqlite3.Connection, db_path: Path, lock: LibraryLock, *, label: str = "",
                  keep: int = BackupPolicy.keep, lock_timeout: float = 30.0) -> tuple[BackupInfo, Verified]:
    """Copy the live database *db_path* (open as *conn*) into `backups/` and keep the newest *keep*.

    The copy is written under a temp name, checked with integrity_check and for the library's
    tables, synced, and only then renamed to its listed name: a kill at any point leaves either
    no new backup or a whole one. Runs under the library lock, so no write lands mid-copy and two
    processes never number two backups alike.
    """
    folder = db_path.parent
    directory = backups_dir(folder)
    lock.acquire(timeout=lock_timeout)
    try:
        directory.mkdir(exist_ok=True)
        _remove_leftovers(directory, _PARTIAL)
        numbers = [b.number for b in list_backups(folder)]
        moment = datetime.now(UTC)
        suffix = f"-{label}" if label else ""
        final = directory / f"library-{max(numbers, default=0) + 1:06d}-{stamp(moment)}{suffix}.sqlite"
        with _temp_file(directory, _PARTIAL) as temp:
            verified = _copy_verified(conn, temp, final.name)
            _same_mode(temp, db_path)
            checkpoints.reached("backup_before_rename")
            os.replace(temp, final)
        fsync_dir(directory)
        rotate(folder, keep)
    finally:
        lock.release()
    return BackupInfo(final, max(numbers, default=0) + 1, moment.replace(microsecond=0), label), verified


@contextlib.contextmanager
def _temp_file(directory: Path, prefix: str) -> Iterator[Path]:
    """A temp file that is removed (with any journal) unless renamed away inside the block."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".sqlite", dir=directory)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    finally:
        for path in (temp, Path(f"{temp}-journal")):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _verify(conn: sqlite3.Connection, name: str) -> Verified:
    """The check of a fresh copy (its own name: tests make this step fail, as a full disk would)."""
    return verify_connection(conn, name)


def _copy_verified(source: sqlite3.Connection, target: Path, name: str) -> Verified:
    """Online-backup *source* into *target*, as a self-contained (non-WAL) file, verified and synced."""
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        source.backup(dest, pages=STEP_PAGES, progress=lambda *_: checkpoints.reached("backup_mid_copy"))
        dest.execute("PRAGMA journal_mode = DELETE")  # one file: no -wal to lose beside a backup
        verified = _verify(dest, name)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the backup could not be written ({exc})") from exc
    finally:
        dest.close()
    _fsync_file(target)
    return verified


def _same_mode(path: Path, like: Path) -> None:
    """Give a temp file (created private, 0600) the permissions of the database it stands for."""
    with contextlib.suppress(OSError):
        path.chmod(stat.S_IMODE(like.stat().st_mode))


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_leftovers(directory: Path, prefix: str) -> None:
    """Temp files of copies a kill interrupted (only ever removed under the library lock)."""
    with contextlib.suppress(OSError):
        for path in directory.iterdir():
            if path.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    path.unlink()


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the *keep* highest-numbered backups; copies from earlier versions are left alone."""
    numbered = [b for b in list_backups(folder) if not b.legacy]
    doomed = numbered[:-keep] if keep > 0 else numbered
    for info in doomed:
        with contextlib.suppress(OSError):
            info.path.unlink()
    return [b.path for b in doomed]


# -- restoring ---------------------------------------------------------------------------------------------

def choose(folder: Path, name: str | None) -> tuple[BackupInfo, Verified, list[str]]:
    """The backup to restore: *name*, verified, or the newest that passes verification."""
    if name:
        info = find_backup(folder, name)
        return info, verify(info.path), []
    if not list_backups(folder):
        raise BackupError(f"there is no backup to restore in {backups_dir(folder)}")
    found = newest_good(folder)
    if found is None:
        raise BackupError("no backup passes verification (see 'senref backup list')")
    return found


def restore(db_path: Path, lock: LibraryLock, name: str | None = None, *, force: bool = False) -> RestoreReport:
    """Put a verified backup in place of the database, which is moved aside (never deleted).

    Refuses, unless *force*, a backup holding fewer than half the items of a readable current
    database: restoring a near-empty backup over a full library is the mistake to stop.
    """
    folder = db_path.parent
    if is_read_only(db_path):
        raise ReadOnlyLibrary(folder)
    info, verified, skipped = choose(folder, name)
    lock.acquire()
    try:
        current = _current_items(db_path)
        if current and not force and verified.items * 2 < current:
            raise BackupError(f"{info.name} holds {verified.items} items but the library has {current}; "
                              f"run 'senref backup restore {info.name} --force' to restore it anyway")
        _remove_leftovers(folder, f".{db_path.name}{_RESTORING}")
        with _temp_file(folder, f".{db_path.name}{_RESTORING}") as temp:
            _copy_backup(info.path, temp)
            _same_mode(temp, db_path if db_path.exists() else info.path)
            checkpoints.reached("restore_before_move_aside")
            aside = move_aside(db_path, "replaced")
            checkpoints.reached("restore_before_rename")
            os.replace(temp, db_path)
        fsync_dir(folder)
        CheckCache(db_path).remember()  # checked just now, in full
    finally:
        lock.release()
    return RestoreReport(info, verified, aside, skipped)


def _current_items(db_path: Path) -> int | None:
    """Items in the current database, or None when it is missing or cannot be read."""
    if not db_path.is_file():
        return None
    try:
        conn = connect(db_path, read_only=True)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _copy_backup(source: Path, target: Path) -> None:
    src = open_backup(source)
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        src.backup(dest, pages=STEP_PAGES)
        dest.execute("PRAGMA journal_mode = DELETE")
        quick_check(dest)  # the copy on this disk, not only the backup it came from
    except (sqlite3.DatabaseError, StorageProblem) as exc:
        raise BackupError(f"the backup could not be copied into place ({exc})") from exc
    finally:
        dest.close()
        src.close()
    _fsync_file(target)
