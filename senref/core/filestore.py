"""The stored files of a library, `files/<attachment key>/<name>`: confined, journaled writes and deletes.

Files and rows cannot change in one atomic step, so every folder that is about to be created or
deleted is first named in a journal (`files/.pending/<key>`). The rule that settles a journal
entry after a crash is the same either way: the folder is kept exactly when an attachment row
with that key exists. A killed import therefore leaves no orphan, and a killed Empty Trash no
file whose row is gone. Journal entries are written and settled under the library's write lock.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from senref.core.atomic import atomic_write, fsync_dir
from senref.core.confine import real_dir, stored_folder
from senref.core.model import is_key

#: Folder of journal entries inside files/ (never a valid attachment key, so never a stored folder).
JOURNAL = ".pending"
#: Where `senref check --repair` moves files no row points to (in the library folder, beside files/).
LOST_AND_FOUND = "lost+found"


class FileStoreError(OSError):
    """A write or delete refused because the target is not a plain folder under files/."""


class FileStore:
    """Writes and deletes under `files/`, never through a symlink, never outside."""

    def __init__(self, files_dir: Path) -> None:
        self.files_dir = files_dir

    # -- the journal -------------------------------------------------------------------------
    @property
    def journal(self) -> Path:
        return self.files_dir / JOURNAL

    def mark(self, keys: list[str]) -> None:
        """Name *keys* as pending before their folders are created or deleted (durably)."""
        if not keys:
            return
        self.journal.mkdir(parents=True, exist_ok=True)
        if not real_dir(self.journal):
            raise FileStoreError(f"{self.journal} is not a folder")
        for key in keys:
            (self.journal / key).touch()
        fsync_dir(self.journal)

    def unmark(self, keys: list[str]) -> None:
        for key in keys:
            with contextlib.suppress(OSError):
                (self.journal / key).unlink()

    def settle(self, has_row: Callable[[str], bool]) -> list[str]:
        """Finish what a crash interrupted: remove each journaled folder that no row points to.

        Returns the keys whose folders were removed. The caller holds the write lock.
        """
        removed: list[str] = []
        if not real_dir(self.journal):
            return removed
        for entry in sorted(path.name for path in self.journal.iterdir()):
            if is_key(entry) and not has_row(entry) and self.delete_folder(entry):
                removed.append(entry)
            with contextlib.suppress(OSError):
                (self.journal / entry).unlink()
        return removed

    # -- writes and deletes ------------------------------------------------------------------
    def write(self, key: str, name: str, src: Path | bytes) -> tuple[str, str, int]:
        """Store *src* as `files/<key>/<name>` atomically; returns (relative path, sha256, size).

        The folder must be new or a plain folder of ours; a symlinked folder or file is refused,
        so a planted link can never redirect the write.
        """
        if not is_key(key):
            raise FileStoreError(f"not an attachment key: {key!r}")
        self.files_dir.mkdir(parents=True, exist_ok=True)
        folder = self.files_dir / key
        if not real_dir(self.files_dir) or (os.path.lexists(folder) and not real_dir(folder)):
            raise FileStoreError(f"refusing to write through a link: {folder}")
        target = folder / name
        if target.is_symlink() or (os.path.lexists(target) and not target.is_file()):
            raise FileStoreError(f"refusing to overwrite {target}")
        import hashlib  # here, not at the top: see senref.core.digest

        digest = hashlib.sha256()
        with atomic_write(target, "wb") as out:
            if isinstance(src, bytes):
                digest.update(src)
                out.write(src)
            else:
                with src.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
        return f"{self.files_dir.name}/{key}/{name}", digest.hexdigest(), target.stat().st_size

    def delete_folder(self, key: str) -> bool:
        """Remove `files/<key>/` when it is a plain folder (a link is only unlinked, never followed)."""
        if not is_key(key):
            return False
        folder = self.files_dir / key
        if folder.is_symlink():
            folder.unlink()
            return True
        if not real_dir(folder):
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True

    def delete_stored(self, key: str, rel: str) -> bool:
        """Remove the folder of the attachment *key* stored at *rel*, if *rel* really is its folder."""
        return stored_folder(self.files_dir, key, rel) is not None and self.delete_folder(key)

    # -- inventory ---------------------------------------------------------------------------
    def entries(self) -> Iterator[str]:
        """Names directly under files/ (folders and stray files), the journal excepted."""
        if not real_dir(self.files_dir):
            return
        for entry in sorted(path.name for path in self.files_dir.iterdir()):
            if entry != JOURNAL:
                yield entry

    def move_to_lost_and_found(self, names: list[str], library_dir: Path) -> Path | None:
        """Move entries of files/ aside into `lost+found/<stamp>/` (never deleting); returns that folder."""
        if not names:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        dest = library_dir / LOST_AND_FOUND / stamp
        dest.mkdir(parents=True, exist_ok=True)
        for name in names:
            source = self.files_dir / name
            if os.path.lexists(source):
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, dest / name)
        return dest

