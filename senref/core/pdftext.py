"""Text and metadata of a PDF without Qt (pypdf): what identifier lookup reads from a user's file."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

#: How many leading pages are read for identifiers: the DOI or arXiv id sits on the first page or two.
DEFAULT_PAGES = 2

# pypdf raises its own errors for damaged files, but also plain ones from deep in its parser
# (a truncated stream, an impossible offset): any of them means "this file gives no text".
_READ_ERRORS = (PyPdfError, OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
                AssertionError, RecursionError, ZeroDivisionError)


@contextmanager
def _quiet() -> Iterator[None]:
    # pypdf warns about every oddity it repairs in a real-world PDF; the user's file is not ours to lint.
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(level)


def _reader(path: Path) -> PdfReader | None:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        return reader
    except _READ_ERRORS:
        return None


def _metadata(reader: PdfReader) -> dict[str, str]:
    try:
        info = reader.metadata
    except _READ_ERRORS:
        return {}
    if info is None:
        return {}
    found = {}
    for name in ("/Title", "/Subject", "/Keywords"):
        value = info.get(name)
        if value is not None:
            found[name] = str(value).strip()
    return found


def pdf_text(path: Path, pages: int = DEFAULT_PAGES) -> str:
    """Title, subject, keywords and the text of the first *pages* pages; '' when the file cannot be read."""
    with _quiet():
        reader = _reader(path)
        if reader is None:
            return ""
        meta = _metadata(reader)
        parts = [meta.get(name, "") for name in ("/Title", "/Subject", "/Keywords")]
        try:
            for page in reader.pages[:pages]:
                try:
                    parts.append(page.extract_text() or "")
                except _READ_ERRORS:
                    continue  # one broken page should not hide the identifier on the next
        except _READ_ERRORS:
            pass
    return "\n".join(parts)


def pdf_title(path: Path) -> str:
    """The title stored in the PDF's metadata, '' when none or unreadable."""
    with _quiet():
        reader = _reader(path)
        return "" if reader is None else _metadata(reader).get("/Title", "")


def pdf_opens(path: Path) -> bool:
    """Whether the file parses as a PDF with at least one page."""
    with _quiet():
        reader = _reader(path)
        if reader is None:
            return False
        try:
            return len(reader.pages) > 0
        except _READ_ERRORS:
            return False
