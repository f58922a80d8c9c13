"""`senref sync add|list|remove|status|run [--watch]|conflicts|resolve|pause|resume`: files kept current."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from senref.cli.context import Context
from senref.cli.main import UsageError

if TYPE_CHECKING:
    from senref.actions.progress import Progress
    from senref.sync.engine import SyncEngine
    from senref.sync.targets import Target


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sync", help="keep BibTeX, BibLaTeX, CSL-JSON, RIS or Zotero RDF files current",
                                   description="Sync targets: files senref rewrites when the library changes, "
                                               "and reads back when they are edited.")
    sub = parser.add_subparsers(dest="sync_command", metavar="ACTION")
    p = sub.add_parser("add", help="add a target (no scope option: the whole library)")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--collection", metavar="NAME", help="a collection (name, Parent/Child or key)")
    scope.add_argument("--tag", metavar="TAG")
    scope.add_argument("--search", metavar="QUERY", help="a saved search: items matching QUERY")
    p.add_argument("--recursive", action="store_true", help="with --collection: include subcollections")
    p.add_argument("--format", required=True, metavar="F", help="bibtex, biblatex, csljson, ris or zotero-rdf")
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.add_argument("--with-files", action="store_true", help="copy attachments into files/ beside PATH")
    for name, text in (("list", "list targets"), ("status", "state of each target")):
        sub.add_parser(name, help=text)
    p = sub.add_parser("remove", help="stop keeping a target (the file stays)")
    p.add_argument("target_id", metavar="ID")
    for name, text in (("pause", "stop writing a target"), ("resume", "write a paused target again")):
        p = sub.add_parser(name, help=text)
        p.add_argument("target_id", metavar="ID")
    p = sub.add_parser("run", help="bring every target up to date now")
    p.add_argument("target_ids", nargs="*", metavar="ID")
    p.add_argument("--watch", action="store_true",
                   help="keep running: write on library changes, read back edited files (stop with Ctrl+C or SIGTERM)")
    p.add_argument("--interval", type=float, default=0.5, metavar="S",
                   help="with --watch: seconds between looks at the library and the files (default 0.5)")
    p.add_argument("--watch-seconds", type=float, default=0.0, help=argparse.SUPPRESS)
    sub.add_parser("conflicts", help="list changes that wait for a decision")
    p = sub.add_parser("resolve", help="decide a conflict, then sync its target")
    p.add_argument("conflict_id", metavar="ID")
    p.add_argument("--keep", required=True, choices=["library", "file"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.sync import open_engine

    action = args.sync_command or "status"
    engine = open_engine(ctx.library(create=action not in ("list", "status", "conflicts")), ctx.settings)
    handler = {"add": _add, "list": _list, "status": _status, "remove": _remove, "pause": _pause,
               "resume": _pause, "run": _run, "conflicts": _conflicts, "resolve": _resolve}[action]
    return int(handler(args, ctx, engine))


def _add(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    from senref.actions.sync import add_target, new_target, scope_for
    from senref.sync.targets import TargetError

    try:
        scope = scope_for(engine.lib, collection=args.collection, recursive=args.recursive, tag=args.tag,
                          search=args.search)
        target = add_target(engine, new_target(path=args.output, format_name=args.format, scope=scope,
                                               with_files=args.with_files))
    except (ValueError, TargetError) as exc:
        raise UsageError(str(exc)) from exc
    print(f"{target.id}\t{target.format}\t{target.path}")
    ctx.progress(f"added sync target {target.id}; 'senref sync run' writes it")
    return 0


def _describe(engine: SyncEngine, target: Target) -> str:
    name = ""
    if target.scope.kind == "collection":
        name = "/".join(engine.lib.collection_path(target.scope.value))
    files = " +files" if target.with_files else ""
    return f"{target.scope.describe(name)}{files}"


def _list(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    for target in engine.targets.load():
        paused = " (paused)" if target.paused else ""
        print(f"{target.id}\t{target.format}\t{target.path}\t{_describe(engine, target)}{paused}")
    return 0


def _status(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    bad = 0
    for target in engine.targets.load():
        st = engine.state(target.id)
        state = "paused" if target.paused else st.state
        line = (f"{target.id}\t{state}\t{st.item_count} items\tlast success {st.last_success or 'never'}"
                f"\t{target.path}")
        if st.last_error and state == "error":
            line += f"\terror: {st.last_error}"
        if state == "conflict":
            line += f"\t{len(engine.open_conflicts(target.id))} conflict(s): see 'senref sync conflicts'"
        print(line)
        bad += state in ("error", "conflict")
    return 1 if bad else 0


def _remove(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    from senref.actions.sync import remove_target

    target = remove_target(engine, args.target_id)
    ctx.progress(f"removed sync target {target.id} ({target.path} is left as it is)")
    return 0


def _pause(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    from senref.actions.sync import set_target_paused

    target = set_target_paused(engine, args.target_id, args.sync_command == "pause")
    ctx.progress(f"{target.id} {'paused' if target.paused else 'resumed'}")
    return 0


def _print_event(ctx: Context) -> Callable[[Progress], None]:
    def show(event: Progress) -> None:
        if event.level == "info":
            ctx.progress(event.message)
        else:
            ctx.err(event.message)
    return show


def _run(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    from senref.actions.sync import chosen_targets, run_targets, watch_targets

    targets = chosen_targets(engine, args.target_ids)
    if not targets:
        ctx.progress("no sync targets; add one with 'senref sync add'")
        return 0
    show = _print_event(ctx)
    if not args.watch:
        return 1 if run_targets(engine, ctx.settings, targets, progress=show).failed else 0
    if args.interval <= 0:
        raise UsageError("--interval must be more than 0 seconds")
    with _stop_on_signals() as stop:
        run_targets(engine, ctx.settings, targets, progress=show, should_stop=stop.is_set)
        ctx.progress("watching the library and the target files (Ctrl+C to stop)")
        watch_targets(engine, ctx.settings, [t.id for t in targets], interval=args.interval,
                      seconds=args.watch_seconds, progress=show, should_stop=stop.is_set)
    ctx.progress("stopped watching")
    return 0


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM, so a watcher ends between writes instead of in the middle of one.

    A write in progress still completes (or, while rendering, stops before touching the file): the
    target is always the old or the new complete file, and no temp file is left behind.
    """
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be installed from the main thread
        return

    def on_signal(signum: int, frame: object) -> None:
        stop.set()
    wanted = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.signal(sig, on_signal) for sig in wanted}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _conflicts(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    conflicts = engine.open_conflicts()
    for c in conflicts:
        if c.kind == "field":
            print(f"{c.id}\t{c.target_id}\t{c.item_key}\t{c.field}\t{c.title}")
            print(f"\tlibrary: {c.library_value}\n\tfile:    {c.file_value}")
        elif c.kind == "deleted":
            print(f"{c.id}\t{c.target_id}\t{c.item_key}\tdeleted from the file\t{c.title}")
        else:
            print(f"{c.id}\t{c.target_id}\t\tfile changed outside senref\t{c.title}")
    if not conflicts:
        ctx.progress("no conflicts")
    return 0


def _resolve(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    from senref.actions.sync import resolve_conflict

    report = resolve_conflict(engine, ctx.settings, args.conflict_id, args.keep, progress=_print_event(ctx))
    if not report.results:
        return 0  # more conflicts wait before the target is written
    _target, outcome = report.results[-1]
    return 0 if outcome.state in ("ok", "paused") else 1
