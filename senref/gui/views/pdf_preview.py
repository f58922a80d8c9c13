"""PDF preview of an item's first PDF attachment (QtPdf, rendered by Qt, no external viewer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView


class PdfPreview(QWidget):
    """Shows a PDF page by page, or a line saying why there is nothing to show.

    QtPdf and the viewer are made for the first PDF shown: a window that shows none (most starts:
    the first item is shown after the table has painted) never loads them.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self._document: QPdfDocument | None = None
        self._view: QPdfView | None = None
        self.message = QLabel("No PDF attached", self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.message)
        self.path: Path | None = None

    @property
    def document(self) -> QPdfDocument:
        return self._viewer()[0]

    @property
    def view(self) -> QPdfView:
        return self._viewer()[1]

    def _viewer(self) -> tuple[QPdfDocument, QPdfView]:
        if self._document is None or self._view is None:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self._document = QPdfDocument(self)
            self._view = QPdfView(self)
            self._view.setDocument(self._document)
            self._view.setPageMode(QPdfView.PageMode.MultiPage)
            self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.stack.addWidget(self._view)
        return self._document, self._view

    def show_file(self, path: Path | None, why_not: str = "No PDF attached") -> None:
        if path == self.path and path is not None:
            return
        self.close_document()
        self.path = None
        if path is None or not path.is_file():
            self.message.setText(why_not if path is None else f"The file is missing: {path.name}")
            self.stack.setCurrentWidget(self.message)
            return
        document, view = self._viewer()
        error = document.load(str(path))
        if error != type(document).Error.None_:
            self.message.setText(f"This PDF cannot be shown ({error.name}).")
            self.stack.setCurrentWidget(self.message)
            return
        self.path = path
        self.stack.setCurrentWidget(view)

    def page_count(self) -> int:
        return self._document.pageCount() if self.path is not None and self._document is not None else 0

    def close_document(self) -> None:
        """Let go of the shown PDF's file (the window closes it before the library)."""
        if self._document is not None:
            self._document.close()
