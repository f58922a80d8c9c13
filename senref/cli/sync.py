"""`senref sync add|list|remove|status|run [--watch]|conflicts|resolve|pause|resume`: files kept current."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from senref.cli.context import Context
from senref.cli.main import UsageError

if TYPE_CHECKING:
    from senref.sync.engine import SyncEngine, SyncOutcome
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
    from senref.sync.engine import SyncEngine

    lib = ctx.library()
    engine = SyncEngine(lib, options={"citekey_pattern": ctx.settings.citation_key_pattern})
    action = args.sync_command or "status"
    handler = {"add": _add, "list": _list, "status": _status, "remove": _remove, "pause": _pause,
               "resume": _pause, "run": _run, "conflicts": _conflicts, "resolve": _resolve}[action]
    return int(handler(args, ctx, engine))


def _add(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    from senref.sync.targets import Scope, Target, TargetError

    lib = engine.lib
    if args.recursive and not args.collection:
        raise UsageError("--recursive goes with --collection")
    if args.collection:
        key = lib.find_collection(args.collection)
        if key is None:
            raise KeyError(f"collection {args.collection!r}")
        scope = Scope("collection", key, args.recursive)
    elif args.tag:
        scope = Scope("tag", args.tag)
    elif args.search:
        scope = Scope("search", args.search)
    else:
        scope = Scope()
    try:
        target = engine.targets.add(Target(path=args.output, format=args.format.lower(), scope=scope,
                                           with_files=args.with_files))
    except TargetError as exc:
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
    target = engine.remove_target(args.target_id)
    ctx.progress(f"removed sync target {target.id} ({target.path} is left as it is)")
    return 0


def _pause(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    target = engine.targets.set_paused(args.target_id, args.sync_command == "pause")
    ctx.progress(f"{target.id} {'paused' if target.paused else 'resumed'}")
    return 0


def _report(ctx: Context, target: Target, outcome: SyncOutcome) -> None:
    if outcome.error and outcome.state != "error":
        # Skipped, not failed (stopping, or another process holds the target): the state is unchanged.
        ctx.progress(f"{target.id}: not written now: {outcome.error}")
    elif outcome.state == "ok":
        what = "written" if outcome.written else "already current"
        extra = f", {outcome.rendered} rendered" if outcome.written else ""
        merged = f", {outcome.merged} merged from the file, {outcome.imported} new from the file" \
            if outcome.merged or outcome.imported else ""
        ctx.progress(f"{target.id}: {what}: {outcome.count} items{extra}{merged} -> {target.path} "
                     f"({outcome.seconds:.2f} s)")
    elif outcome.state == "conflict":
        ctx.err(f"{target.id}: {len(outcome.conflicts)} conflict(s); {target.path} left untouched "
                f"(see 'senref sync conflicts')")
    elif outcome.state == "paused":
        ctx.progress(f"{target.id}: paused")
    else:
        ctx.err(f"{target.id}: not written: {outcome.error}")
        from senref.sync.merge import UnreadableFile

        if outcome.error.startswith(UnreadableFile.PREFIX):
            ctx.err(f"{target.id}: {target.path} is left exactly as it is; fix it and run 'senref sync run' again")
    for problem in outcome.problems:
        ctx.err(f"{target.id}: {problem}")


def _run(args: argparse.Namespace, ctx: Context, engine: SyncEngine) -> int:
    targets = engine.targets.load()
    if args.target_ids:
        known = {t.id for t in targets}
        missing = [t for t in args.target_ids if t not in known]
        if missing:
            raise KeyError(f"sync target {missing[0]}")
        targets = [t for t in targets if t.id in args.target_ids]
    if not targets:
        ctx.progress("no sync targets; add one with 'senref sync add'")
        return 0
    if args.watch:
        if args.interval <= 0:
            raise UsageError("--interval must be more than 0 seconds")
        with _stop_on_signals() as stop:
            for target in targets:
                if stop.is_set():
                    break
                _report(ctx, target, engine.sync(target, should_stop=stop.is_set))
            return _watch(args, ctx, engine, [t.id for t in targets], stop)
    failed = 0
    for target in targets:
        outcome = engine.sync(target)
        _report(ctx, target, outcome)
        failed += outcome.state in ("error", "conflict")
    return 1 if failed else 0


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


def _watch(args: argparse.Namespace, ctx: Context, engine: SyncEngine, ids: list[str], stop: threading.Event) -> int:
    """Poll the library version and the files' stamps; write through the debouncing scheduler until *stop*."""
    from senref.sync.changes import file_stamp
    from senref.sync.scheduler import Scheduler

    scheduler = Scheduler(delay=max(args.interval, 0.2))
    version = engine.lib.library_version()
    stamps = {t.id: file_stamp(t.file) for t in engine.targets.load() if t.id in ids}
    stop_at = time.monotonic() + args.watch_seconds if args.watch_seconds else None
    ctx.progress("watching the library and the target files (Ctrl+C to stop)")
    while stop_at is None or time.monotonic() < stop_at:
        if stop.wait(args.interval):
            break
        targets = {t.id: t for t in engine.targets.load() if t.id in ids}
        now_version = engine.lib.library_version()
        if now_version != version:
            version = now_version
            scheduler.touch([tid for tid, t in targets.items() if engine.needs_sync(t)])
        for tid, target in targets.items():
            stamp = file_stamp(target.file)
            if stamp != stamps.get(tid):
                stamps[tid] = stamp
                scheduler.touch([tid])
        for tid in scheduler.due():
            found = targets.get(tid)
            if found is None:
                scheduler.finished(tid, True)
                continue
            if stop.is_set():
                break
            outcome = engine.sync(found, should_stop=stop.is_set)
            _report(ctx, found, outcome)
            stamps[tid] = file_stamp(found.file)
            scheduler.finished(tid, outcome.state in ("ok", "paused", "conflict"))
    ctx.progress("stopped watching")
    return 0


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
    targets = engine.targets.load()
    conflict = engine.conflicts.resolve([t.id for t in targets], args.conflict_id, args.keep)
    ctx.progress(f"{conflict.id}: keeping the {args.keep} side")
    if engine.open_conflicts(conflict.target_id):
        ctx.progress(f"{len(engine.open_conflicts(conflict.target_id))} more conflict(s) before "
                     f"{conflict.target_id} is written")
        return 0
    target = next(t for t in targets if t.id == conflict.target_id)
    outcome = engine.sync(target)
    _report(ctx, target, outcome)
    return 0 if outcome.state in ("ok", "paused") else 1
