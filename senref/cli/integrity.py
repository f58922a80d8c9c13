"""`senref check-integrity [--all | KEY...] [--max-age-days N]`: retractions, corrections, expressions of concern."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.edit import finish

if TYPE_CHECKING:
    from senref.actions.progress import Progress


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check-integrity", help="ask Crossref (Retraction Watch included), PubMed and OpenAlex "
                                                "whether items were retracted, corrected or flagged")
    p.add_argument("keys", nargs="*", metavar="KEY", help="items to check (a key, DOI or HAL id)")
    p.add_argument("--all", action="store_true", help="the whole library, skipping items checked recently")
    p.add_argument("--max-age-days", type=float, default=30.0, metavar="N",
                   help="with --all: ask again about items checked more than N days ago (default 30)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.integrity import check_integrity

    if not args.keys and not args.all:
        ctx.err("name the items to check, or --all")
        return 2
    lib = ctx.library(create=False)

    def progress(event: Progress) -> None:
        if event.total and event.done % 100 == 0:
            ctx.progress(f"checked {event.done} of {event.total}")
    report = check_integrity(lib, ctx.settings, keys=None if args.all else args.keys,
                             max_age_days=args.max_age_days, progress=progress)
    for key, status in report.changed.items():
        print(f"{key}\t{status}\t{lib.get_item(key).title[:90]}")
    return finish(ctx, report)
