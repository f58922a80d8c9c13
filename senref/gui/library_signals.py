"""The library's change hooks re-emitted as Qt signals, so writes on any thread reach the GUI thread queued."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from senref.core.library import Library


class LibrarySignals(QObject):
    """Lives on the GUI thread; emitting from a worker thread queues delivery to the receivers."""

    items_changed = Signal(list)
    items_removed = Signal(list)
    collections_changed = Signal()
    tags_changed = Signal()

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self._unsubscribe: list[Callable[[], None]] = [
            library.events.subscribe("items_changed", lambda keys: self.items_changed.emit(list(keys))),
            library.events.subscribe("items_removed", lambda keys: self.items_removed.emit(list(keys))),
            library.events.subscribe("collections_changed", self.collections_changed.emit),
            library.events.subscribe("tags_changed", self.tags_changed.emit),
        ]

    def disconnect_library(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
