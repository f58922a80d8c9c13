"""`senref versions [KEY...] [--update KEY] [--undo TOKEN] [--list]`: preprints and their published versions."""

from __future__ import annotations

import argparse

from senref.cli.context import Context
from senref.cli.edit import finish


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("versions", help="find the published versions of preprints (Crossref, bioRxiv, PubMed, HAL, "
                                        "arXiv), link them, and update a preprint to its article")
    p.add_argument("keys", nargs="*", metavar="KEY", help="items to look up (default: every preprint)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--update", metavar="KEY", help="make this preprint's published version the cited item: its "
                                                      "notes, files, tags, collections and citation key move over")
    what.add_argument("--undo", metavar="TOKEN", help="undo an update (the token it printed)")
    what.add_argument("--list", action="store_true", help="list the preprints whose published version is known, "
                                                         "without asking anyone")
    p.add_argument("--article", metavar="KEY", help="with --update: the article to update to (default: the "
                                                    "version the sources named; added when missing)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.versions import find_versions, linked_versions, undo_update, update_to_published

    lib = ctx.library(create=False)
    if args.list:
        for item, published, article in linked_versions(lib):
            named = ", ".join(v.get("doi") or f"PMID {v.get('pmid')}" for v in published) or "-"
            state = f"updated to {article}" if item.extras.get("versions", {}).get("updated_to") else (
                f"linked to {article}" if article else "not in the library")
            print(f"{item.key}\t{named}\t{state}\t{item.title[:80]}")
        return 0
    if args.update:
        return finish(ctx, update_to_published(lib, ctx.settings, args.update, article=args.article))
    if args.undo:
        report = undo_update(lib, args.undo)
        return finish(ctx, report, "" if report.problems else f"{report.preprint} is the cited item again")

    def progress(event: object) -> None:
        done = getattr(event, "done", 0)
        if done and done % 50 == 0:
            ctx.progress(f"looked at {done} of {getattr(event, 'total', 0)}")
    report = find_versions(lib, ctx.settings, keys=args.keys or None, progress=progress)
    for key, labels in report.found.items():
        print(f"{key}\t{'; '.join(labels)}\t{lib.get_item(key).title[:80]}")
    return finish(ctx, report)
