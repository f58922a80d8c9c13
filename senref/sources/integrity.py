"""Integrity check of one work: asks Crossref, PubMed and (with a key) OpenAlex for retractions and other notices.

The parsers live in `integrity_notices`; this module does the asking. Answers are never taken from the
response cache: the point of a check is to see what changed since the last one.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from senref.core.settings import Settings
from senref.sources.http import HttpClient, HttpError
from senref.sources.integrity_notices import (
    KINDS,
    IntegrityNotice,
    crossref_notices,
    deduplicate,
    is_notice,
    notices_from_update_to,
    openalex_notices,
    pubmed_notices,
    status_of,
)

__all__ = [
    "KINDS",
    "IntegrityChecker",
    "IntegrityNotice",
    "IntegrityResult",
    "crossref_notices",
    "notices_from_update_to",
    "openalex_notices",
    "pubmed_notices",
    "status_of",
]

OPENALEX_KEY_VAR = "SENREF_OPENALEX_KEY"
#: notices of one work found by `filter=updates:`; more than this many is not a real case
UPDATES_ROWS = 100
#: DOI characters that may stay as they are in a URL path (as crossref.fetch_work quotes them)
_DOI_SAFE = "/()"


class _Unusable(ValueError):
    """A source answered, but with something that cannot be read."""


def crossref_params(settings: Settings) -> dict[str, str]:
    # The polite pool: Crossref asks for a contact address on every request.
    return {"mailto": settings.email} if settings.email else {}


def crossref_work(client: HttpClient, settings: Settings, doi: str) -> dict[str, Any] | None:
    """Crossref's record of *doi*, never from the cache; None when Crossref does not know it (a DataCite or
    mEDRA DOI: nothing to say, not a failure)."""
    url = f"{settings.url('crossref')}/works/{urllib.parse.quote(doi, safe=_DOI_SAFE)}"
    try:
        data = client.get(url, params=crossref_params(settings), cache=False).json()
    except HttpError as exc:
        if exc.status == 404:
            return None
        raise
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise _Unusable("no work record")
    return message


def efetch(client: HttpClient, settings: Settings, pmids: list[str], api_key: str = "") -> bytes:
    """PubMed's efetch XML of *pmids* (one request for all), never from the cache."""
    params = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml", "tool": "senref"}
    if settings.email:
        params["email"] = settings.email
    if api_key:
        params["api_key"] = api_key
    return client.get(f"{settings.url('pubmed')}/efetch.fcgi", params=params, accept="application/xml",
                      cache=False).content


@dataclass
class IntegrityResult:
    """What one check found: the status, its notices, which sources answered and what went wrong."""

    status: str
    notices: list[IntegrityNotice] = field(default_factory=list)
    checked_at: str = ""
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    #: OpenAlex's count of citing works, when it was asked (refreshed with each check)
    cited_by_count: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "notices": [n.to_json() for n in self.notices], "checked_at": self.checked_at,
                "errors": list(self.errors), "sources": list(self.sources)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IntegrityResult:
        return cls(status=str(data.get("status") or "unknown"),
                   notices=[IntegrityNotice.from_json(n) for n in data.get("notices") or [] if isinstance(n, dict)],
                   checked_at=str(data.get("checked_at") or ""),
                   errors=[str(e) for e in data.get("errors") or []],
                   sources=[str(s) for s in data.get("sources") or []])


class IntegrityChecker:
    """`check(identifiers)` for one work; one checker (and its client's pacing) serves a whole batch."""

    def __init__(self, settings: Settings, client: HttpClient | None = None, *,
                 openalex_key: str | None = None) -> None:
        self.settings = settings
        self.client = client or HttpClient(settings)
        self.openalex_key = os.environ.get(OPENALEX_KEY_VAR, "") if openalex_key is None else openalex_key

    def check(self, identifiers: dict[str, str]) -> IntegrityResult:
        doi = (identifiers.get("doi") or "").strip()
        pmid = (identifiers.get("pmid") or "").strip()
        result = IntegrityResult("unknown", checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        if not doi and not pmid:
            result.errors.append("no DOI or PMID to check")
            return result
        found: list[IntegrityNotice] = []
        notice_record = False
        if doi:
            work = self._ask(result, "crossref", lambda: self._crossref_work(doi))
            if work:
                notice_record = is_notice(work)
                found += crossref_notices(work)
            for item in self._ask(result, "crossref updates", lambda: self._crossref_updates(doi)) or []:
                found += notices_from_update_to(item, doi)
        if pmid:
            found += self._ask(result, "pubmed", lambda: pubmed_notices(self._efetch(pmid))) or []
        if doi and self.openalex_key:
            flags = self._ask(result, "openalex", lambda: openalex_notices(self._openalex_work(doi))) or []
            # OpenAlex flags retraction notices as retracted; Crossref's word on what the record is wins. Its
            # flag names no notice, so it only adds something when no other source knows the retraction.
            if not notice_record and not any(n.kind == "retracted" for n in found):
                found += flags
        result.notices = deduplicate(found)
        if result.sources:
            result.status = status_of(result.notices)
        return result

    def _ask(self, result: IntegrityResult, name: str, call: Callable[[], Any]) -> Any:
        """Run one source's request; a failure becomes an error line, never an exception losing the others."""
        try:
            answer = call()
        except HttpError as exc:
            result.errors.append(f"{name}: {exc.reason}")
            return None
        except (_Unusable, ValueError, etree.XMLSyntaxError) as exc:
            result.errors.append(f"{name}: unreadable answer ({exc})")
            return None
        source = name.split(maxsplit=1)[0]
        if source not in result.sources:
            result.sources.append(source)
        return answer

    # -- requests ------------------------------------------------------------------------
    def _crossref_params(self) -> dict[str, str]:
        return crossref_params(self.settings)

    def _crossref_work(self, doi: str) -> dict[str, Any] | None:
        return crossref_work(self.client, self.settings, doi)

    def _crossref_updates(self, doi: str) -> list[dict[str, Any]]:
        params = {**self._crossref_params(), "filter": f"updates:{doi}", "rows": str(UPDATES_ROWS),
                  "select": "DOI,title,type,update-to,updated-by"}
        data = self.client.get(f"{self.settings.url('crossref')}/works", params=params, cache=False).json()
        items = data.get("message", {}).get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise _Unusable("no work list")
        return [i for i in items if isinstance(i, dict)]

    def _efetch(self, pmid: str) -> bytes:
        return efetch(self.client, self.settings, [pmid])

    def _openalex_work(self, doi: str) -> dict[str, Any]:
        params = {"api_key": self.openalex_key, "select": "id,doi,type,title,is_retracted"}
        if self.settings.email:
            params["mailto"] = self.settings.email
        url = f"{self.settings.url('openalex')}/works/doi:{urllib.parse.quote(doi, safe=_DOI_SAFE)}"
        try:
            data = self.client.get(url, params=params, cache=False).json()
        except HttpError as exc:
            if exc.status == 404:  # OpenAlex does not know the work: nothing flagged
                return {}
            raise
        if not isinstance(data, dict):
            raise _Unusable("no work record")
        return data
