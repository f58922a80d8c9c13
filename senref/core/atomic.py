"""Atomic file writes: a temp file in the target's folder, fsync, then rename over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, overload


@overload
def atomic_write(path: Path, mode: Literal["w"] = "w", *, encoding: str = "utf-8",
                 newline: str | None = None) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_write(path: Path, mode: Literal["wb"], *, encoding: str = "utf-8",
                 newline: str | None = None) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic_write(path: Path, mode: str = "w", *, encoding: str = "utf-8",
                 newline: str | None = None) -> contextlib.AbstractContextManager[IO]:  # type: ignore[type-arg]
    """Write *path* so that readers see either the old complete file or the new complete one.

    A crash, a full disk or an exception inside the block leaves the old file untouched and no
    temp file behind.
    """
    return _atomic(Path(path), mode, encoding, newline)


@contextlib.contextmanager
def _atomic(path: Path, mode: str, encoding: str, newline: str | None) -> Iterator[IO]:  # type: ignore[type-arg]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
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
