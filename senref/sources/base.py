"""The source contract: a name, `match(text)`, a metadata step and a PDF step.

A source is built with the job's `HttpClient` and `Settings` (base URLs come from there, so tests
aim every source at a local server). `fetch` answers with a `SourceResult`: an Item holding only what
that source knows, identifiers it learnt (which may let other sources run), and PDF candidates.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from senref.core.model import Item
from senref.core.settings import Settings
from senref.sources.http import HttpClient

#: PDF candidate kinds, most trusted first: the HAL deposit is the authors' own copy and always
#: downloadable; repositories beat publishers (whose links often block scripts); PMC last because
#: it refuses non-browser clients most often.
PDF_KINDS = ("hal", "repository", "publisher", "arxiv", "pmc")


class SourceError(Exception):
    """A source could not answer (service down, malformed answer); `str()` is one user-readable line."""


class NotFound(SourceError):
    """The service answered, and does not know this identifier."""


@dataclass(frozen=True)
class PdfCandidate:
    """A URL that may hold the full text, with where it came from."""

    url: str
    source: str
    kind: str  # one of PDF_KINDS
    note: str = ""

    @property
    def rank(self) -> int:
        return PDF_KINDS.index(self.kind) if self.kind in PDF_KINDS else len(PDF_KINDS)


@dataclass
class SourceResult:
    """What one source said about one work."""

    source: str
    item: Item
    pdfs: list[PdfCandidate] = field(default_factory=list)
    #: how trustworthy this source's bibliographic fields are (higher wins in merge)
    priority: int = 0


class Source(ABC):
    """Base class of metadata sources; subclasses set `name` and `schemes`."""

    #: short name used in provenance ("crossref", "hal", ...)
    name: ClassVar[str] = ""
    #: identifier schemes `fetch` can look up, in the order it prefers them
    schemes: ClassVar[tuple[str, ...]] = ()
    #: merge priority of this source's bibliographic fields
    priority: ClassVar[int] = 0
    #: a source that only contributes PDFs/extra ids: its result alone does not make a record
    auxiliary: ClassVar[bool] = False

    def __init__(self, client: HttpClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    def match(self, text: str) -> dict[str, str]:
        """The identifiers in *text* this source can look up ({} when none)."""
        from senref.core.extract import find_identifiers

        return {f.scheme: f.value for f in find_identifiers(text) if f.scheme in self.schemes}

    def can_fetch(self, identifiers: dict[str, str]) -> bool:
        return any(s in identifiers for s in self.schemes)

    @abstractmethod
    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        """Metadata for the work; raises NotFound or SourceError."""

    def find_pdfs(self, result: SourceResult) -> list[PdfCandidate]:
        """PDF candidates for a fetched work (by default, those the metadata step saw)."""
        return list(result.pdfs)


_WS = re.compile(r"\s+")


def squash(text: str | None) -> str:
    """Collapse runs of whitespace (arXiv titles carry newlines and double spaces).

    >>> squash("  Heat-bath  random\\n walks ")
    'Heat-bath random walks'
    """
    return _WS.sub(" ", text or "").strip()
