"""`senref topics list|check|apply`: show and validate the topic vocabulary, re-tag the library after an edit."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from senref.cli.context import Context

if TYPE_CHECKING:
    from senref.core.model import Item


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("topics", help="the TIS topic vocabulary and automatic topic tags")
    tsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    t = tsub.add_parser("list", help="the topics (built-in vocabulary extended by the user's topics.toml)")
    t.add_argument("--json", action="store_true", help="the merged vocabulary as JSON")
    tsub.add_parser("check", help="validate the vocabulary files; exit status 1 on errors")
    t = tsub.add_parser("apply", help="re-tag items with the current vocabulary (manual tags are never touched)")
    scope = t.add_mutually_exclusive_group(required=True)
    scope.add_argument("--all", action="store_true", help="every item in the library")
    scope.add_argument("--collection", metavar="NAME", help="the items of one collection (name, path A/B or key)")
    t.add_argument("--dry-run", action="store_true", help="report what would change without saving")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.action == "list":
        return _list(args, ctx)
    if args.action == "check":
        return _check(ctx)
    return _apply(args, ctx)


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from senref.topics.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(ctx.paths)
    for problem in vocabulary.errors:
        ctx.err(str(problem))
    if args.json:
        print(json.dumps([{"name": t.name, "description": t.description, "terms": t.terms, "markers": t.markers,
                           "generic": t.generic, "exclude": t.exclude, "mesh": t.mesh, "requires": t.requires}
                          for t in vocabulary.topics], ensure_ascii=False, indent=2))
    else:
        for topic in vocabulary.topics:
            depth = topic.name.count("/")
            label = topic.name.rsplit("/", 1)[-1]
            count = len(topic.terms) + len(topic.markers) + len(topic.generic)
            print(f"{'  ' * depth}{label}  ({count} terms)  {topic.description}".rstrip())
    return 1 if vocabulary.errors else 0


def _check(ctx: Context) -> int:
    from senref.topics.vocabulary import load_vocabulary, user_file

    path = user_file(ctx.paths)
    vocabulary = load_vocabulary(ctx.paths)
    for source in vocabulary.sources:
        print(f"read {source}")
    if not path.is_file():
        print(f"no user vocabulary ({path} does not exist; create it to extend or override topics)")
    for problem in vocabulary.problems:
        print(problem)
    errors = len(vocabulary.errors)
    print(f"{len(vocabulary.topics)} topics, {errors} error(s), {len(vocabulary.problems) - errors} warning(s)")
    return 1 if errors else 0


def _apply(args: argparse.Namespace, ctx: Context) -> int:
    from senref.topics.tagger import Tagger
    from senref.topics.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(ctx.paths)
    if vocabulary.errors:
        for problem in vocabulary.errors:
            ctx.err(str(problem))
        ctx.err("fix the vocabulary first ('senref topics check')")
        return 1
    tagger = Tagger(vocabulary)
    lib = ctx.library()
    collection = None
    if args.collection:
        collection = lib.find_collection(args.collection)
        if collection is None:
            ctx.err(f"no collection {args.collection!r}")
            return 1
    keys = [item.key for item in lib.iter_items(collection=collection)]
    added = removed = 0

    def retag(item: Item) -> bool:
        nonlocal added, removed
        before = {t.tag for t in item.tags if t.type}
        evidence_before = item.extras.get("topicEvidence")
        tagger.apply(item)
        after = {t.tag for t in item.tags if t.type}
        added += len(after - before)
        removed += len(before - after)
        return before != after or evidence_before != item.extras.get("topicEvidence")

    if args.dry_run:
        changed = sum(1 for item in lib.iter_items(collection=collection) if retag(item))
    else:
        changed = len(lib.edit_items(keys, retag)) if keys else 0
    verb = "would change" if args.dry_run else "changed"
    ctx.progress(f"{len(keys)} item(s) checked, {changed} {verb}: {added} topic tag(s) added, {removed} removed")
    return 0
