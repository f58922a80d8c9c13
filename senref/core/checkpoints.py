"""Named points where a crash test may kill the process (`SENREF_CRASH_AT=name`); inert when unset."""

from __future__ import annotations

import os
import signal

#: The environment variable naming the checkpoint at which to die.
CRASH_ENV = "SENREF_CRASH_AT"


def reached(name: str) -> None:
    """Die at once, as a power cut or `kill -9` would, when the crash variable names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
