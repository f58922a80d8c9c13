"""The empty-library welcome: how to add references (drag and drop, paste, by identifier) and the demo."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

WELCOME_TEXT = (
    "Your library is empty.\n\n"
    "Drag a DOI, a HAL id (such as inserm-03547029), a PubMed or arXiv id, a link from your browser, "
    "or a PDF file onto this window: senref fetches the record and its open-access PDF.\n\n"
    "You can also paste identifiers or a copied citation with Ctrl+V, or use Add by Identifier "
    "(Ctrl+Shift+N). Drop onto a collection on the left to file the new item there."
)


class WelcomeView(QWidget):
    """Shown instead of the table while the library has no items at all."""

    demo_requested = Signal()
    add_requested = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        title = QLabel("Welcome to senref", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(WELCOME_TEXT, self)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(560)
        self.add_button = QPushButton("Add by Identifier…", self)
        self.demo_button = QPushButton("Open the Demo Library", self)
        self.demo_button.setToolTip("28 therapy-induced senescence papers, to try senref offline")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addSpacing(12)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.add_button.clicked.connect(self.add_requested)
        self.demo_button.clicked.connect(self.demo_requested)
