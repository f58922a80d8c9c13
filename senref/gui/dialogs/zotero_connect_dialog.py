"""Connect to Zotero: an API key, the user's own library or a group, and what the server said about them.

The dialog only asks and shows: `connect_requested` hands the key and library to the Zotero controller,
which checks them with the server off the GUI thread and answers with `show_result` or `show_problem`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

KEYS_URL = "https://www.zotero.org/settings/keys"
PROBLEM_COLOR = "#c0392b"


class ZoteroConnectDialog(QDialog):
    """Asks for a key and a library; shows the current connection, then the server's answer.

    Signals:
        connect_requested(str, object): the API key and the group id (None: the key owner's library).
    """

    connect_requested = Signal(str, object)

    def __init__(self, current: str = "", parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoteroConnectDialog")
        self.setWindowTitle("Connect to Zotero")
        self.resize(560, 0)
        intro = QLabel("senref syncs this library both ways with a Zotero library on zotero.org: yours, or "
                       f"a group's. Create a key with access to it at <a href=\"{KEYS_URL}\">"
                       "zotero.org/settings/keys</a> (allow write access to send changes back).", self)
        intro.setObjectName("zoteroKeysLink")
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        self.current = QLabel(self)
        self.current.setObjectName("zoteroCurrent")
        self.current.setWordWrap(True)
        self.key = QLineEdit(self)
        self.key.setObjectName("zoteroKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("API key")
        self.key.textChanged.connect(self._update_button)
        self.mine = QRadioButton("My library", self)
        self.group = QRadioButton("Group", self)
        self.mine.setChecked(True)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.mine)
        self.choice.addButton(self.group)
        self.group_id = QLineEdit(self)
        self.group_id.setObjectName("zoteroGroupId")
        self.group_id.setPlaceholderText("group id (the number in the group's zotero.org address)")
        self.group_id.setValidator(QIntValidator(1, 2**31 - 1, self))
        self.group_id.setEnabled(False)
        self.group.toggled.connect(self.group_id.setEnabled)
        self.group.toggled.connect(self._update_button)
        self.group_id.textChanged.connect(self._update_button)
        library_row = QHBoxLayout()
        library_row.addWidget(self.mine)
        library_row.addWidget(self.group)
        library_row.addWidget(self.group_id, 1)
        form = QFormLayout()
        form.addRow("API key", self.key)
        form.addRow("Library", library_row)
        self.answer = QLabel(self)
        self.answer.setObjectName("zoteroAnswer")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)  # the server's messages are never markup
        self.answer.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.connect_button = QPushButton("Connect", self)
        self.connect_button.setObjectName("zoteroConnect")
        self.connect_button.setDefault(True)
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.connect_button.clicked.connect(self.on_connect_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.answer)
        layout.addWidget(buttons)
        self.busy = False
        self.set_current(current)
        self._update_button()

    def set_current(self, description: str) -> None:
        """The connection the library has now ("" when none)."""
        self.current.setText(f"Connected to {description}." if description
                             else "This library is not connected to Zotero yet.")

    def group_choice(self) -> int | None:
        if not self.group.isChecked():
            return None
        text = self.group_id.text().strip()
        return int(text) if text.isdigit() else None

    def _ready(self) -> bool:
        return bool(self.key.text().strip()) and (not self.group.isChecked() or self.group_choice() is not None)

    def _update_button(self) -> None:
        self.connect_button.setEnabled(self._ready() and not self.busy)

    def on_connect_clicked(self) -> None:
        if not self._ready():
            return
        self.busy = True
        self._update_button()
        self._say("Checking the key with the Zotero server…", problem=False)
        self.connect_requested.emit(self.key.text().strip(), self.group_choice())

    def show_result(self, summary: str, warnings: list[str]) -> None:
        """The key was accepted: who, which rights, where it is kept (and any caveat)."""
        self.busy = False
        self.key.clear()  # kept by senref now; the field need not hold it any longer
        text = summary[:1].upper() + summary[1:] + "."
        self._say(" ".join([text, *(w[:1].upper() + w[1:] + "." for w in warnings)]), problem=False)
        self._update_button()

    def show_problem(self, message: str) -> None:
        self.busy = False
        self._say(message[:1].upper() + message[1:], problem=True)
        self._update_button()

    def _say(self, text: str, *, problem: bool) -> None:
        self.answer.setProperty("problem", problem)
        self.answer.setText(("⚠ " if problem else "") + text)
        self.answer.setStyleSheet(f"color: {PROBLEM_COLOR};" if problem else "")
        self.answer.show()
