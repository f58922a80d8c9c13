"""`senref zotero-desktop status|import|send KEY...|connect|sync` (a Zotero running here) and `senref import-zotero DIR`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.edit import finish

if TYPE_CHECKING:
    from senref.actions.progress import Progress, ProgressSink


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("zotero-desktop", help="work with the Zotero desktop app running on this machine",
                       description="Talk to Zotero on this machine (port 23119, or $SENREF_ZOTERO_LOCAL_URL): "
                                   "import reads its library through the local API (Zotero 7+, enabled in "
                                   "Settings → Advanced); send creates items in the collection selected in "
                                   "Zotero's window, as the browser connector does.")
    zsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    zsub.add_parser("status", help="whether Zotero is running and its local API enabled")
    zsub.add_parser("import", help="import Zotero's library (collections, items, notes, tags, files)")
    z = zsub.add_parser("send", help="create these items (with notes, tags and files) in Zotero")
    z.add_argument("keys", nargs="+", metavar="KEY")
    zsub.add_parser("connect", help="ask Zotero (10+) for a local key to sync with it both ways (allow it in Zotero)")
    zsub.add_parser("sync", help="two-way sync with the Zotero running here (its own versions, kept apart)")
    p.set_defaults(func=run)
    d = sub.add_parser("import-zotero", help="import a Zotero data directory (zotero.sqlite and storage/)",
                       description="Import a Zotero data directory (Zotero shows it under Settings → Advanced "
                                   "→ Files and Folders). zotero.sqlite is read from a copy, so Zotero may "
                                   "stay open; stored files are copied into the library.")
    d.add_argument("folder", metavar="DIR")
    d.set_defaults(func=run_import_dir)


def _progress(ctx: Context) -> ProgressSink:
    def show(event: Progress) -> None:
        ctx.progress(event.message)
    return show


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import zotero_desktop as actions

    if args.action == "status":
        report = actions.desktop_status(ctx.settings)
        print(report.summary())
        return 0 if report.status is not None and report.status.running else 1
    lib = ctx.library(create=args.action in ("import", "connect"))
    if args.action == "connect":
        return finish(ctx, actions.connect_desktop_sync(lib, ctx.settings))
    if args.action == "sync":
        return finish(ctx, actions.sync_desktop(lib, ctx.settings, progress=_progress(ctx)))
    if args.action == "import":
        return finish(ctx, actions.import_from_desktop(lib, ctx.settings, progress=_progress(ctx)))
    return finish(ctx, actions.send_to_desktop(lib, ctx.settings, args.keys))


def run_import_dir(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import zotero_desktop as actions

    lib = ctx.library(create=True)
    return finish(ctx, actions.import_data_directory(lib, args.folder, progress=_progress(ctx)))
