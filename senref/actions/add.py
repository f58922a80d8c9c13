"""Add works by identifier, URL, pasted text or PDF file: the sources resolve them, this files and saves them."""

from __future__ import annotations

import concurrent.futures as cf
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from senref.actions.duplicates import possible_duplicates
from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.actions.trials import link_trials
from senref.core import identifiers as ids
from senref.core.extract import Work, group_works
from senref.core.model import Item
from senref.core.pdftext import pdf_text, pdf_title
from senref.core.settings import Settings
from senref.sources.add import Resolved, Resolver, make_sources
from senref.sources.http import HttpClient, client_for
from senref.sources.pdf import PdfOutcome, check_pdf, fetch_first_pdf, remove_stale_temps

if TYPE_CHECKING:
    from senref.core.library import Library

NO_ID_NOTE = "<p>senref found no DOI, HAL id, PMID or arXiv id in this PDF; complete the record by hand.</p>"
#: The (done, total, message) callback of `add_texts`, the shape the window's fetch hook keeps.
LegacyProgress = Callable[[int, int, str], None]


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
            return f"{'failed':<9} {self.label}: {self.reason}"
        pdf = f" [PDF from {self.pdf}]" if self.pdf else (" [no PDF]" if self.pdf_reasons else "")
        # one column wide enough for "unchanged", then a space: the key never runs into the status
        return f"{self.status:<9} {self.key} {self.label}: {self.title[:70]}{pdf}"


@dataclass
class AddReport(Report):
    """One outcome per work, in the order they finished."""

    outcomes: list[AddOutcome] = field(default_factory=list)
    #: likely duplicates (not merged: no identifier proves them) the added items are in
    possible_duplicates: int = 0

    def by_status(self, status: str) -> list[AddOutcome]:
        return [o for o in self.outcomes if o.status == status]

    # The failed outcomes themselves (truthy exactly when Report.failed would be): retry and the CLI's
    # grouped failure lines need their labels and reasons.
    @property
    def failed(self) -> list[AddOutcome]:  # type: ignore[override]
        return self.by_status("failed")

    def failures_by_reason(self) -> list[tuple[str, list[str]]]:
        """(reason, labels) for the failed works, one entry per reason: a dead host is said once."""
        grouped: dict[str, list[str]] = {}
        for outcome in self.failed:
            grouped.setdefault(outcome.reason, []).append(outcome.label)
        return list(grouped.items())

    def summary(self) -> str:
        parts = [f"{len(self.by_status(s))} {s}" for s in ("added", "merged", "unchanged", "failed")]
        if self.possible_duplicates:
            parts.append(f"{self.possible_duplicates} possible duplicates")
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")

    def lines(self) -> list[str]:
        """Each outcome, then why no PDF was kept for it."""
        out: list[str] = []
        for outcome in self.outcomes:
            out.append(outcome.line())
            if not outcome.pdf and outcome.pdf_reasons:
                out.extend(f"    no PDF: {reason}" for reason in outcome.pdf_reasons)
        return out


def add_inputs(library: Library, settings: Settings, inputs: Iterable[str], *, collection: str | None = None,
               pdf: bool = True, progress: ProgressSink = no_progress, should_stop: ShouldStop = never_stop,
               client: HttpClient | None = None, cache_dir: Path | None = None, workers: int = 8) -> AddReport:
    """Add every work found in *inputs* (identifiers, URLs, pasted citations, PDF file paths).

    *collection* (a key, a name or a Parent/Child path, created when missing) receives the new items.
    PDFs are fetched when *pdf* (False for `--no-pdf`) and `settings.download_pdfs` both allow it; the
    HTTP client carries the settings' limits and contact e-mail.

    Lookups run in a thread pool (each host paced by the HttpClient); every library write happens on
    the calling thread, in completion order, so the library sees one writer and a stopped batch
    leaves only complete items behind.
    """
    stop = should_stop
    report = AddReport()
    client = client or client_for(settings, cache_dir, should_stop=stop)
    resolver = Resolver(make_sources(client, settings))
    collections = [_collection_key(library, collection)] if collection else []
    workdir = (cache_dir or library.folder) / "downloads"
    want_pdf = pdf and settings.download_pdfs
    if workdir.is_dir():
        # A download a killed run left behind goes now, even when this run fetches nothing (its PDF was stored).
        remove_stale_temps(workdir)

    jobs: list[tuple[Work, Path | None]] = []
    for text in inputs:
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
        progress(Progress(done, total, outcome.line(), "problem" if outcome.status == "failed" else "info"))

    def resolve(work: Work, path: Path | None) -> Resolved | None:
        if stop():
            return None  # cancelled before it started: not a failure of this work
        if not work.identifiers:
            return Resolved(work, None, [], "no identifier found in the PDF", pdf_file=path)
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
                pdf_future, outcome = _save(library, resolved, collections, want_pdf and not report.cancelled,
                                            pool=pool, client=client, workdir=workdir, stop=stop)
                report.outcomes.append(outcome)
                if pdf_future is not None:
                    pdf_jobs[pdf_future] = outcome
                else:
                    tell(outcome)
        for pdf_future in cf.as_completed(pdf_jobs):
            outcome = pdf_jobs[pdf_future]
            _store_pdf(library, outcome, pdf_future.result())
            tell(outcome)
    saved = [o.key for o in report.outcomes if o.key]
    report.possible_duplicates = possible_duplicates(library, saved)
    link_trials(library, saved)
    return report


def add_texts(library: Library, texts: Iterable[str], *, settings: Settings, collection: str | None = None,
              pdf: bool = True, progress: LegacyProgress | None = None, should_stop: ShouldStop | None = None,
              client: HttpClient | None = None, cache_dir: Path | None = None, workers: int = 8) -> AddReport:
    """`add_inputs` with a (done, total, message) progress callback: the window's fetch-hook shape."""
    sink: ProgressSink = no_progress
    if progress is not None:
        legacy = progress

        def sink(event: Progress) -> None:
            legacy(event.done, event.total, event.message)
    return add_inputs(library, settings, texts, collection=collection, pdf=pdf, progress=sink,
                      should_stop=should_stop or never_stop, client=client, cache_dir=cache_dir, workers=workers)


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


def _unique_jobs(jobs: list[tuple[Work, Path | None]]) -> list[tuple[Work, Path | None]]:
    """The same work named twice in one batch (a DOI and its HAL page) is fetched once."""
    out: list[tuple[Work, Path | None]] = []
    for work, path in jobs:
        twin = next((w for w, p in out if p is None and path is None
                     and any(ids.same_identifier(s, w.identifiers.get(s), v) for s, v in work.identifiers.items())),
                    None)
        if twin is not None and not any(s in twin.identifiers and not ids.same_identifier(s, twin.identifiers[s], v)
                                        for s, v in work.identifiers.items()):
            for scheme, value in work.identifiers.items():
                twin.identifiers.setdefault(scheme, value)
            continue
        out.append((work, path))
    return out


def _collection_key(library: Library, name: str) -> str:
    key = library.find_collection(name)
    return key or library.ensure_collection_path([part for part in name.split("/") if part.strip()])


def _save(library: Library, resolved: Resolved, collections: list[str], want_pdf: bool, *, pool: cf.Executor,
          client: HttpClient, workdir: Path, stop: ShouldStop) -> tuple[cf.Future[PdfOutcome] | None, AddOutcome]:
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
    result = library.save_item(item, collections=collections)
    status = "added" if result.created else ("merged" if result.changes else "unchanged")
    outcome = AddOutcome(label, status, key=result.key, title=item.title)
    if resolved.pdf_file is not None:
        if resolved.item is None:
            library.add_note(result.key, NO_ID_NOTE if not resolved.work.identifiers else
                             f"<p>senref could not fetch metadata: {html.escape(resolved.reason)}</p>")
        reason = check_pdf(resolved.pdf_file)
        if reason is None:
            attachment = library.store_file(result.key, resolved.pdf_file, filename=resolved.pdf_file.name,
                                            content_type="application/pdf", source="file")
            outcome.pdf = "file" if attachment else ""
        else:
            outcome.pdf_reasons = [f"{resolved.pdf_file.name}: {reason}"]
        return None, outcome
    if not want_pdf:
        return None, outcome
    stored = library.get_item(result.key)
    if any(a.content_type == "application/pdf" for a in stored.attachments):
        return None, outcome
    settings = client.settings
    future = pool.submit(fetch_first_pdf, client, resolved.candidates, workdir, should_stop=stop,
                         max_bytes=int(settings.max_pdf_mb * 1024 * 1024), deadline=settings.download_deadline)
    return future, outcome


def _store_pdf(library: Library, outcome: AddOutcome, result: PdfOutcome) -> None:
    if result.path is not None and result.candidate is not None:
        try:
            name = f"{outcome.title[:80] or outcome.key}.pdf"
            library.store_file(outcome.key, result.path, filename=name, content_type="application/pdf",
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
    library.edit_items([outcome.key], change)
