"""`senref collection create|rename|move|delete|add|remove|list`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.display import terminal_safe
from senref.cli.edit import finish
from senref.cli.items import collection_key

if TYPE_CHECKING:
    from senref.core.library import Library


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("collection", help="manage collections (nested; an item may sit in many)")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("create", help="create a collection")
    c.add_argument("name")
    c.add_argument("--parent", metavar="NAME")
    c = csub.add_parser("rename", help="rename a collection")
    c.add_argument("name")
    c.add_argument("new_name")
    c = csub.add_parser("move", help="move a collection under another (or to the top with --top)")
    c.add_argument("name")
    group = c.add_mutually_exclusive_group(required=True)
    group.add_argument("--parent", metavar="NAME")
    group.add_argument("--top", action="store_true")
    c = csub.add_parser("delete", help="delete a collection and its subcollections (items stay)")
    c.add_argument("name")
    c = csub.add_parser("add", help="file items in a collection")
    c.add_argument("name")
    c.add_argument("keys", nargs="+", metavar="KEY")
    c = csub.add_parser("remove", help="take items out of a collection")
    c.add_argument("name")
    c.add_argument("keys", nargs="+", metavar="KEY")
    c = csub.add_parser("list", help="show the collection tree with item counts")
    c.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import collections as collection_actions

    lib = ctx.library(create=args.action != "list")
    action = args.action
    if action == "list":
        _print_tree(lib, args.json)
        return 0
    if action == "create":
        report = collection_actions.create_collection(lib, args.name, collection_key(lib, args.parent))
        if report.key:
            print(report.key)
        return finish(ctx, report, "")
    if action in ("add", "remove"):
        keys = [lib.resolve_key(k) for k in args.keys]
        edit = collection_actions.add_to_collection if action == "add" else collection_actions.remove_from_collection
        report = edit(lib, _key(lib, args.name), keys)
        return finish(ctx, report, f"{'added' if action == 'add' else 'removed'} {len(report.changed)} item(s)")
    key = _key(lib, args.name)
    if action == "rename":
        report = collection_actions.rename_collection(lib, key, args.new_name)
    elif action == "move":
        report = collection_actions.move_collection(lib, key, None if args.top else collection_key(lib, args.parent))
    else:
        report = collection_actions.delete_collection(lib, key)
    return finish(ctx, report, "")


def _key(lib: Library, spec: str) -> str:
    key = collection_key(lib, spec)
    assert key is not None
    return key


def _print_tree(lib: Library, as_json: bool) -> None:
    cols = lib.list_collections()
    if as_json:
        print(json.dumps([{"key": c.key, "name": c.name, "parentCollection": c.parent_key or False,
                           "path": "/".join(lib.collection_path(c.key)), "numItems": c.item_count}
                          for c in cols], ensure_ascii=False, indent=2))
        return
    children: dict[str | None, list[object]] = {}
    for col in cols:
        children.setdefault(col.parent_key, []).append(col)

    def walk(parent: str | None, depth: int) -> None:
        for col in children.get(parent, []):
            print(f"{'  ' * depth}{terminal_safe(col.name)}  [{col.key}]  {col.item_count}")  # type: ignore[attr-defined]
            walk(col.key, depth + 1)  # type: ignore[attr-defined]
    walk(None, 0)
