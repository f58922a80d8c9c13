"""A per-library inter-process write lock (an OS file lock: the kernel frees it when a process dies)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from senref.core.oslock import try_lock, unlock


class LockTimeout(RuntimeError):
    """Another process kept the library's write lock for longer than we were willing to wait."""


class LibraryLock:
    """Exclusive, re-entrant (per process) lock on `<library>/library.lock`.

    An OS-level lock rather than a pid file means a crashed process never leaves a stale lock:
    the kernel releases it. The file also records the holder's pid and role, for the message
    another process shows while it waits.
    """

    def __init__(self, path: Path, role: str = "senref") -> None:
        self.path = path
        self.role = role
        self._fd: int | None = None
        self._depth = 0
        self._mutex = threading.RLock()

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "another senref process"
        except OSError:
            return "another senref process"

    def acquire(self, timeout: float = 30.0, on_wait: Callable[[str], None] | None = None) -> None:
        self._mutex.acquire()
        if self._depth:
            self._depth += 1
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            deadline = time.monotonic() + timeout
            told = False
            while not try_lock(fd):
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(f"the library is busy: {self.holder()} is writing to it")
                if not told and on_wait is not None:
                    on_wait(f"waiting for the library write lock held by {self.holder()}")
                    told = True
                time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} ({self.role})".encode())
            self._fd = fd
            self._depth = 1
        except BaseException:
            self._mutex.release()
            raise

    def release(self) -> None:
        if not self._depth:
            raise RuntimeError("release of an unheld library lock")
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            unlock(fd)
            os.close(fd)
        self._mutex.release()
