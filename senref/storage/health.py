"""Is the library database usable: read-only access, newer schemas, damage checks, moving a bad file aside."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from senref.core.atomic import fsync_dir
from senref.storage import migrations

#: The first 16 bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: Files SQLite keeps beside a database; they belong to it and move with it.
COMPANIONS = ("-wal", "-shm", "-journal")
#: Result of the last quick_check that passed, keyed by the file's identity (see `CheckCache`).
CHECK_CACHE = "library.checked"

_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class StorageProblem(Exception):
    """The library database cannot be used as it is; the message says why and what to do."""


class DamagedDatabase(StorageProblem):
    """The database file is empty, not a database, or fails its check."""


class MissingDatabase(StorageProblem):
    """library.sqlite is gone from a folder that still holds a library."""


class NewerSchema(StorageProblem):
    """The database was written by a later senref."""


class ReadOnlyLibrary(PermissionError):
    """A write was asked of a library opened read-only (an OSError, so every front end reports it plainly)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(errno.EROFS, "library is read-only", str(folder))


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def is_damage(exc: BaseException) -> bool:
    """Whether an SQLite error says the file itself is bad (not busy, locked, missing or unreadable)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and code is not None and code & 0xFF in _CORRUPT_CODES


# -- read-only access --------------------------------------------------------------------------------------

def is_read_only(db_path: Path) -> bool:
    """True when this process may not write the database or its folder (where SQLite keeps -wal/-shm)."""
    if not os.access(db_path.parent, os.W_OK | os.X_OK):
        return True
    return db_path.exists() and not os.access(db_path, os.W_OK)


def has_hot_wal(db_path: Path) -> bool:
    """A -wal holding commits not yet copied into the database (a writer crashed or is still open)."""
    try:
        return Path(f"{db_path}-wal").stat().st_size > 0
    except OSError:
        return False


def connect(db_path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection that never creates a database by accident (`mode=rw`), or a read-only one.

    Read-only: with no pending -wal the file is opened `immutable`, which needs no -shm, so it works
    in a folder we cannot write and leaves no -wal/-shm behind; the price is that a writer who starts
    while we read is not seen (acceptable for a library this user cannot change). With a pending -wal
    it must be `mode=ro`, which reads the commits in it through the existing -shm.
    """
    if read_only:
        query = "mode=ro" if has_hot_wal(db_path) else "mode=ro&immutable=1"
    else:
        query = "mode=rw"
    uri = f"{db_path.absolute().as_uri()}?{query}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.row_factory = sqlite3.Row
    return conn


# -- checks at open ----------------------------------------------------------------------------------------

def check_file(db_path: Path) -> None:
    """Cheap checks before SQLite sees the file: a zero-byte or foreign file is damage, not a new library."""
    with db_path.open("rb") as handle:
        head = handle.read(100)
    if not head:
        raise DamagedDatabase("is empty (0 bytes)")
    if not head.startswith(SQLITE_MAGIC):
        raise DamagedDatabase("is not an SQLite database")


def schema_version(conn: sqlite3.Connection) -> int:
    """The stored schema version; refuses a newer one. Runs before any pragma that could write."""
    try:
        version = migrations.current_version(conn)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise DamagedDatabase(f"is damaged ({exc})") from exc
        raise
    if version > migrations.LATEST:
        raise NewerSchema(
            f"library schema version {version} is newer than this senref understands ({migrations.LATEST}); "
            "upgrade senref (the library was not changed)"
        )
    return version


def check_lines(conn: sqlite3.Connection, pragma: str) -> list[str]:
    """The lines of an integrity pragma ("quick_check(5)", "integrity_check"). Damage can put bytes that are
    not UTF-8 into them (a name read from a bad page): those read as U+FFFD. In an error message, which
    Python's sqlite3 decodes strictly, they leave only the fact that the report was unreadable."""
    factory, conn.text_factory = conn.text_factory, lambda b: b.decode("utf-8", "replace")
    try:
        return [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
    except UnicodeDecodeError:
        return ["the file is damaged: SQLite's report of the damage is not readable text"]
    finally:
        conn.text_factory = factory


def quick_check(conn: sqlite3.Connection) -> None:
    """SQLite's quick_check (b-tree structure, no index cross-checks): O(pages), read-only."""
    try:
        rows = check_lines(conn, "quick_check(5)")
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise DamagedDatabase(f"is damaged ({exc})") from exc
        raise
    if rows != ["ok"]:
        raise DamagedDatabase(f"is damaged (quick_check: {first_finding(rows)})")


def first_finding(rows: list[str]) -> str:
    """The first problem an integrity or quick check reported, on one line (rows can hold several)."""
    lines = [line.strip() for row in rows for line in row.splitlines()]
    return next((line for line in lines if line and not line.startswith("***")), "failed")


class CheckCache:
    """Remembers the identity (size, mtime, inode; and the -wal's) of the file as it last passed a check.

    quick_check reads every page: about 0.5 s for a 100k-item library in the OS cache, several seconds
    cold. Damage from outside (a sync tool, a copy, a bad disk) changes the file's size or mtime, so a
    file with the identity it had when it passed needs no second look.

    A file's mtime moves in clock ticks (milliseconds on many systems), so a write in the very tick of the
    last known one leaves the mtime as it was. As git does with its index ("racy git"), a record is
    trusted only for a file last written before the record itself: `remember` waits for the next tick
    rather than write a record that could be fooled, and `matches` compares with the record's own mtime.
    """

    #: How long `remember` waits for the file system's clock to pass the file's last write.
    TICK_WAIT = 0.05

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = db_path.parent / CHECK_CACHE

    def identity(self) -> list[int] | None:
        try:
            st = self.db_path.stat()
        except OSError:
            return None
        try:
            wal = Path(f"{self.db_path}-wal").stat()
            wal_key = [wal.st_size, wal.st_mtime_ns] if wal.st_size else [0, 0]
        except OSError:
            wal_key = [0, 0]
        return [st.st_size, st.st_mtime_ns, st.st_ino, *wal_key]

    def matches(self) -> bool:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            recorded = self.path.stat().st_mtime_ns
        except (OSError, ValueError):
            return False
        current = self.identity()
        return current is not None and isinstance(stored, dict) and stored.get("identity") == current \
            and _last_write(current) < recorded

    def remember(self, identity: list[int] | None = None) -> bool:
        """Record *identity* (the file's current one by default) as checked; False when nothing was recorded.

        Best effort: a read-only folder, or a clock that does not move past the file's last write in
        `TICK_WAIT`, only means the next open checks again.
        """
        identity = identity or self.identity()
        if identity is None:
            return False
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        self._remove_stale_temps(temp)
        try:
            temp.write_text(json.dumps({"identity": identity, "checked": stamp()}), encoding="utf-8")
            if _clock_passed(temp, _last_write(identity), self.TICK_WAIT):
                os.replace(temp, self.path)
                return True
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
        return False

    def forget(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def _remove_stale_temps(self, mine: Path) -> None:
        """Records a killed process left half made (a minute old: never one that another process is making)."""
        for temp in self.path.parent.glob(f".{self.path.name}.*"):
            with contextlib.suppress(OSError):
                if temp != mine and time.time() - temp.stat().st_mtime > 60:
                    temp.unlink()


def file_identity(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode) of a file, None when it cannot be seen."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _last_write(identity: list[int]) -> int:
    """The later mtime of the database and its -wal in a `CheckCache.identity`."""
    return max(identity[1], identity[4])


def _clock_passed(path: Path, moment_ns: int, wait: float) -> bool:
    """Touch *path* until its mtime is later than *moment_ns* (the file system's clock, not time.time)."""
    deadline = time.monotonic() + wait
    while path.stat().st_mtime_ns <= moment_ns:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
        os.utime(path)
    return True


# -- a folder that was a library ---------------------------------------------------------------------------

def library_signs(folder: Path, db_name: str) -> list[str]:
    """What shows that *folder* held a library, even without its database (empty list: a new folder)."""
    signs: list[str] = []
    files = folder / "files"
    with contextlib.suppress(OSError):
        stored = sum(1 for p in files.rglob("*") if p.is_file())
        if stored:
            signs.append(f"{stored} stored file{'s' if stored != 1 else ''} in files/")
        elif files.is_dir() and any(files.iterdir()):
            signs.append("attachment folders in files/")
    backups = folder / "backups"
    with contextlib.suppress(OSError):
        count = sum(1 for p in backups.iterdir() if p.name.startswith("library-") and p.suffix == ".sqlite")
        if count:
            signs.append(f"{count} backup{'s' if count != 1 else ''}")
    with contextlib.suppress(OSError):
        for path in sorted(folder.iterdir()):
            name = path.name
            if name == "library.lock":
                signs.append("a lock file")
            elif name == CHECK_CACHE:
                signs.append("a record of its last check")
            elif name.startswith(f"{db_name}-") or (name.startswith(f"{db_name}.") and not name.startswith(".")):
                signs.append(name)
    return signs


def move_aside(db_path: Path, reason: str) -> Path | None:
    """Rename the database and its -wal/-shm to `<name>.<reason>-<stamp>`; never deletes. None if absent."""
    present = [s for s in ("", *COMPANIONS) if Path(f"{db_path}{s}").exists()]
    if not present:
        return None
    base = db_path.with_name(f"{db_path.name}.{reason}-{stamp()}")
    n = 1
    while any(Path(f"{base}{s}").exists() for s in ("", *COMPANIONS)):
        n += 1
        base = db_path.with_name(f"{db_path.name}.{reason}-{stamp()}-{n}")
    # The database first: if we die between renames, a leftover -wal beside no database is itself
    # a sign the folder held a library, so nothing can be created over it.
    for suffix in present:
        os.replace(f"{db_path}{suffix}", f"{base}{suffix}")
    fsync_dir(db_path.parent)
    CheckCache(db_path).forget()
    return base if "" in present else Path(f"{base}{present[0]}")


