"""Entry points: `senref` (the CLI given a subcommand, else the desktop window) and `senref-gui`."""

from __future__ import annotations

import sys


def main() -> int:
    """`senref [--library DIR] [--demo] [COMMAND ...]`: the command, or the window when none is given."""
    from senref.cli.main import early_version

    # `--version` answers before the subcommands (and the library code they import) are loaded.
    if early_version(sys.argv[1:]):
        return 0
    from multiprocessing import freeze_support  # the window's worker processes, in a frozen build

    from senref.cli.main import parse_args, run, start_session

    freeze_support()
    args = parse_args(sys.argv[1:])
    if args.command is None:
        from senref.gui.preflight import preflight

        # Before any Qt import: a missing X library must be named, not end in Qt's abort.
        if preflight():
            return 1
        from senref.gui.launch import launch_gui

        return launch_gui(start_session(args), files=[])
    return run(args)


def gui_main() -> int:
    """`senref-gui [--library DIR] [--demo] [FILE...]`: open the window, importing FILEs if given."""
    import argparse
    from multiprocessing import freeze_support

    from senref.gui.preflight import preflight
    from senref.session import Session

    freeze_support()
    parser = argparse.ArgumentParser(prog="senref-gui")
    parser.add_argument("--library", metavar="DIR")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("files", nargs="*", metavar="FILE")
    args = parser.parse_args(sys.argv[1:])
    if preflight():
        return 1
    from senref.gui.launch import launch_gui

    return launch_gui(Session.start(library=args.library, demo=args.demo), files=list(args.files))


if __name__ == "__main__":
    sys.exit(main())
