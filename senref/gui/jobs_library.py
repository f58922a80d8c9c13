"""The background jobs the window starts: each binds the user's choice to an action of `senref.actions`.

Adding, importing and exporting run in a worker process (see `senref.gui.workers.processes`), so
what they are given must pickle: a test's stand-in fetcher is an object of a module-level class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from senref.actions.imports import FileSummary, count_entries, sniff_file
from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.core.settings import Settings
from senref.gui.workers import remote_jobs
from senref.gui.workers.progress import failed_inputs
from senref.gui.workers.remote import RemoteJob, remote_job
from senref.gui.workers.worker import JobFunction

__all__ = ["FetchTexts", "FileSummary", "add_identifiers_job", "export_job",
           "import_files_job", "inspect_files_job", "retry_add_job"]

#: A stand-in for the add action with `senref.actions.add.add_texts`'s shape (library, texts, *,
#: collection, pdf, settings, progress(done, total, message), should_stop); tests replay with one.
FetchTexts = Callable[..., Any]


def add_identifiers_job(library: Library, texts: list[str], *, collection: str | None,
                        settings: Settings, pdfs: list[Path] | None = None,
                        fetch: FetchTexts | None = None) -> RemoteJob:
    """Fetch records for identifiers / URLs / pasted text (and PDF files), saving each as it arrives."""
    inputs = list(texts) + [str(p) for p in pdfs or []]
    return remote_job(library, remote_jobs.add_inputs, settings=settings, inputs=inputs, collection=collection,
                      fetch=fetch)


def retry_add_job(library: Library, *, collection: str | None, settings: Settings,
                  fetch: FetchTexts | None = None) -> Callable[[Any], RemoteJob | None]:
    """For the jobs panel: a job that fetches only the inputs that failed last time."""
    def make(job: Any) -> RemoteJob | None:
        failed = failed_inputs(job.result)
        if not failed:
            return None
        return add_identifiers_job(library, failed, collection=collection, settings=settings, fetch=fetch)
    return make


def import_files_job(library: Library, settings: Settings, paths: list[Path], *,
                     collection: str | None) -> RemoteJob:
    """Import bibliography files into the library (and into *collection*), as `senref import` does."""
    return remote_job(library, remote_jobs.import_files, settings=settings, paths=list(paths), collection=collection)


def inspect_files_job(paths: list[Path]) -> JobFunction:
    """Sniff each file, report its format at once, then count its entries by streaming the reader.

    Progress events are FileSummary objects: first with the format only, then with the counts, so a
    dialog can say "counting…" and fill in the number; counting stops as soon as the dialog closes.
    """
    def run(progress: Callable[[Any], None], should_stop: Callable[[], bool]) -> list[FileSummary]:
        summaries = [FileSummary(path) for path in paths]
        for index, path in enumerate(paths):
            if should_stop():
                break
            summary = summaries[index] = sniff_file(path)
            progress(replace(summary))
            if not summary.readable:
                continue
            count_entries(summary, should_stop)
            if summary.entries is None:
                return summaries  # stopped while counting
            progress(summary)
        return summaries
    return run


def export_job(library: Library, settings: Settings, format_name: str, path: Path, query: ItemQuery, *,
               with_files: bool) -> RemoteJob:
    """Write the items matching *query* to *path* with the settings' key pattern, as `senref export` does."""
    return remote_job(library, remote_jobs.export_items, settings=settings, query=query, path=path,
                      format_name=format_name, with_files=with_files)
