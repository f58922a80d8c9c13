"""Jobs for the worker-process tests: module-level, so a worker process can run them by name."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from senref.core.library import Library
from senref.core.model import Creator, Item


def pid(library: Library | None, progress: Any, should_stop: Any) -> int:
    return os.getpid()


def qt_modules(library: Library | None, progress: Any, should_stop: Any) -> list[str]:
    return sorted(name for name in sys.modules if name.startswith(("PySide6", "shiboken6")))


def save_items(library: Library, progress: Any, should_stop: Any, *, count: int, pause: float = 0.0,
               stop_file: str | None = None) -> list[str]:
    """Save *count* items one by one (reporting each), pausing between them; stops when asked."""
    keys = []
    for n in range(count):
        if should_stop():
            break
        item = Item(fields={"title": f"Worker record {n} on senescence", "date": "2020"})
        item.creators = [Creator("author", "Ana", f"Worker{n}")]
        keys.append(library.save_item(item).key)
        progress(n + 1, count, f"added {keys[-1]}")
        if stop_file and n == 0:
            Path(stop_file).touch()  # a marker the test waits for
        time.sleep(pause)
    return keys


def fail(library: Library | None, progress: Any, should_stop: Any, *, message: str) -> None:
    raise ValueError(message)


def unpicklable(library: Library | None, progress: Any, should_stop: Any) -> Any:
    return threading.Lock()


def hang(library: Library | None, progress: Any, should_stop: Any, *, marker: str) -> None:
    Path(marker).touch()
    while True:
        time.sleep(0.05)
