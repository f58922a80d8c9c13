"""`senref edit KEY FIELD=VALUE...` and `senref note add|edit|list`: editing an item from the command line."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.display import terminal_safe

if TYPE_CHECKING:
    from senref.actions.progress import Report


class UsageProblem(ValueError):
    """An argument that parsed but means nothing (exit status 2, as argparse's own errors)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("edit", help="set fields of an item (Zotero's field names; FIELD= removes one)",
                       description="Set fields by Zotero's names: title=..., DOI=10.1093/... (stored as the "
                                   "identifier), volume= (empty: removed). Your edits are marked as yours.")
    p.add_argument("key", help="item key, DOI or HAL id")
    p.add_argument("assignments", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--type", dest="item_type", metavar="TYPE", help="change the item type (e.g. journalArticle)")
    p.add_argument("--creators", metavar="NAMES",
                   help="replace the creators (authors): 'Last, First; Last2, First2'; no comma = one-field name")
    p.set_defaults(func=run_edit)

    p = sub.add_parser("note", help="add, edit or list an item's notes")
    nsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    n = nsub.add_parser("add", help="add a note (plain text; line breaks are kept)")
    n.add_argument("key")
    n.add_argument("text")
    n = nsub.add_parser("edit", help="replace the text of a note")
    n.add_argument("key")
    n.add_argument("note_key", metavar="NOTE")
    n.add_argument("text")
    n = nsub.add_parser("list", help="the item's notes as plain text, each after its key")
    n.add_argument("key")
    p.set_defaults(func=run_note)


def finish(ctx: Context, report: Report, summary: str | None = None) -> int:
    """Print an action's problems, warnings and summary (or *summary*; "" for none) on stderr.

    Returns the exit status: 1 when something the user asked for was not done.
    """
    for line in report.lines():
        ctx.err(line)
    summary = report.summary() if summary is None else summary
    if summary:
        ctx.progress(summary)
    return 1 if report.failed else 0


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """["title=A", "volume="] -> {"title": "A", "volume": ""}; the first "=" separates name and value.

    >>> parse_assignments(["title=p = 0.05", "volume="])
    {'title': 'p = 0.05', 'volume': ''}
    """
    fields: dict[str, str] = {}
    for text in assignments:
        name, equals, value = text.partition("=")
        if not equals or not name.strip():
            raise UsageProblem(f"not FIELD=VALUE: {text!r} (e.g. title=..., DOI=..., volume= to remove)")
        fields[name.strip()] = value
    return fields


def run_edit(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import edit as edit_actions
    from senref.core.edit import parse_creators

    try:
        fields = parse_assignments(args.assignments)
    except UsageProblem as exc:
        ctx.err(str(exc))
        return 2
    if not fields and args.item_type is None and args.creators is None:
        ctx.err("nothing to change: give FIELD=VALUE, --type or --creators")
        return 2
    lib = ctx.library()
    key = lib.resolve_key(args.key)
    creators = parse_creators(args.creators) if args.creators is not None else None
    return finish(ctx, edit_actions.edit_item(lib, key, fields, item_type=args.item_type, creators=creators))


def run_note(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import notes as note_actions
    from senref.core.edit import note_text

    lib = ctx.library(create=args.action != "list")
    key = lib.resolve_key(args.key)
    if args.action == "list":
        for note in lib.get_item(key).notes:
            print(f"{note.key}  {note.date_modified}")
            print("  " + terminal_safe(note_text(note.html), keep_layout=True).replace("\n", "\n  "))
        return 0
    if args.action == "add":
        report = note_actions.add_note(lib, key, args.text)
        if report.note_key:
            print(report.note_key)
        return finish(ctx, report)
    return finish(ctx, note_actions.edit_note(lib, key, args.note_key.upper(), args.text))
