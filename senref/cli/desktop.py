"""`senref desktop install|uninstall`: menu entry, icons and file associations for the current user."""

from __future__ import annotations

import argparse
from typing import Any

from senref.cli.context import Context


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "desktop", help="add or remove the menu entry and file associations (Linux desktops)",
        description="Install senref's menu entry, icon, AppStream data and the BibTeX, RIS, CSL-JSON and "
                    "Zotero RDF file associations into your XDG data folder ($XDG_DATA_HOME, by default "
                    "~/.local/share), then refresh the desktop and MIME caches. Running it again is harmless.")
    actions = parser.add_subparsers(dest="desktop_action", metavar="ACTION", required=True)
    install = actions.add_parser("install", help="install for the current user",
                                 description="Install for the current user (the only mode: system-wide "
                                             "installation belongs to distribution packages).")
    # Accepted so that `senref desktop install --user` reads like other tools; per-user is all we do.
    install.add_argument("--user", action="store_true", help="install for the current user (the default)")
    install.set_defaults(func=run)
    uninstall = actions.add_parser("uninstall", help="remove what 'senref desktop install' added",
                                   description="Remove exactly the files 'senref desktop install' wrote.")
    uninstall.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref import desktop

    if args.desktop_action == "install":
        try:
            outcome = desktop.install()
        except desktop.DesktopError as exc:
            ctx.err(str(exc))
            return 1
        for path in outcome.written:
            print(f"installed {path}")
        if outcome.unchanged and not outcome.written:
            print(f"already installed in {outcome.data_home}")
    else:
        outcome = desktop.uninstall()
        for path in outcome.removed:
            print(f"removed {path}")
        if not outcome.removed:
            print(f"nothing to remove in {outcome.data_home}")
    for warning in outcome.warnings:
        ctx.err(warning)
    return 0
