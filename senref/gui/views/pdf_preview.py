"""PDF preview of an item's first PDF attachment (QtPdf, rendered by Qt, no external viewer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget


class PdfPreview(QWidget):
    """Shows a PDF page by page, or a line saying why there is nothing to show."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.message = QLabel("No PDF attached", self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)
        self.path: Path | None = None

    def show_file(self, path: Path | None, why_not: str = "No PDF attached") -> None:
        if path == self.path and path is not None:
            return
        self.document.close()
        self.path = None
        if path is None or not path.is_file():
            self.message.setText(why_not if path is None else f"The file is missing: {path.name}")
            self.stack.setCurrentWidget(self.message)
            return
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_:
            self.message.setText(f"This PDF cannot be shown ({error.name}).")
            self.stack.setCurrentWidget(self.message)
            return
        self.path = path
        self.stack.setCurrentWidget(self.view)

    def page_count(self) -> int:
        return self.document.pageCount() if self.path is not None else 0
