"""The About box."""

from __future__ import annotations

from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget


def show_about(parent: QWidget | None, library: str) -> Any:
    # Read here, not at import: the version comes from importlib.metadata (~20 ms of the window's start).
    from senref import __version__ as senref_version

    return QMessageBox.about(
        parent, "About senref",
        f"senref {senref_version}\n\n"
        "A reference manager for therapy-induced senescence research: records from HAL, DOIs, "
        "PubMed and arXiv with their open-access PDFs, topic tags, and Zotero-compatible files.\n\n"
        f"Library: {library}\nQt {qVersion()}, PySide6 {pyside_version}",
    )
