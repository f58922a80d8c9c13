"""The window's background jobs as module-level functions, so a worker process can run them by name.

Each takes (library, progress, should_stop, **arguments) and returns the action's report. Qt-free:
this module is loaded in the worker processes (see `senref.gui.workers.processes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.core.settings import Settings

Progress = Callable[..., None]
ShouldStop = Callable[[], bool]


def add_inputs(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings,
               inputs: list[str], collection: str | None, fetch: Callable[..., Any] | None = None) -> Any:
    """Fetch records for identifiers / URLs / pasted text (and PDF files), saving each as it arrives."""
    if fetch is not None:  # a stand-in with add_texts' shape (the tests' replay)
        return fetch(library, inputs, collection=collection, pdf=settings.download_pdfs, settings=settings,
                     progress=progress, should_stop=should_stop)
    from senref.actions.add import add_inputs as add

    return add(library, settings, inputs, collection=collection, progress=progress, should_stop=should_stop)


def import_files(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings,
                 paths: list[Path], collection: str | None) -> Any:
    from senref.actions.imports import import_files as run

    return run(library, settings, paths, collection=collection, progress=progress, should_stop=should_stop)


def export_items(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings,
                 query: ItemQuery, path: Path, format_name: str, with_files: bool) -> Any:
    from senref.actions.export import export_items as run

    return run(library, settings, query, path, format_name, with_files=with_files, progress=progress,
               should_stop=should_stop)


def find_duplicates(library: Library, progress: Progress, should_stop: ShouldStop) -> Any:
    from senref.actions import duplicates

    return duplicates.find_duplicates(library, progress=progress, should_stop=should_stop)


@dataclass(frozen=True)
class SyncRun:
    """A sync's outcome, and the keys its target file now holds (what the window's change check needs)."""

    outcome: Any
    keys: frozenset[str] | None


def sync_target(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings,
                target: Any) -> SyncRun:
    """Sync one target. A fresh engine each time: its memory of the last write would otherwise go stale
    when another process (the CLI, or the window's own conflict choices) touched the target meanwhile."""
    from senref.actions import sync as sync_actions

    engine = sync_actions.open_engine(library, settings)
    outcome = sync_actions.sync_target(engine, settings, target, progress=progress, should_stop=should_stop)
    return SyncRun(outcome, engine.written_keys(target.id))


def zotero_sync(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings) -> Any:
    """One two-way sync with the connected Zotero library (see senref.actions.zotero.sync)."""
    from senref.actions import zotero

    return zotero.sync(library, settings, progress=progress, should_stop=should_stop)


def check_integrity(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings) -> Any:
    """Ask the sources about every item not checked recently (see senref.actions.integrity)."""
    from senref.actions import integrity

    return integrity.check_integrity(library, settings, progress=progress, should_stop=should_stop)


def run_watches(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings) -> Any:
    """Run the saved watches; new papers go to the Inbox (see senref.actions.watch)."""
    from senref.actions import watch

    return watch.run_watches(library, settings, progress=progress, should_stop=should_stop)


def find_versions(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings,
                  keys: list[str] | None = None) -> Any:
    """Ask about the published versions of the library's preprints (see senref.actions.versions)."""
    from senref.actions import versions

    return versions.find_versions(library, settings, keys=keys, progress=progress, should_stop=should_stop)


def update_to_published(library: Library, progress: Progress, should_stop: ShouldStop, *, settings: Settings,
                        key: str) -> Any:
    """Make a preprint's published version the cited item (adding it when missing)."""
    from senref.actions import versions

    return versions.update_to_published(library, settings, key)
