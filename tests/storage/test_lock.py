"""The per-library write lock: another process waits (or gives up) while one writes; crashes free it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from senref.storage.lock import LibraryLock, LockTimeout

_HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from senref.storage.lock import LibraryLock
    lock = LibraryLock(Path(sys.argv[1]), role="holder-test")
    lock.acquire()
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    if sys.argv[3] == "crash":
        import os
        os._exit(9)  # die holding the lock, as a crash would
    lock.release()
""")


def _hold(path: Path, seconds: float, mode: str = "release") -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path), str(seconds), mode],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_process_times_out_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "library.lock"
    proc = _hold(path, 3)
    messages: list[str] = []
    try:
        with pytest.raises(LockTimeout, match="holder-test"):
            LibraryLock(path).acquire(timeout=0.3, on_wait=messages.append)
        assert messages and "holder-test" in messages[0]
    finally:
        proc.kill()
        proc.communicate()


def test_waiter_gets_the_lock_when_the_holder_releases(tmp_path: Path) -> None:
    path = tmp_path / "library.lock"
    proc = _hold(path, 0.5)
    start = time.monotonic()
    lock = LibraryLock(path)
    lock.acquire(timeout=10)
    lock.release()
    assert time.monotonic() - start >= 0.2
    proc.communicate()


def test_lock_left_by_a_crashed_process_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "library.lock"
    proc = _hold(path, 0.1, "crash")
    proc.communicate()
    assert proc.returncode == 9 and path.exists()
    lock = LibraryLock(path)
    lock.acquire(timeout=1)
    lock.release()


def test_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    lock = LibraryLock(tmp_path / "library.lock")
    lock.acquire()
    lock.acquire()
    lock.release()
    lock.release()
    with pytest.raises(RuntimeError):
        lock.release()
