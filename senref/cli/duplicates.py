"""`senref duplicates list [--json] | scan | merge KEY KEY... [--master KEY] | dismiss KEY KEY...`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.display import terminal_safe
from senref.cli.edit import finish

if TYPE_CHECKING:
    from senref.actions.duplicates import DuplicateGroup
    from senref.core.model import Item


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("duplicates", help="likely duplicates: list, scan, merge on request, or dismiss")
    dsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    d = dsub.add_parser("list", help="the likely duplicates found so far (while adding, importing or scanning)")
    d.add_argument("--json", action="store_true")
    d = dsub.add_parser("scan", help="look for likely duplicates across the whole library")
    d.add_argument("--json", action="store_true")
    d = dsub.add_parser("merge", help="merge items into one (undoable from the window); the others go to the Trash")
    d.add_argument("keys", nargs="+", metavar="KEY")
    d.add_argument("--master", metavar="KEY", help="the item to keep (default: the suggested one)")
    d = dsub.add_parser("dismiss", help='mark items as "not duplicates": never offered again')
    d.add_argument("keys", nargs="+", metavar="KEY")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import duplicates as dup_actions

    lib = ctx.library(create=args.action not in ("list", "scan"))
    if args.action in ("list", "scan"):
        report = dup_actions.list_duplicates(lib) if args.action == "list" else dup_actions.find_duplicates(lib)
        if args.json:
            print(json.dumps([_as_json(g) for g in report.groups], ensure_ascii=False, indent=2))
        else:
            for group in report.groups:
                _print_group(lib.get_item, group)
        return finish(ctx, report)
    if args.action == "merge":
        master = lib.resolve_key(args.master) if args.master else None
        merged = dup_actions.merge_duplicates(lib, [lib.resolve_key(k) for k in args.keys], master=master)
        return finish(ctx, merged)
    return finish(ctx, dup_actions.dismiss_duplicates(lib, [lib.resolve_key(k) for k in args.keys]),
                  summary="dismissed: not offered as duplicates again")


def _as_json(group: DuplicateGroup) -> dict[str, object]:
    return {"keys": list(group.keys), "score": group.score, "reasons": list(group.reasons), "master": group.master,
            "proof": group.proof, "differences": {d.name: d.values for d in group.differences}}


def _print_group(get_item: Callable[[str], Item], group: DuplicateGroup) -> None:
    print(f"{group.score:.2f}  {', '.join(group.reasons)}")
    for key in group.keys:
        item = get_item(key)
        mark = "*" if key == group.master else " "
        print(f"  {mark} {key}  {item.year or '':>4}  {terminal_safe(item.title)[:90]}")
