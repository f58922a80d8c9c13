"""Bundle entry point: `senref` runs the command line, `senref-gui` (same bundle) the window with FILE arguments.

Both executables are built from this one script so that they share a single Analysis and one
set of collected libraries; the name the program was started under picks the entry point.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _entry() -> int:
    from senref.__main__ import gui_main, main

    # Windows names the program senref-gui.exe; "senref-gui" also covers symlinks made by installers.
    if Path(sys.argv[0]).stem.lower() == "senref-gui":
        return gui_main()
    return main()


if __name__ == "__main__":
    sys.exit(_entry())
