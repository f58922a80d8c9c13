"""Putting rich data on the clipboard, and taking it back before the process exits.

PySide6 crashes during interpreter shutdown when the clipboard still holds a QMimeData that was
built in Python; `release()` swaps it for a plain-text copy made by Qt itself (the plain text
is what a clipboard manager keeps after we exit anyway).
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

_owned: list[QMimeData] = []


def put(mime: QMimeData) -> None:
    """Set *mime* on the clipboard and remember that it is ours."""
    QGuiApplication.clipboard().setMimeData(mime)
    _owned[:] = [mime]


def release() -> None:
    """If the clipboard still holds data we put there, replace it with its plain text."""
    if not _owned:
        return
    mime = _owned.pop()
    clipboard = QGuiApplication.clipboard()
    current = clipboard.mimeData()
    if current is None or current is not mime:
        return  # another program (or Qt) owns the clipboard now
    text = mime.text()
    if text:
        clipboard.setText(text)
    else:
        clipboard.clear()
