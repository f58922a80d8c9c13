"""`senref tag KEY TAG... [--remove]` and `senref tags list|rename|delete|color`."""

from __future__ import annotations

import argparse
import json

from senref.cli.context import Context
from senref.cli.display import terminal_safe
from senref.cli.edit import finish


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("tag", help="add (or --remove) manual tags on an item; tagging an automatic tag accepts it")
    p.add_argument("key")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true", help="remove the tags (a removed topic is not re-added)")
    p.set_defaults(func=run_tag)

    p = sub.add_parser("tags", help="library-wide tag tools")
    tsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    t = tsub.add_parser("list", help="tags with item counts")
    t.add_argument("--automatic", action="store_true", help="only automatic tags")
    t.add_argument("--manual", action="store_true", help="only manual tags")
    t.add_argument("--json", action="store_true")
    t = tsub.add_parser("rename", help="rename a tag everywhere (merges into an existing tag of that name)")
    t.add_argument("old")
    t.add_argument("new")
    t = tsub.add_parser("delete", help="remove a tag from every item")
    t.add_argument("name")
    t = tsub.add_parser("color", help="give a tag a colour shown in the item table (#RRGGBB, or 'none')")
    t.add_argument("name")
    t.add_argument("color")
    p.set_defaults(func=run_tags)


def run_tag(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import tags as tag_actions

    lib = ctx.library()
    key = lib.resolve_key(args.key)
    report = tag_actions.remove_tags(lib, key, args.tags) if args.remove else tag_actions.add_tags(lib, key, args.tags)
    return finish(ctx, report)


def run_tags(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import tags as tag_actions

    lib = ctx.library(create=args.action != "list")
    if args.action == "list":
        rows = lib.tag_counts()
        if args.automatic or args.manual:
            wanted = 1 if args.automatic else 0
            rows = [r for r in rows if r[2] == wanted]
        colors = lib.tag_colors()
        if args.json:
            print(json.dumps([{"tag": n, "numItems": c, "type": t, "color": colors.get(n)} for n, c, t in rows],
                             ensure_ascii=False, indent=2))
        else:
            for name, count, kind in rows:
                print(f"{count:6d}  {terminal_safe(name)}{'  (auto)' if kind else ''}")
        return 0
    if args.action == "rename":
        report = tag_actions.rename_tag(lib, args.old, args.new)
        return finish(ctx, report, report.summary() if report.merged else f"renamed on {len(report.changed)} item(s)")
    if args.action == "delete":
        report = tag_actions.delete_tag(lib, args.name)
        return finish(ctx, report, f"removed from {len(report.changed)} item(s)")
    return finish(ctx, tag_actions.set_tag_color(lib, args.name, args.color), "")
