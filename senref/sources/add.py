"""The "add" job shared by CLI and GUI: text or PDF files -> identifiers -> sources -> one item each -> PDFs.

Qt-free. Network work runs in a thread pool (works in parallel; each host paced by the HttpClient);
every library write happens on the calling thread, in completion order, so the library sees one
writer and a cancelled job leaves only complete items behind.
"""

from __future__ import annotations

import concurrent.futures as cf
import html
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from senref.core.extract import Work, group_works
from senref.core.model import Item
from senref.core.settings import Settings
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult
from senref.sources.http import HttpClient, HttpError, client_for
from senref.sources.merge import merge_results
from senref.sources.pdf import PdfOutcome, check_pdf, fetch_first_pdf
from senref.sources.registry import load_sources

if TYPE_CHECKING:
    from senref.core.library import Library

log = logging.getLogger(__name__)
#: progress(done, total, message): one call per finished work
Progress = Callable[[int, int, str], None]
NO_ID_NOTE = "<p>senref found no DOI, HAL id, PMID or arXiv id in this PDF; complete the record by hand.</p>"


@dataclass
class AddOutcome:
    """What happened to one work (or one PDF file)."""

    label: str
    status: str  # added | merged | unchanged | failed
    key: str = ""
    title: str = ""
    reason: str = ""
    pdf: str = ""  # where the stored PDF came from ("hal", "unpaywall", "file"), '' when none
    pdf_reasons: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One progress line for a terminal."""
        if self.status == "failed":
            return f"failed  {self.label}: {self.reason}"
        pdf = f" [PDF from {self.pdf}]" if self.pdf else (" [no PDF]" if self.pdf_reasons else "")
        return f"{self.status:<8}{self.key} {self.label}: {self.title[:70]}{pdf}"


@dataclass
class AddReport:
    outcomes: list[AddOutcome] = field(default_factory=list)
    cancelled: bool = False

    def by_status(self, status: str) -> list[AddOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[AddOutcome]:
        return self.by_status("failed")

    def failures_by_reason(self) -> list[tuple[str, list[str]]]:
        """(reason, labels) for the failed works, one entry per reason: a dead host is said once."""
        grouped: dict[str, list[str]] = {}
        for outcome in self.failed:
            grouped.setdefault(outcome.reason, []).append(outcome.label)
        return list(grouped.items())

    def summary(self) -> str:
        parts = [f"{len(self.by_status(s))} {s}" for s in ("added", "merged", "unchanged", "failed")]
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")


@dataclass
class _Resolved:
    work: Work
    item: Item | None
    candidates: list[PdfCandidate]
    reason: str = ""
    pdf_file: Path | None = None


class Resolver:
    """Runs the sources for one work until no source can learn more."""

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources

    def resolve(self, work: Work) -> _Resolved:
        known = dict(work.identifiers)
        results: list[SourceResult] = []
        problems: list[str] = []
        tried: set[str] = set()
        progress = True
        while progress:
            progress = False
            for source in self.sources:
                if source.name in tried or not source.can_fetch(known):
                    continue
                tried.add(source.name)
                progress = True
                try:
                    result = source.fetch(known)
                except NotFound as exc:
                    log.info("%s: %s", source.name, exc)
                    problems.append(f"{source.name}: {exc}")
                    continue
                except (SourceError, HttpError) as exc:
                    problems.append(f"{source.name}: {exc}")
                    continue
                results.append(result)
                for scheme, value in result.item.identifiers.items():
                    known.setdefault(scheme, value)
                # New identifiers (a DOI found by HAL, a PMID by PubMed) may let skipped sources run.
                break
        substantive = [r for r in results if not _is_auxiliary(self.sources, r) and r.item.fields.get("title")]
        if not substantive:
            return _Resolved(work, None, [], "; ".join(problems) or "no source knows this identifier")
        item = merge_results(results)
        if work.hal_version and item.identifiers.get("hal") == work.identifiers.get("hal"):
            item.hal_version = work.hal_version
        candidates = [c for r in results for c in r.pdfs]
        return _Resolved(work, item, candidates)


def _is_auxiliary(sources: list[Source], result: SourceResult) -> bool:
    return any(s.auxiliary and s.name == result.source for s in sources)


def make_sources(client: HttpClient, settings: Settings) -> list[Source]:
    """One instance of every installed source, highest priority first."""
    return [cls(client, settings) for cls in load_sources()]


def pdf_text(path: Path, pages: int = 2) -> str:
    """Text of the first pages plus the metadata (title, subject, keywords) of a PDF, via QtPdf (lazy import)."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_:
            return ""
        fields = QPdfDocument.MetaDataField
        parts = [str(document.metaData(f) or "") for f in (fields.Title, fields.Subject, fields.Keywords)]
        parts += [document.getAllText(page).text() for page in range(min(pages, document.pageCount()))]
        return "\n".join(parts)
    finally:
        document.close()


def pdf_title(path: Path) -> str:
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_:
            return ""
        return str(document.metaData(QPdfDocument.MetaDataField.Title) or "").strip()
    finally:
        document.close()


def _is_pdf_path(text: str) -> Path | None:
    candidate = text.strip()
    if "\n" in candidate or len(candidate) > 4096 or not candidate:
        return None
    path = Path(candidate).expanduser()
    try:
        if path.is_file() and (path.suffix.lower() == ".pdf" or path.open("rb").read(5) == b"%PDF-"):
            return path
    except OSError:
        return None
    return None


def add_texts(lib: Library, texts: Iterable[str], *, collection: str | None = None, pdf: bool = True,
              settings: Settings, progress: Progress | None = None,
              should_stop: Callable[[], bool] | None = None, client: HttpClient | None = None,
              cache_dir: Path | None = None, workers: int = 8) -> AddReport:
    """Add every work found in *texts* (identifiers, URLs, pasted citations, PDF file paths) to *lib*."""
    stop = should_stop or (lambda: False)
    report = AddReport()
    client = client or client_for(settings, cache_dir, should_stop=stop)
    sources = make_sources(client, settings)
    resolver = Resolver(sources)
    collections = [_collection_key(lib, collection)] if collection else []
    workdir = (cache_dir or lib.folder) / "downloads"

    jobs: list[tuple[Work, Path | None]] = []
    for text in texts:
        path = _is_pdf_path(text)
        if path is not None:
            found = group_works(pdf_text(path))
            jobs.append((found[0] if found else Work(text=path.name), path))
            continue
        works = group_works(text)
        if not works:
            report.outcomes.append(AddOutcome(text.strip()[:60], "failed", reason="no identifier found"))
        jobs.extend((w, None) for w in works)
    jobs = _unique_jobs(jobs)
    total = len(jobs) + len(report.outcomes)
    done = len(report.outcomes)

    def tell(outcome: AddOutcome) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, outcome.line())

    def resolve(work: Work, path: Path | None) -> _Resolved | None:
        if stop():
            return None  # cancelled before it started: not a failure of this work
        if not work.identifiers:
            return _Resolved(work, None, [], "no identifier found in the PDF", pdf_file=path)
        resolved = resolver.resolve(work)
        if resolved.item is None and stop():
            return None  # its lookups were cut short by the cancel
        resolved.pdf_file = path
        return resolved

    with cf.ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="senref-add") as pool:
        pending = {pool.submit(resolve, work, path) for work, path in jobs}
        pdf_jobs: dict[cf.Future[PdfOutcome], AddOutcome] = {}
        while pending:
            finished, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
            if stop():
                report.cancelled = True
                for future in pending:
                    future.cancel()
                pending = set()
            for future in finished:
                resolved = None if future.cancelled() else future.result()
                if resolved is None:
                    report.cancelled = True
                    continue
                pdf_future, outcome = _save(lib, resolved, collections, pdf and not report.cancelled,
                                            pool=pool, client=client, workdir=workdir, stop=stop)
                report.outcomes.append(outcome)
                if pdf_future is not None:
                    pdf_jobs[pdf_future] = outcome
                else:
                    tell(outcome)
        for pdf_future in cf.as_completed(pdf_jobs):
            outcome = pdf_jobs[pdf_future]
            _store_pdf(lib, outcome, pdf_future.result())
            tell(outcome)
    return report


def _unique_jobs(jobs: list[tuple[Work, Path | None]]) -> list[tuple[Work, Path | None]]:
    """The same work named twice in one batch (a DOI and its HAL page) is fetched once."""
    out: list[tuple[Work, Path | None]] = []
    for work, path in jobs:
        twin = next((w for w, p in out if p is None and path is None
                     and any(w.identifiers.get(s) == v for s, v in work.identifiers.items())), None)
        if twin is not None and not any(s in twin.identifiers and twin.identifiers[s] != v
                                        for s, v in work.identifiers.items()):
            for scheme, value in work.identifiers.items():
                twin.identifiers.setdefault(scheme, value)
            continue
        out.append((work, path))
    return out


def _collection_key(lib: Library, name: str) -> str:
    key = lib.find_collection(name)
    return key or lib.ensure_collection_path([part for part in name.split("/") if part.strip()])


def _save(lib: Library, resolved: _Resolved, collections: list[str], want_pdf: bool, *, pool: cf.Executor,
          client: HttpClient, workdir: Path, stop: Callable[[], bool]) -> tuple[cf.Future[PdfOutcome] | None, AddOutcome]:
    label = resolved.work.label if resolved.work.identifiers else resolved.work.text
    item = resolved.item
    if item is None and resolved.pdf_file is None:
        return None, AddOutcome(label, "failed", reason=resolved.reason)
    if item is None:
        assert resolved.pdf_file is not None
        # A PDF without a usable identifier still becomes an item: the file is the user's, not to be lost.
        item = Item(item_type="document")
        item.fields["title"] = pdf_title(resolved.pdf_file) or resolved.pdf_file.stem
        item.provenance["title"] = "file"
    result = lib.save_item(item, collections=collections)
    status = "added" if result.created else ("merged" if result.changes else "unchanged")
    outcome = AddOutcome(label, status, key=result.key, title=item.title)
    if resolved.pdf_file is not None:
        if resolved.item is None:
            lib.add_note(result.key, NO_ID_NOTE if not resolved.work.identifiers else
                         f"<p>senref could not fetch metadata: {html.escape(resolved.reason)}</p>")
        reason = check_pdf(resolved.pdf_file)
        if reason is None:
            attachment = lib.store_file(result.key, resolved.pdf_file, filename=resolved.pdf_file.name,
                                        content_type="application/pdf", source="file")
            outcome.pdf = "file" if attachment else ""
        else:
            outcome.pdf_reasons = [f"{resolved.pdf_file.name}: {reason}"]
        return None, outcome
    if not want_pdf:
        return None, outcome
    stored = lib.get_item(result.key)
    if any(a.content_type == "application/pdf" for a in stored.attachments):
        return None, outcome
    settings = client.settings
    future = pool.submit(fetch_first_pdf, client, resolved.candidates, workdir, should_stop=stop,
                         max_bytes=int(settings.max_pdf_mb * 1024 * 1024), deadline=settings.download_deadline)
    return future, outcome


def _store_pdf(lib: Library, outcome: AddOutcome, result: PdfOutcome) -> None:
    if result.path is not None and result.candidate is not None:
        try:
            name = f"{outcome.title[:80] or outcome.key}.pdf"
            lib.store_file(outcome.key, result.path, filename=name, content_type="application/pdf",
                           url=result.candidate.url, source=result.candidate.source)
            outcome.pdf = result.candidate.source
        finally:
            result.path.unlink(missing_ok=True)
        reasons: list[str] = []
    else:
        reasons = result.reasons
    outcome.pdf_reasons = reasons

    def change(item: Item) -> bool:
        if item.extras.get("pdfReasons", []) == reasons:
            return False
        if reasons:
            item.extras["pdfReasons"] = reasons
        else:
            item.extras.pop("pdfReasons", None)
        return True
    lib.edit_items([outcome.key], change)
