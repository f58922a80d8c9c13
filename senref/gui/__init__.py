"""senref's desktop window (PySide6): the only package that imports Qt widgets."""

from senref.gui.pyside_guard import pin_singletons

# Before any Qt call: PySide6 6.12 on Python 3.11 leaks references to None (see pyside_guard).
pin_singletons()
