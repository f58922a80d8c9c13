"""Window state (geometry, splitters, columns) in an ini file under senref's config folder.

QSettings would otherwise write to the user's platform store; keeping it beside settings.toml
means SENREF_HOME moves it too, so tests never touch a real user's window state.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from senref.paths import get_paths

ORGANIZATION = "senref"


def window_settings() -> QSettings:
    path = get_paths().config / "window.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)
