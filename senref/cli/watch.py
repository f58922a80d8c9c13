"""`senref watch add|list|run|remove` and `senref inbox list|accept|dismiss`: the living watch on new papers."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.edit import finish

if TYPE_CHECKING:
    from senref.core.library import Library


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    watch = sub.add_parser("watch", help="saved searches on Europe PMC, OpenAlex, Crossref or HAL whose new papers "
                                         "go to the Inbox, tagged and de-duplicated")
    verbs = watch.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser("add", help="save a watch")
    add.add_argument("id", help="a short name (lower-case letters, digits, '-')")
    add.add_argument("query", nargs="?", default="", help="the search, in the service's own syntax")
    add.add_argument("--name", help="what the watch is about (default: the id)")
    add.add_argument("--source", default="europepmc", choices=("europepmc", "openalex", "crossref", "hal"))
    add.add_argument("--cites", nargs="+", metavar="KEY", help="watch new papers citing these items (OpenAlex)")
    add.add_argument("--limit", type=int, default=200, help="most papers one run brings (default 200)")
    add.add_argument("--collection", default="", help="where papers accepted from this watch go")
    verbs.add_parser("list", help="the watches, with when each last ran")
    run = verbs.add_parser("run", help="run the watches now")
    run.add_argument("ids", nargs="*", metavar="ID", help="the watches to run (default: all)")
    remove = verbs.add_parser("remove", help="delete a watch (the papers it found stay)")
    remove.add_argument("id")
    watch.set_defaults(func=run_watch)

    inbox = sub.add_parser("inbox", help="the papers the watches found: list, accept into a collection, dismiss")
    iverbs = inbox.add_subparsers(dest="verb", metavar="VERB", required=True)
    iverbs.add_parser("list", help="the papers waiting in the Inbox")
    take = iverbs.add_parser("accept", help="file papers (and fetch their PDFs)")
    take.add_argument("keys", nargs="+", metavar="KEY")
    take.add_argument("--collection", help="a collection name or Parent/Child path (made when missing)")
    take.add_argument("--no-pdf", action="store_true", help="do not fetch the PDFs")
    drop = iverbs.add_parser("dismiss", help="trash papers; no later run offers them again")
    drop.add_argument("keys", nargs="+", metavar="KEY")
    inbox.set_defaults(func=run_inbox)


def run_watch(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.progress import Report
    from senref.actions.watch import add_watch, remove_watch, run_watches
    from senref.core.watch import Watch, load_watches

    lib = ctx.library(create=args.verb != "list")
    if args.verb == "list":
        for w in load_watches(lib.folder):
            what = w.query if w.kind == "search" else f"cites {', '.join(w.keys)}"
            state = f"last ok {w.last_ok}" if w.last_ok else "never run" if not w.last_run else "never succeeded"
            if w.last_error:
                state += f"; last run failed: {w.last_error}"
            print(f"{w.id}\t{w.source}\t{w.name}\t{state}\t{what}")
        return 0
    if args.verb == "add":
        keys = [lib.resolve_key(k) if _known(lib, k) else k for k in args.cites or []]
        watch = Watch(id=args.id, name=args.name or args.id, source="openalex" if keys else args.source,
                      kind="cites" if keys else "search", query=args.query, keys=keys, limit=args.limit,
                      collection=lib.find_collection(args.collection) or "" if args.collection else "")
        report: Report = add_watch(lib, watch)
        return finish(ctx, report, "" if report.problems else f"watch {watch.id} saved")
    if args.verb == "remove":
        report = remove_watch(lib, args.id)
        return finish(ctx, report, "" if report.problems else f"watch {args.id} removed")
    result = run_watches(lib, ctx.settings, ids=args.ids or None)
    for watch_id, keys in result.added.items():
        for key in keys:
            print(f"{watch_id}\t{key}\t{lib.get_item(key).title[:90]}")
    return finish(ctx, result)


def run_inbox(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.watch import accept, dismiss, inbox_items

    lib = ctx.library(create=False)
    if args.verb == "list":
        for item in inbox_items(lib):
            topics = ", ".join(t.tag for t in item.tags if t.type == 1)
            found = (item.extras.get("watch") or {}).get("name", "")
            print(f"{item.key}\t{item.year or ''}\t{item.title[:80]}\t{topics}\t{found}")
        return 0
    if args.verb == "accept":
        return finish(ctx, accept(lib, ctx.settings, args.keys, collection=args.collection, pdf=not args.no_pdf))
    return finish(ctx, dismiss(lib, args.keys))


def _known(lib: Library, text: str) -> bool:
    try:
        lib.resolve_key(text)
    except KeyError:
        return False
    return True
