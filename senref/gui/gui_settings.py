"""Window state (geometry, splitters, columns) in an ini file under senref's config folder.

QSettings would otherwise write to the user's platform store; keeping it beside settings.toml
means SENREF_HOME moves it too, so tests never touch a real user's window state.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from senref.paths import get_paths

ORGANIZATION = "senref"


def window_settings() -> QSettings:
    path = get_paths().config / "window.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def restore_window_state(window: QMainWindow, splitters: Iterable[QSplitter], header: QHeaderView) -> None:
    """Geometry, docks, splitter positions and table columns as the window was last closed.

    A first start (nothing saved) gets a size that fits the screen instead.
    """
    store = window_settings()
    geometry = store.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        screen = window.screen().availableGeometry()
        window.resize(min(1360, screen.width()), min(860, screen.height()))
    state = store.value("window/state")
    if state is not None:
        window.restoreState(state)
    for splitter in splitters:
        saved = store.value(f"splitters/{splitter.objectName()}")
        if saved is not None:
            splitter.restoreState(saved)
    columns = store.value("table/header")
    if columns is not None:
        header.restoreState(columns)


def save_window_state(window: QMainWindow, splitters: Iterable[QSplitter], header: QHeaderView) -> None:
    store = window_settings()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/state", window.saveState())
    for splitter in splitters:
        store.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
    store.setValue("table/header", header.saveState())
    store.sync()
