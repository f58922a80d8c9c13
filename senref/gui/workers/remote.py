"""A job for a worker process, described as data: which function, on which library, with which arguments.

Qt-free: the worker process imports it (see `senref.gui.workers.child`); the window builds RemoteJobs
(see `senref.gui.jobs_library`) and `senref.gui.workers.processes` runs them. The function must be a
module-level function, since it travels to the worker by name; its arguments and result travel pickled.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from senref.core.events import Events
    from senref.core.library import Library

#: fn(library, progress, should_stop, **kwargs) -> result; progress takes an event, or (done, total, message).
RemoteFunction = Callable[..., Any]


@dataclass(frozen=True)
class LibraryRef:
    """How the worker opens the window's library: the same folder, and a tagger with the same vocabulary."""

    folder: Path
    tagger: Any = None  # picklable (a DeferredTagger travels as its paths); None: saved records are not tagged

    @classmethod
    def of(cls, library: Library) -> LibraryRef:
        return cls(Path(library.folder), library.tagger)


@dataclass(frozen=True)
class RemoteCall:
    """What travels to the worker process."""

    fn: RemoteFunction
    library: LibraryRef | None
    kwargs: dict[str, Any]
    #: the window's environment when the job was made: service URLs and folders set there apply in the worker
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


@dataclass(frozen=True)
class RemoteJob:
    """A RemoteCall and, on the window's side only, the library whose change hooks the worker's saves fire."""

    call: RemoteCall
    events: Events | None = None


def remote_job(library: Library | None, fn: RemoteFunction, **kwargs: Any) -> RemoteJob:
    """A job running `fn(worker's library, progress, should_stop, **kwargs)` in a worker process."""
    ref = LibraryRef.of(library) if library is not None else None
    return RemoteJob(RemoteCall(fn, ref, kwargs), library.events if library is not None else None)


def user_message(exc: BaseException) -> str:
    """One readable line for an exception (its message, or its kind when it has none)."""
    text = str(exc).strip()
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return text or exc.__class__.__name__
