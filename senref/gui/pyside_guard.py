"""Keep PySide6's reference-count bug from freeing `None` in long sessions (Python before 3.12).

PySide6 6.12.0 on Python 3.11 drops one reference to `None` on every call of a Qt method that returns
nothing (`setText`, `hide`, `processEvents`...); after a few thousand calls CPython frees `None` and aborts
("none_dealloc"). Python 3.12 made `None`, `True` and `False` immortal by giving them a huge reference
count; this does the same on older Pythons, so no number of such calls can bring the count to zero.
"""

from __future__ import annotations

import ctypes
import sys

#: Headroom given to each singleton: more calls than a window makes in centuries.
HEADROOM = 1 << 40


def pin_singletons() -> None:
    """Give None, True, False, Ellipsis and NotImplemented a reference count nothing can exhaust (idempotent)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False, Ellipsis, NotImplemented):
        # ob_refcnt is the first field of every CPython object, at the object's address; a count already
        # past the headroom was pinned before (by an earlier import in this process).
        count = ctypes.c_ssize_t.from_address(id(obj))
        if count.value < HEADROOM:
            count.value += HEADROOM
