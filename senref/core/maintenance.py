"""Library upkeep the front ends ask for: the backup policy and backups list/create/restore (storage does the work)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from senref.core.library_base import DB_NAME, LibraryError
from senref.core.settings import Settings
from senref.storage import backup
from senref.storage.backup import BackupInfo, BackupPolicy, RestoreReport, Verified
from senref.storage.health import StorageProblem
from senref.storage.lock import LibraryLock, LockTimeout

if TYPE_CHECKING:
    from senref.core.library import Library

# The front ends name these types (and catch LockTimeout) through the core, never through storage.
__all__ = ["BackupEntry", "BackupInfo", "BackupPolicy", "LockTimeout", "RestoreReport", "Verified", "backup_if_due",
           "backup_policy", "backups_folder", "create_backup", "list_backups", "restore_backup"]


@dataclass(frozen=True)
class BackupEntry:
    """One backup as a listing shows it: the file, what it holds (None: unreadable) and its size (None: gone)."""

    info: BackupInfo
    items: int | None
    size: int | None


@contextmanager
def _plain_errors() -> Iterator[None]:
    """Storage problems become the LibraryError whose message every front end shows as is."""
    try:
        yield
    except StorageProblem as exc:
        raise LibraryError(str(exc)) from exc


def backup_policy(settings: Settings) -> BackupPolicy:
    """`[backup]` in settings.toml: how many backups to keep, how often to make one on close."""
    return BackupPolicy.from_settings(settings.raw)


def backups_folder(folder: Path) -> Path:
    return backup.backups_dir(folder)


def list_backups(folder: Path) -> list[BackupEntry]:
    """The backups of the library in *folder*, oldest first, each with its item count and size."""
    with _plain_errors():
        entries = []
        for info in backup.list_backups(folder):
            try:
                size: int | None = info.path.stat().st_size
            except OSError:
                size = None
            entries.append(BackupEntry(info, backup.item_count(info.path), size))
        return entries


def create_backup(library: Library, label: str = "manual") -> tuple[BackupInfo, Verified]:
    """A verified backup of *library* now, whatever the interval."""
    with _plain_errors():
        return library.db.create_backup(label=label)


def restore_backup(folder: Path, name: str | None = None, *, force: bool = False, role: str = "cli") -> RestoreReport:
    """Put backup *name* (default: the newest that passes verification) in place of the library database.

    Works on a library that cannot be opened (that is when it is needed); the current database is
    moved aside, never deleted.
    """
    with _plain_errors():
        lock = LibraryLock(folder / "library.lock", role=role)
        return backup.restore(folder / DB_NAME, lock, name, force=force)


def backup_if_due(library: Library) -> BackupInfo | None:
    """What an open window runs on a timer: a backup only when one is due; never raises (failures are logged)."""
    return library.db.backup_if_due()
