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
    from senref.actions.bibliography import cite

    report = cite(ctx.library(), ctx.settings, keys=args.keys, collection=args.collection, style=args.style,
                  html=args.html)
    for problem in report.problems:
        ctx.err(problem)
    if report.failed:
        return 1
    sys.stdout.write(report.html if args.html else report.text)
    return 0
