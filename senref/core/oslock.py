"""OS file locks, the one kind senref uses (the library's write lock, one sync writer per target).

The kernel frees such a lock when its process dies, so a crash can never leave a stale lock.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def try_lock(fd: int) -> bool:
        """Take an exclusive lock on *fd* without waiting; False when another process holds it."""
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def try_lock(fd: int) -> bool:
        """Take an exclusive lock on *fd* without waiting; False when another process holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[bool]:
    """Hold a non-blocking lock on *path* for the block; yields True when it was acquired."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        got = try_lock(fd)
        try:
            yield got
        finally:
            if got:
                with contextlib.suppress(OSError):
                    unlock(fd)
    finally:
        os.close(fd)
