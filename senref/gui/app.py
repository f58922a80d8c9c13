"""Start the desktop application: QApplication, the library window, files given on the command line."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from senref.core.library import Library, LibraryError
from senref.core.settings import load_settings
from senref.gui.dialogs.error import error_box
from senref.gui.drops import DropPayload, classify_path
from senref.gui.gui_settings import ORGANIZATION
from senref.gui.main_window import MainWindow

log = logging.getLogger(__name__)

#: Open windows, so a window replaced by another library's (the demo) is not garbage-collected early.
_windows: list[MainWindow] = []


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName("senref")
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("senref")
    app.setDesktopFileName("senref")
    return app


def open_window(folder: Path, *, demo: bool, files: list[str] | None = None) -> MainWindow:
    """Open *folder* in a new window (the library is opened here, closed when the window closes)."""
    library = Library.open(folder, role="gui")
    window = MainWindow(library, settings=load_settings(), demo=demo)
    window.library_switch_requested.connect(lambda target, is_demo: _switch(window, target, is_demo))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.destroyed.connect(lambda: _windows.remove(window) if window in _windows else None)
    _windows.append(window)
    if files:
        payload = DropPayload()
        for name in files:
            path = Path(name)
            if path.exists():
                classify_path(path, payload)
            else:
                payload.texts.append(name)  # an identifier or URL given on the command line
        window.on_payload_dropped(payload, None)
    return window


def _switch(old: MainWindow, folder: Path, demo: bool) -> None:
    new = open_window(folder, demo=demo)
    new.setGeometry(old.geometry())
    new.show()
    old.close()


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """An unexpected error in a slot becomes a dialog with details, not a crash or a console traceback."""
    log.error("unexpected error", exc_info=(kind, value, tb))
    parent = _windows[-1] if _windows else None
    error_box(parent, "Something went wrong", f"{value or kind.__name__}",
              "".join(traceback.format_exception(kind, value, tb)))


def run_gui(library_folder: Path, *, demo: bool, files: list[str]) -> int:
    """The `senref` / `senref --demo` / `senref-gui FILES` entry point; returns the exit code."""
    app = ensure_application()
    try:
        window = open_window(Path(library_folder), demo=demo, files=files)
    except (LibraryError, OSError) as exc:
        QMessageBox.critical(None, "senref cannot open the library", str(exc))
        return 1
    window.show()
    sys.excepthook = _excepthook
    try:
        return app.exec()
    finally:
        sys.excepthook = sys.__excepthook__
