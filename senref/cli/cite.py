"""`senref cite [--style apa|vancouver|nature] [--html] [--collection NAME] [KEY...]`: a formatted bibliography."""

from __future__ import annotations

import argparse
import sys

from senref.cli.context import Context
from senref.formats.cite import STYLES


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("cite", help="print a formatted bibliography (APA, Vancouver, Nature)")
    p.add_argument("keys", nargs="*", metavar="KEY", help="items to cite (default: the collection, else the library)")
    p.add_argument("--style", choices=sorted(STYLES), default="apa")
    p.add_argument("--html", action="store_true", help="HTML instead of plain text")
    p.add_argument("--collection", metavar="NAME", help="cite the items of this collection")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.formats.cite import format_bibliography

    lib = ctx.library()
    if args.keys:
        keys = [lib.resolve_key(text) for text in args.keys]
        items = [lib.get_item(key) for key in keys]
    else:
        collection = None
        if args.collection:
            collection = lib.find_collection(args.collection)
            if collection is None:
                ctx.err(f"no collection named {args.collection!r}")
                return 1
        # A collection is cited with its subcollections, as a reader of "the TIS collection" expects.
        items = list(lib.iter_items(collection=collection, recursive=collection is not None))
    if not items:
        ctx.err("nothing to cite")
        return 1
    sys.stdout.write(format_bibliography(items, args.style, html=args.html))
    return 0
