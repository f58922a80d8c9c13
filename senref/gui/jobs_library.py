"""The background jobs the window starts: adapters from the Qt-free library functions to JobFunctions.

Nothing here touches a widget; each function returns a `fn(progress, should_stop)` that a Worker runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from senref.core.library import Library
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


def import_files_job(library: Library, paths: list[Path], *, collection: str | None) -> JobFunction:
    """Import bibliography files (BibTeX, RIS, CSL-JSON, Zotero RDF...) into the library."""
    def run(progress: Callable[[Any], None], should_stop: Callable[[], bool]) -> Any:
        try:
            from senref.formats.registry import sniff
        except ModuleNotFoundError as exc:
            names = ", ".join(p.name for p in paths)
            raise FeatureMissing(f"importing {names} is not supported yet: bibliography import "
                                 "(BibTeX, RIS, CSL-JSON, Zotero RDF) is not in this build") from exc
        reports = []
        for done, path in enumerate(paths):
            if should_stop():
                break
            fmt = sniff(path)
            if fmt is None:
                raise FeatureMissing(f"{path.name}: not a bibliography format senref can read")
            progress((done, len(paths), f"importing {path.name}"))
            def counted(n: int, name: str = path.name) -> None:
                progress(f"{name}: {n} records")
            reports.append(library.import_records(fmt.read(path), collection=collection, progress=counted,
                                                  should_stop=should_stop))
        progress((len(paths), len(paths)))
        return reports[0] if len(reports) == 1 else _merge_reports(reports)
    return run


def _merge_reports(reports: list[Any]) -> Any:
    from senref.core.library import ImportReport

    total = ImportReport()
    for report in reports:
        total.created += report.created
        total.merged += report.merged
        total.problems.extend(report.problems)
        total.keys.extend(report.keys)
    return total
