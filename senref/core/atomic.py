"""Atomic file writes: a temp file in the target's folder, fsync, then rename over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Literal, overload


@overload
def atomic_write(path: Path, mode: Literal["w"] = "w", *, encoding: str = "utf-8", newline: str | None = None,
                 before_replace: Callable[[], None] | None = None) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_write(path: Path, mode: Literal["wb"], *, encoding: str = "utf-8", newline: str | None = None,
                 before_replace: Callable[[], None] | None = None) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic_write(path: Path, mode: str = "w", *, encoding: str = "utf-8", newline: str | None = None,
                 before_replace: Callable[[], None] | None = None
                 ) -> contextlib.AbstractContextManager[IO]:  # type: ignore[type-arg]
    """Write *path* so that readers see either the old complete file or the new complete one.

    A crash, a full disk or an exception inside the block leaves the old file untouched and no
    temp file behind. *before_replace* runs once the new content is durable, just before it
    replaces the old: a record that must exist before the replace (sync's pending record) is
    saved there, and an exception from it leaves the old file in place.
    """
    return _atomic(Path(path), mode, encoding, newline, before_replace)


#: A temp file older than this is a leftover whatever its name says.
STALE_TEMP_SECONDS = 24 * 3600


@contextlib.contextmanager
def _atomic(path: Path, mode: str, encoding: str, newline: str | None,
            before_replace: Callable[[], None] | None = None) -> Iterator[IO]:  # type: ignore[type-arg]
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    # The pid in the name tells a later write whether this writer still runs (see remove_stale_temps).
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        if "b" in mode:
            handle: IO = os.fdopen(fd, "wb")  # type: ignore[type-arg]
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temps(path: Path) -> int:
    """Delete the temps of earlier writes of *path* that a killed process left (`.<name>.<pid>-*.part`).

    A temp whose writer no longer runs is stale, and so is any older than a day; the temp of a
    senref writing the same file right now stays. Returns how many went.
    """
    removed = 0
    prefix = f".{path.name}."
    now = time.time()
    try:
        siblings = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".part")]
    except OSError:
        return 0
    for temp in siblings:
        owner = temp.name[len(prefix):].split("-", 1)[0]
        try:
            old = now - temp.lstat().st_mtime > STALE_TEMP_SECONDS
            if old or not owner.isdigit() or not process_running(int(owner)):
                temp.unlink()
                removed += 1
        except OSError:  # gone meanwhile, or not ours: never fail a write over it
            continue
    return removed


def process_running(pid: int) -> bool:
    """Whether process *pid* exists (POSIX; elsewhere assume it does and let the age rule decide)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True
