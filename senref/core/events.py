"""Named change hooks: the core calls them after each commit; the GUI re-emits them as Qt signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Hook names and the arguments their callbacks receive.
HOOKS = {
    "items_changed": "keys: list[str] (added, edited, tagged, moved, trashed or restored)",
    "items_removed": "keys: list[str] (deleted for good)",
    "collections_changed": "no arguments",
    "tags_changed": "no arguments",
}


class Events:
    """A tiny observer registry; a failing callback is logged, never breaks the write that fired it."""

    def __init__(self) -> None:
        self._subs: dict[str, list[Callable[..., Any]]] = {name: [] for name in HOOKS}
        self._lock = threading.Lock()

    def subscribe(self, name: str, callback: Callable[..., Any]) -> Callable[[], None]:
        if name not in self._subs:
            raise KeyError(f"unknown hook {name!r}; known: {', '.join(HOOKS)}")
        with self._lock:
            self._subs[name].append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subs[name]:
                    self._subs[name].remove(callback)
        return unsubscribe

    def emit(self, name: str, *args: Any) -> None:
        with self._lock:
            callbacks = list(self._subs[name])
        for callback in callbacks:
            try:
                callback(*args)
            except Exception:  # a broken listener must not undo a committed change
                log.exception("listener for %s failed", name)
