"""`senref cite [--style STYLE|FILE.csl] [--locale xx-XX] [--html] [--collection NAME] [KEY...]`: a formatted
bibliography in any official CSL style; `senref cite --list-styles [QUERY]`: the styles to choose from."""

from __future__ import annotations

import argparse
import sys

from senref.cli.context import Context


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("cite", help="print a formatted bibliography in any official CSL style")
    p.add_argument("keys", nargs="*", metavar="KEY", help="items to cite (default: the collection, else the library)")
    p.add_argument("--style", metavar="STYLE|FILE.csl",
                   help="an official style id or name (apa, vancouver, nature, cell, JNCI...) or a .csl file "
                        "(default: [cite] style in settings.toml, else apa)")
    p.add_argument("--locale", metavar="xx-XX", help="language for styles that set none (default: [cite] locale, else en-US)")
    p.add_argument("--html", action="store_true", help="HTML instead of plain text")
    p.add_argument("--collection", metavar="NAME", help="cite the items of this collection")
    p.add_argument("--list-styles", nargs="?", const="", metavar="QUERY",
                   help="list the official styles (id, title; a dependent style names its parent), or those matching QUERY")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.bibliography import cite, list_styles

    if args.list_styles is not None:
        entries = list_styles(args.list_styles)
        if not entries:
            ctx.err(f"no style matches {args.list_styles!r}")
            return 1
        sys.stdout.write("".join(f"{e.id}\t{e.label()}{f'  [uses {e.parent}]' if e.parent else ''}\n"
                                 for e in entries))
        return 0
    report = cite(ctx.library(create=False), ctx.settings, keys=args.keys, collection=args.collection, style=args.style,
                  locale=args.locale, html=args.html)
    for line in report.lines():
        ctx.err(line)
    if report.failed:
        return 1
    sys.stdout.write(report.html if args.html else report.text)
    return 0
