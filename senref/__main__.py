"""Entry points: `senref` (CLI; the desktop window when no command is given) and `senref-gui`."""

from __future__ import annotations

import sys


def main() -> int:
    from senref.cli.main import main as cli_main

    return cli_main(sys.argv[1:])


def gui_main() -> int:
    """`senref-gui [--library DIR] [--demo] [FILE...]`: open the window, importing FILEs if given."""
    import argparse

    from senref.cli.main import make_context
    from senref.gui.launch import launch_gui

    parser = argparse.ArgumentParser(prog="senref-gui")
    parser.add_argument("--library", metavar="DIR")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("files", nargs="*", metavar="FILE")
    args = parser.parse_args(sys.argv[1:])
    return launch_gui(make_context(args), files=list(args.files))


if __name__ == "__main__":
    sys.exit(main())
