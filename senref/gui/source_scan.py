"""Keep PySide6's import hook from caching the source of every module imported after it.

PySide6 (its `__feature__` support) asks of each newly imported module whether its source mentions
"PySide6", through `inspect.getsource`, which reads the whole file into `linecache` and keeps it there
for good: every line of the ~230 modules the window imports, 6 MB of the idle window's resident memory
(a fifth of what it held beyond the eager-table floor at 10,000 records). Here the same question is
answered from the same text, read and dropped. Clearing `linecache` afterwards would not do: the lines
are interleaved with the modules' own objects, and the blocks they free stay mapped.
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from types import ModuleType

# The hook is live here (PySide6 is imported first) and reads the source of each module an import statement
# names, once a name: the modules this one needs come past it (import_module is not `__import__`), so
# inspect's 3,300 lines and tokenize's never reach linecache before the hook is replaced.
inspect = import_module("inspect")
tokenize = import_module("tokenize")


def uses_pyside(module: ModuleType) -> bool:
    """What PySide6's `_mod_uses_pyside(module)` answers, without filling `linecache`: the module's source
    file as inspect finds it, read directly, else what its loader gives (a zip import)."""
    try:
        path = inspect.getsourcefile(module)
    except TypeError:
        return False  # a built-in or frozen module, as for inspect.getsource
    source: object = None
    if path is not None and Path(path).is_file():
        try:
            with tokenize.open(path) as handle:
                source = handle.read()
        except (OSError, SyntaxError, UnicodeDecodeError):
            return False
    elif path is not None:
        get_source = getattr(getattr(module, "__loader__", None), "get_source", None)
        try:
            source = get_source(module.__name__) if get_source is not None else None
        except (ImportError, OSError, SyntaxError, UnicodeDecodeError):
            return False
    return isinstance(source, str) and "PySide6" in source


def install() -> bool:
    """Answer PySide6's question with `uses_pyside` from now on (idempotent); False when this PySide6
    has no such hook, which leaves it as it is."""
    import PySide6  # noqa: F401 - installs the hook this replaces

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True


# On import: senref.gui.app imports this module before the window's modules (and this module must not
# be imported where PySide6 may not be, such as senref.gui.preflight).
install()
