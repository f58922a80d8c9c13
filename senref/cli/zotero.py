"""`senref zotero connect --key KEY [--group ID] | status | webdav URL --user NAME | sync | conflicts [--json] |
resolve ID --keep local|remote`."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.display import terminal_safe
from senref.cli.edit import finish

if TYPE_CHECKING:
    from senref.actions.progress import Progress


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("zotero", help="two-way sync with a Zotero library (yours or a group's) via zotero.org")
    zsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    z = zsub.add_parser("connect", help="check an API key (zotero.org/settings/keys) and connect this library")
    z.add_argument("--key", help="the API key (default: $SENREF_ZOTERO_KEY)")
    z.add_argument("--group", type=int, metavar="ID", help="sync with this group library instead of your own")
    zsub.add_parser("status", help="which Zotero library this one syncs with, its version and open conflicts")
    z = zsub.add_parser("webdav", help="keep attachment files on your WebDAV server (your own library only)")
    z.add_argument("url", help="the WebDAV URL Zotero would use (files go under its zotero/ folder)")
    z.add_argument("--user", required=True)
    z.add_argument("--password", help="default: $SENREF_WEBDAV_PASSWORD")
    zsub.add_parser("sync", help="upload local changes, download the server's, merge")
    z = zsub.add_parser("conflicts", help="fields changed on both sides since the last sync")
    z.add_argument("--json", action="store_true")
    z = zsub.add_parser("resolve", help="decide a conflict (the next sync sends the choice)")
    z.add_argument("conflict", metavar="ID")
    z.add_argument("--keep", choices=("local", "remote"), required=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import zotero as zotero_actions

    lib = ctx.library(create=args.action == "connect")
    if args.action == "connect":
        key = args.key or os.environ.get("SENREF_ZOTERO_KEY", "")
        if not key:
            ctx.err("give the API key with --key KEY (or SENREF_ZOTERO_KEY)")
            return 2
        return finish(ctx, zotero_actions.connect(lib, ctx.settings, key, group=args.group))
    if args.action == "webdav":
        password = args.password or os.environ.get("SENREF_WEBDAV_PASSWORD", "")
        if not password:
            ctx.err("give the WebDAV password with --password (or SENREF_WEBDAV_PASSWORD)")
            return 2
        return finish(ctx, zotero_actions.use_webdav(lib, args.url, args.user, password),
                      summary=f"attachment files now go to {args.url.rstrip('/')}/zotero/")
    if args.action == "status":
        from senref.zotero.account import load_account
        from senref.zotero.state import load_state

        account, state = load_account(lib.folder), load_state(lib.folder)
        if account is None:
            print("not connected to Zotero")
            return 0
        print(account.describe())
        print(f"library version {state.version if state else 0}; "
              f"{len(state.conflicts) if state else 0} open conflict(s)")
        return 0
    if args.action == "sync":
        def progress(event: Progress) -> None:
            ctx.progress(event.message)
        return finish(ctx, zotero_actions.sync(lib, ctx.settings, progress=progress))
    if args.action == "conflicts":
        found = zotero_actions.conflicts(lib)
        if args.json:
            print(json.dumps([c.__dict__ for c in found], ensure_ascii=False, indent=2))
        for c in [] if args.json else found:
            print(f"{c.id}  {c.key}  {c.field}: here {terminal_safe(str(c.local))[:60]!r} | "
                  f"Zotero {terminal_safe(str(c.remote))[:60]!r}  {terminal_safe(c.title)[:50]}")
        return 0
    try:
        conflict = zotero_actions.resolve(lib, args.conflict, args.keep)
    except KeyError:
        ctx.err(f"no open conflict {args.conflict} (senref zotero conflicts lists them)")
        return 1
    ctx.progress(f"kept the {'local' if args.keep == 'local' else 'Zotero'} value of {conflict.field} "
                 f"for {conflict.key}; the next sync sends it")
    return 0
