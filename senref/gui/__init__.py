"""senref's desktop window (PySide6): the only package that imports Qt widgets."""
