"""Open-access PDF retrieval: rank candidates, stream each with caps, keep the first real PDF.

A candidate that fails leaves no file behind and one line saying why ("publisher returned a web
page", "HTTP 404", "truncated PDF"), which is stored with the item in `extras["pdfReasons"]`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from senref.core.atomic import process_running
from senref.sources.base import PdfCandidate
from senref.sources.http import HttpClient, HttpError

#: Default size cap for a downloaded PDF.
MAX_PDF_BYTES = 100 * 1024 * 1024
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
#: A download temp older than this is removed whoever made it (where a process cannot be asked whether it runs).
STALE_TEMP_SECONDS = 24 * 3600


@dataclass
class PdfOutcome:
    """The kept file (a temp file the caller stores then deletes), or None, and why each candidate failed."""

    path: Path | None = None
    candidate: PdfCandidate | None = None
    sha256: str = ""
    size: int = 0
    reasons: list[str] = field(default_factory=list)


def rank(candidates: Iterable[PdfCandidate]) -> list[PdfCandidate]:
    """Unique URLs, most trusted kind first (HAL > repository > publisher > arXiv > PMC), stable otherwise."""
    unique: dict[str, PdfCandidate] = {}
    for candidate in candidates:
        unique.setdefault(candidate.url, candidate)
    return sorted(unique.values(), key=lambda c: c.rank)


def check_pdf(path: Path) -> str | None:
    """None when *path* looks like a complete PDF; otherwise the one-line reason.

    Magic `%PDF-` near the start, `%%EOF` near the end, and a `startxref` offset that lands on a
    cross-reference table or stream: cheap, and catches login pages, error pages and cut downloads.
    """
    with path.open("rb") as handle:
        head = handle.read(1024)
        size = path.stat().st_size
        handle.seek(max(0, size - 1024))
        tail = handle.read()
        if b"%PDF-" not in head:
            lowered = head.lower()
            if b"<html" in lowered or b"<!doctype" in lowered or b"<head" in lowered:
                return "the server returned a web page (login or landing page), not a PDF"
            return "not a PDF (no %PDF- header)" if head else "empty file"
        match = _STARTXREF.search(tail)
        if b"%%EOF" not in tail or match is None:
            return "truncated PDF (no end-of-file marker)"
        offset = int(match.group(1))
        if offset >= size:
            return "damaged PDF (cross-reference offset beyond the end)"
        handle.seek(offset)
        xref = handle.read(64)
    if not (xref.startswith(b"xref") or re.match(rb"\s*\d+\s+\d+\s+obj", xref)):
        return "damaged PDF (no cross-reference table where the file says)"
    return None


def fetch_first_pdf(client: HttpClient, candidates: Iterable[PdfCandidate], workdir: Path, *,
                    max_bytes: int = MAX_PDF_BYTES, deadline: float = 120.0,
                    should_stop: Callable[[], bool] = lambda: False) -> PdfOutcome:
    """Try candidates in rank order; the first valid PDF wins and is returned as a temp file in *workdir*."""
    outcome = PdfOutcome()
    workdir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(workdir)
    for candidate in rank(candidates):
        if should_stop():
            outcome.reasons.append("cancelled")
            break
        # The pid in the name tells a later run whether the writer still runs (see remove_stale_temps).
        fd, name = tempfile.mkstemp(prefix=f".pdf-{os.getpid()}-", suffix=".part", dir=workdir)
        tmp = Path(name)
        os.close(fd)
        try:
            client.download(candidate.url, tmp, max_bytes=max_bytes, deadline=deadline)
            reason = check_pdf(tmp)
        except HttpError as exc:
            reason = f"HTTP {exc.status}" if exc.status else exc.reason
        except OSError as exc:
            reason = f"could not write the download ({exc.strerror or exc})"
        if reason is None:
            digest = hashlib.sha256()
            with tmp.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            outcome.path, outcome.candidate = tmp, candidate
            outcome.sha256, outcome.size = digest.hexdigest(), tmp.stat().st_size
            return outcome
        tmp.unlink(missing_ok=True)
        outcome.reasons.append(f"{candidate.source} ({candidate.kind}) {candidate.url}: {reason}")
    if not outcome.reasons:
        outcome.reasons.append("no open-access PDF location known")
    return outcome


def remove_stale_temps(workdir: Path) -> int:
    """Delete the download temps (`.pdf-<pid>-*.part`) a killed senref left in *workdir*; how many went.

    A temp whose process no longer runs is stale; so is one without a pid (older versions) and any
    older than a day. Temps of a senref running beside this one (the window and a CLI command) stay.
    """
    removed = 0
    now = time.time()
    for path in workdir.glob(".pdf-*.part"):
        owner = path.name[len(".pdf-"):].split("-", 1)[0]
        try:
            old = now - path.stat().st_mtime > STALE_TEMP_SECONDS
            if old or not owner.isdigit() or not process_running(int(owner)):
                path.unlink()
                removed += 1
        except OSError:  # gone meanwhile, or not ours to delete: never fail a download over it
            continue
    return removed
