"""The backups on disk: their names, listing and finding one, and verifying what each holds."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from senref.storage import migrations
from senref.storage.health import StorageProblem, check_lines, first_finding

BACKUP_DIR = "backups"
#: Tables every restorable backup has (an interrupted copy or a foreign file has not).
REQUIRED_TABLES = frozenset({"items", "creators", "attachments", "collections", "settings"})

_NAME = re.compile(r"^library-(?P<number>\d{6,})-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<label>[a-z0-9.-]+))?\.sqlite$")
#: Copies made before migrations by earlier senref versions, beside the database.
_LEGACY = re.compile(r"^library\.sqlite\.v(?P<version>\d+)-(?P<stamp>\d{8}T\d{6})\.bak$")


class BackupError(StorageProblem):
    """A backup could not be made, found, verified or restored."""



@dataclass(frozen=True)
class BackupInfo:
    """One backup file; `number` orders backups (clocks can lie), 0 for copies left by earlier versions."""

    path: Path
    number: int
    created: datetime
    label: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def legacy(self) -> bool:
        return self.number == 0


@dataclass(frozen=True)
class Verified:
    """What a backup holds, once it passed `PRAGMA integrity_check` and has the library's tables."""

    items: int
    trashed: int
    version: int



# -- listing -----------------------------------------------------------------------------------------------

def backups_dir(folder: Path) -> Path:
    return folder / BACKUP_DIR


def list_backups(folder: Path) -> list[BackupInfo]:
    """Complete backups, oldest first; temp files of interrupted backups never match the names."""
    found: list[BackupInfo] = []
    with contextlib.suppress(OSError):
        for path in backups_dir(folder).iterdir():
            match = _NAME.match(path.name)
            if match and path.is_file():
                found.append(BackupInfo(path, int(match["number"]), _parse_stamp(match["stamp"]), match["label"] or ""))
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            match = _LEGACY.match(path.name)
            if match and path.is_file():
                found.append(BackupInfo(path, 0, _parse_stamp(match["stamp"] + "Z"), f"before-v{match['version']}"))
    return sorted(found, key=lambda b: (b.number, b.created, b.name))


def _parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def find_backup(folder: Path, name: str) -> BackupInfo:
    """A backup by file name, its number, or the start of its name when only one has that start."""
    found = list_backups(folder)
    for info in found:
        if name in (info.name, info.path.stem) or (name.isdigit() and not info.legacy and int(name) == info.number):
            return info
    starting = [info for info in found if info.name.startswith(name)] if name else []
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise BackupError(f"{name!r} names {len(starting)} backups; give more of the name (see 'senref backup list')")
    raise BackupError(f"no backup named {name!r} (see 'senref backup list')")


# -- verifying ---------------------------------------------------------------------------------------------

def open_backup(path: Path) -> sqlite3.Connection:
    # immutable: nothing writes a backup, and no -shm/-journal is created beside it
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)


def verify(path: Path) -> Verified:
    """Full integrity check plus the library's schema; raises BackupError saying what is wrong."""
    try:
        conn = open_backup(path)
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} cannot be opened ({exc})") from exc
    try:
        return verify_connection(conn, path.name)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} cannot be read ({exc})") from exc
    finally:
        conn.close()


def verify_connection(conn: sqlite3.Connection, name: str) -> Verified:
    rows = check_lines(conn, "integrity_check(5)")
    if rows != ["ok"]:
        raise BackupError(f"{name} failed its integrity check ({first_finding(rows)})")
    version = migrations.current_version(conn)
    if not 1 <= version <= migrations.LATEST:
        raise BackupError(f"{name} has schema version {version}, not one this senref can restore")
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = REQUIRED_TABLES - tables
    if missing:
        raise BackupError(f"{name} is not a whole library (no {', '.join(sorted(missing))} table)")
    total, trashed = conn.execute("SELECT COUNT(*), COALESCE(SUM(deleted != 0), 0) FROM items").fetchone()
    return Verified(items=int(total), trashed=int(trashed), version=version)


def item_count(path: Path) -> int | None:
    """Items in a backup without a full check (for listings); None when it cannot be read."""
    try:
        conn = open_backup(path)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def newest_good(folder: Path) -> tuple[BackupInfo, Verified, list[str]] | None:
    """The newest backup that passes verification, and the names of newer ones that did not."""
    skipped: list[str] = []
    for info in reversed(list_backups(folder)):
        try:
            return info, verify(info.path), skipped
        except BackupError:
            skipped.append(info.name)
    return None


def offer(folder: Path) -> str:
    """The sentence that tells the user what can be brought back (part of every damage message)."""
    found = newest_good(folder)
    if found is None:
        if list_backups(folder):
            return "no backup passes verification (see 'senref backup list')"
        return "there is no backup to restore"
    info, verified, _ = found
    return (f"the newest good backup is {info.name} ({verified.items} items, {info.created:%Y-%m-%d %H:%M} UTC): "
            "run 'senref backup restore' to bring it back")

