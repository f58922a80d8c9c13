"""The background jobs the window starts: adapters from the Qt-free library functions to JobFunctions.

Nothing here touches a widget; each function returns a `fn(progress, should_stop)` that a Worker runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import Settings
from senref.gui.workers.progress import failed_inputs
from senref.gui.workers.worker import JobFunction

#: `senref.sources.add.add_texts`'s shape: (library, texts, *, collection, pdf, settings, progress, should_stop).
FetchTexts = Callable[..., Any]


class FeatureMissing(RuntimeError):
    """A part of senref this build does not include yet (shown to the user as is)."""


def add_identifiers_job(library: Library, texts: list[str], *, collection: str | None,
                        settings: Settings, pdfs: list[Path] | None = None,
                        fetch: FetchTexts | None = None) -> JobFunction:
    """Fetch records for identifiers / URLs / pasted text (and PDF files), saving each as it arrives."""
    inputs = list(texts) + [str(p) for p in pdfs or []]

    def run(progress: Callable[[Any], None], should_stop: Callable[[], bool]) -> Any:
        add_texts = fetch or default_fetch()
        return add_texts(library, inputs, collection=collection, pdf=settings.download_pdfs, settings=settings,
                         progress=progress, should_stop=should_stop)
    return run


def default_fetch() -> FetchTexts:
    """The sources package's batch fetcher (imported when first used: it pulls in the HTTP stack)."""
    try:
        from senref.sources.add import add_texts
    except ModuleNotFoundError as exc:
        raise FeatureMissing("fetching records by identifier is not available in this build yet") from exc
    return add_texts


def retry_add_job(library: Library, *, collection: str | None, settings: Settings,
                  fetch: FetchTexts | None = None) -> Callable[[Any], JobFunction | None]:
    """For the jobs panel: a job that fetches only the inputs that failed last time."""
    def make(job: Any) -> JobFunction | None:
        failed = failed_inputs(job.result)
        if not failed:
            return None
        return add_identifiers_job(library, failed, collection=collection, settings=settings, fetch=fetch)
    return make


def import_files_job(library: Library, paths: list[Path], *, collection: str | None,
                     max_import_mb: float = 500.0) -> JobFunction:
    """Import bibliography files (BibTeX, RIS, CSL-JSON, Zotero RDF, PubMed XML) into the library.

    Each batch commits on its own, so items show while a large file is still being read; entries
    that cannot be read are reported with their line and the rest of the file still imports.
    """
    def run(progress: Callable[[Any], None], should_stop: Callable[[], bool]) -> Any:
        from senref.core.importfiles import FileRoots
        from senref.formats.registry import sniff, too_large

        reports = []
        for done, path in enumerate(paths):
            if should_stop():
                break
            refused = too_large(path, max_import_mb)
            if refused:
                raise FeatureMissing(f"{path.name}: {refused}")
            fmt = sniff(path)
            if fmt is None:
                raise FeatureMissing(f"{path.name}: not a bibliography format senref can read")
            progress((done, len(paths), f"importing {path.name} ({fmt.label})"))

            def counted(n: int, name: str = path.name) -> None:
                progress(f"{name}: {n} records")
            report = library.import_records(fmt.read(path), collection=collection, progress=counted,
                                            should_stop=should_stop, source=f"import:{fmt.name}",
                                            file_roots=FileRoots(path.absolute().parent))
            # Problems named by file when several files were dropped together.
            if len(paths) > 1:
                report.problems = [(line, f"{path.name}: {message}") for line, message in report.problems]
                report.warnings = [(line, f"{path.name}: {message}") for line, message in report.warnings]
            reports.append(report)
        progress((len(paths), len(paths)))
        return reports[0] if len(reports) == 1 else _merge_reports(reports)
    return run


@dataclass
class FileSummary:
    """What a bibliography file holds, for the import confirmation (entries counted by reading it)."""

    path: Path
    format_name: str = ""
    label: str = ""
    entries: int | None = None  # None while counting or when the format is unknown
    problems: int = 0

    @property
    def readable(self) -> bool:
        return bool(self.format_name)


def inspect_files_job(paths: list[Path]) -> JobFunction:
    """Sniff each file, report its format at once, then count its entries by streaming the reader.

    Progress events are FileSummary objects: first with the format only, then with the counts, so a
    dialog can say "counting…" and fill in the number. Counting reads the whole file (parsing is the
    only way to know what a BibTeX or RDF file holds) and stops as soon as the dialog closes.
    """
    def run(progress: Callable[[Any], None], should_stop: Callable[[], bool]) -> list[FileSummary]:
        from senref.formats.registry import sniff

        summaries = [FileSummary(path) for path in paths]
        for summary in summaries:
            if should_stop():
                break
            fmt = sniff(summary.path) if summary.path.is_file() else None
            if fmt is None:
                progress(summary)
                continue
            summary.format_name, summary.label = fmt.name, fmt.label
            progress(FileSummary(summary.path, fmt.name, fmt.label))
            entries = problems = 0
            for record in fmt.read(summary.path):
                if should_stop():
                    return summaries
                if hasattr(record, "item"):
                    entries += 1
                else:
                    problems += 1
            summary.entries, summary.problems = entries, problems
            progress(summary)
        return summaries
    return run


def export_job(library: Library, format_name: str, path: Path, query: ItemQuery, *,
               with_files: bool) -> JobFunction:
    """Write the items matching *query* to *path* (atomically, as every writer does)."""
    def run(progress: Callable[[Any], None], should_stop: Callable[[], bool]) -> ExportReport:
        from senref.formats.base import ExportContext
        from senref.formats.registry import get

        fmt = get(format_name)
        if fmt is None or not fmt.can_write:
            raise FeatureMissing(f"senref cannot write {format_name}")
        total = library.count(query)
        progress((0, total, f"exporting {total} items as {fmt.label} to {path.name}"))
        ctx = ExportContext(
            library_dir=library.folder,
            collections={c.key: (c.name, c.parent_key) for c in library.list_collections()},
            with_files=with_files,
            progress=lambda n: progress((n, total)),
        )
        try:
            count = fmt.write(_until_stopped(library.iter_items(query=query), should_stop), path, ctx)
        except ExportCancelled:
            return ExportReport(path, 0, fmt.label, cancelled=True)
        progress((count, total))
        return ExportReport(path, count, fmt.label)
    return run


def _until_stopped(items: Iterable[Item], should_stop: Callable[[], bool]) -> Iterator[Item]:
    """Stop feeding the writer on cancel; it then replaces nothing (the temp file is discarded)."""
    for item in items:
        if should_stop():
            raise ExportCancelled
        yield item


class ExportCancelled(Exception):
    """Raised inside a writer's loop so it removes its temporary file and leaves the target untouched."""


@dataclass
class ExportReport:
    path: Path
    count: int
    label: str
    cancelled: bool = False

    def summary(self) -> str:
        if self.cancelled:
            return "cancelled; nothing written"
        return f"{self.count} item{'s' if self.count != 1 else ''} written as {self.label} to {self.path.name}"


def bibliography_texts(library: Library, keys: list[str], style: str) -> tuple[str, str]:
    """The formatted bibliography of *keys* as (plain text, HTML), for the clipboard."""
    from senref.formats.cite import format_bibliography

    items = [library.get_item(key) for key in keys if library.has_item(key)]
    return format_bibliography(items, style), format_bibliography(items, style, html=True)


def _merge_reports(reports: list[Any]) -> Any:
    from senref.core.library import ImportReport

    total = ImportReport()
    for report in reports:
        total.created += report.created
        total.merged += report.merged
        total.problems.extend(report.problems)
        total.warnings.extend(report.warnings)
        total.keys.extend(report.keys)
    return total
