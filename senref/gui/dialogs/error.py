"""Error boxes: a plain sentence for the user, the technical details folded away (never a bare traceback)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def error_box(parent: QWidget | None, title: str, message: str, details: str = "") -> QMessageBox:
    """A non-blocking error box (shown, not exec'd), so background failures never stall the window."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    if details:
        box.setDetailedText(details)
    box.setModal(False)
    box.show()
    return box
