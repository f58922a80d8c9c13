"""`senref list|show|search|delete|restore|empty-trash`: reading and trashing items."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from senref.cli.context import Context
from senref.cli.display import json_safe, terminal_safe
from senref.cli.edit import finish

if TYPE_CHECKING:
    from senref.core.library import Library
    from senref.core.model import Item
    from senref.core.query import ItemQuery


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("list", help="list items (Zotero item JSON with --json)")
    p.add_argument("--collection", metavar="NAME", help="only items in this collection (name, Parent/Child or key)")
    p.add_argument("--recursive", action="store_true", help="include subcollections")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="only items with TAG (repeatable: all of them)")
    p.add_argument("--any-tag", action="store_true", help="with several --tag: items with any of them")
    p.add_argument("--trash", action="store_true", help="list the trash instead")
    p.add_argument("--integrity", metavar="STATUS",
                   help="only items whose check found this: retracted, withdrawn, expression_of_concern, "
                        "corrected, updated, flagged (any of these) or ok (see senref check-integrity)")
    p.add_argument("--sort", default="title", choices=["title", "creator", "year", "publication", "type",
                                                        "dateAdded", "dateModified"])
    p.add_argument("--reverse", action="store_true")
    p.add_argument("--limit", type=int, default=0, help="at most N items (0 = all)")
    p.add_argument("--json", action="store_true", help="a JSON array of Zotero Web API items")
    p.set_defaults(func=run_list)

    p = sub.add_parser("show", help="show one item (by key, DOI or HAL id)")
    p.add_argument("key")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_show)

    p = sub.add_parser("search", help="full-text search over titles, creators, abstracts, tags, notes, identifiers")
    p.add_argument("query", nargs="+")
    p.add_argument("--trash", action="store_true")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_search)

    p = sub.add_parser("delete", help="move items to the trash")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p.set_defaults(func=run_delete)

    p = sub.add_parser("restore", help="restore items from the trash")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p.set_defaults(func=run_restore)

    p = sub.add_parser("empty-trash", help="delete trashed items and their files for good")
    p.set_defaults(func=run_empty_trash)


def collection_key(lib: Library, spec: str | None) -> str | None:
    if not spec:
        return None
    key = lib.find_collection(spec)
    if key is None:
        raise KeyError(f"collection {spec!r}")
    return key


def emit_items(items: Any, as_json: bool, lib: Library) -> int:
    """Print items as a streamed JSON array or as aligned text lines; returns the count."""
    out = sys.stdout
    count = 0
    if as_json:
        out.write("[")
        for item in items:
            out.write(("\n" if count == 0 else ",\n") + json_safe(json.dumps(item.to_json(), ensure_ascii=False)))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    for item in items:
        creators = _short(terminal_safe(_creators(item)), 24)
        out.write(f"{item.key}  {item.year or '----'}  {creators:<24}  {terminal_safe(item.title)}\n")
        count += 1
    return count


def _creators(item: Item) -> str:
    from senref.core.model import creator_summary

    return creator_summary(item.creators)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _stream(lib: Library, query: ItemQuery, limit: int) -> Any:
    from senref.core.query import ItemQuery

    keys = lib.keys(query)
    if limit > 0:
        keys = keys[:limit]
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        by_key = {i.key: i for i in lib.iter_items(query=ItemQuery(keys=chunk, trash=query.trash))}
        for key in chunk:
            if key in by_key:
                yield by_key[key]


def _stream_rows(lib: Library, query: ItemQuery, limit: int) -> Any:
    """(key, year, creator line, title) in *query*'s order, from the table's own columns.

    What a text listing prints is what the item table shows: reading whole items for it (fields,
    extras, every child table) cost 4-5x the rows. Keys are read first, as `_stream` does, so an item
    trashed meanwhile is left out rather than a page shifted.
    """
    from senref.core.query import ItemQuery

    keys = lib.keys(query)
    if limit > 0:
        keys = keys[:limit]
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        by_key = {r["key"]: r for r in lib.query(ItemQuery(keys=chunk, trash=query.trash), 0, len(chunk))}
        for key in chunk:
            row = by_key.get(key)
            if row is not None:
                yield key, row["year"], row["creator_summary"], row["title"]


def emit_lines(rows: Any) -> int:
    """Print (key, year, creators, title) as aligned text lines; returns the count."""
    out = sys.stdout
    count = 0
    for key, year, creators, title in rows:
        out.write(f"{key}  {year or '----'}  {_short(terminal_safe(creators), 24):<24}  {terminal_safe(title)}\n")
        count += 1
    return count


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    from senref.core.query import ItemQuery

    lib = ctx.library(create=False)
    from senref.core.integrity import query_statuses

    try:
        integrity = query_statuses(args.integrity) if args.integrity else []
    except ValueError as exc:
        ctx.err(str(exc))
        return 2
    query = ItemQuery(collection=collection_key(lib, args.collection), recursive=args.recursive,
                      tags=args.tag, tag_mode="or" if args.any_tag else "and", trash=args.trash,
                      sort=args.sort, descending=args.reverse, integrity=integrity)
    if args.json:
        emit_items(_stream(lib, query, args.limit), True, lib)
    else:
        emit_lines(_stream_rows(lib, query, args.limit))
    return 0


def run_search(args: argparse.Namespace, ctx: Context) -> int:
    from senref.core.query import ItemQuery

    lib = ctx.library(create=False)
    text = " ".join(args.query)
    query = ItemQuery(search=text, trash=args.trash)
    emit_items(_stream(lib, query, args.limit), args.json, lib)
    return 0


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    lib = ctx.library(create=False)
    item = lib.get_item(lib.resolve_key(args.key))
    if args.json:
        print(json_safe(json.dumps(item.to_json(), ensure_ascii=False, indent=2)))
        return 0
    data = item.to_json()
    # Every line below shows record data: printed through terminal_safe, never raw.
    _safe_print(f"{item.title}\n  key: {item.key}   type: {item.item_type}   version: {item.version}"
                + ("   (in trash)" if item.deleted else ""))
    for creator in item.creators:
        _safe_print(f"  {creator.creator_type}: {creator.display}")
    for name, value in data["data"].items():
        if name in ("key", "version", "itemType", "title", "creators", "tags", "collections", "relations") or not value:
            continue
        _safe_print(f"  {name}: {value}")
    for scheme, value in item.identifiers.items():
        _safe_print(f"  {scheme}: {value}")
    if item.tags:
        _safe_print("  tags: " + "; ".join(t.tag + (" (auto)" if t.type else "") for t in item.tags))
    from senref.topics.evidence_text import evidence_lines

    for line in evidence_lines(item.extras.get("topicEvidence")):
        _safe_print(f"  why {line}")
    if item.collections:
        _safe_print("  collections: " + "; ".join("/".join(lib.collection_path(c)) for c in item.collections))
    for att in item.attachments:
        _safe_print(f"  attachment: {att.title} [{att.content_type}] {att.path or att.url}")
    for note in item.notes:
        _safe_print(f"  note: {note.html[:200]}")
    return 0


def _safe_print(text: str) -> None:
    sys.stdout.write(terminal_safe(text, keep_layout=True) + "\n")


def run_delete(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import trash as trash_actions

    lib = ctx.library()
    keys = [lib.resolve_key(k) for k in args.keys]
    report = trash_actions.move_to_trash(lib, keys)
    for key in report.unchanged:
        ctx.progress(f"{key} is in the trash already ('senref empty-trash' deletes it for good)")
    return finish(ctx, report)


def run_restore(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import trash as trash_actions

    lib = ctx.library()
    keys = [k.upper() for k in args.keys]
    missing = [k for k in keys if not lib.has_item(k)]
    if missing:
        raise KeyError(", ".join(missing))
    return finish(ctx, trash_actions.restore(lib, keys))


def run_empty_trash(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions import trash as trash_actions

    return finish(ctx, trash_actions.empty_trash(ctx.library()))
