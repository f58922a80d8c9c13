"""Find the published version of a preprint (and the preprints of an article) by asking the services.

Crossref's `relation`, bioRxiv/medRxiv's `pubs` endpoint, PubMed's `UpdateIn`, HAL's DOI on the deposit
and arXiv's DOI each may know the link; the answers are merged. Like the integrity check, answers never
come from the response cache: the point is to see what changed since the last look.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from senref.core.model import Item
from senref.core.settings import Settings
from senref.sources.http import HttpClient, HttpError
from senref.sources.integrity import crossref_work, efetch
from senref.sources.version_links import (
    PREPRINT_DOI_PREFIXES,
    PREPRINT_SERVERS,
    Version,
    arxiv_published,
    biorxiv_answered,
    biorxiv_published,
    crossref_is_preprint,
    crossref_relations,
    hal_published,
    merge_versions,
    pubmed_doi,
    pubmed_versions,
)


def is_preprint(item: Item) -> bool:
    """A preprint by its type, its DOI's prefix or the server named as its repository or archive."""
    if item.item_type == "preprint":
        return True
    doi = (item.identifiers.get("doi") or "").lower()
    if doi.startswith(PREPRINT_DOI_PREFIXES):
        return True
    where = " ".join(item.fields.get(name, "") for name in ("repository", "archive", "publisher")).lower()
    return item.item_type in ("report", "manuscript", "document") and any(s in where for s in PREPRINT_SERVERS)


@dataclass
class VersionResult:
    """What one look found: the published versions (of a preprint) or the preprints (of an article)."""

    published: list[Version] = field(default_factory=list)
    preprints: list[Version] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.sources)


class _Unusable(Exception):
    """A service answered with something that cannot be read."""


class VersionFinder:
    """`find(item)`: one finder (and its client's pacing) serves a whole batch."""

    def __init__(self, settings: Settings, client: HttpClient | None = None) -> None:
        self.settings = settings
        self.client = client or HttpClient(settings)

    def find(self, item: Item) -> VersionResult:
        result = VersionResult()
        doi = (item.identifiers.get("doi") or "").strip()
        preprint = is_preprint(item)
        if doi:
            work = self._ask(result, "crossref", lambda: self._crossref_work(doi))
            if work:
                if preprint or crossref_is_preprint(work):
                    result.published += crossref_relations(work, "is-preprint-of")
                result.preprints += crossref_relations(work, "has-preprint")
                preprint = preprint or crossref_is_preprint(work)
        if preprint:
            self._published(item, doi, result)
        result.published = [v for v in merge_versions(result.published) if not _same(v, doi)]
        result.preprints = [v for v in merge_versions(result.preprints) if not _same(v, doi)]
        return result

    def _published(self, item: Item, doi: str, result: VersionResult) -> None:
        if doi.lower().startswith("10.1101/"):
            server = "medrxiv" if "medrxiv" in " ".join(item.fields.values()).lower() else "biorxiv"
            answer = self._ask(result, "biorxiv", lambda: self._biorxiv(server, doi))
            if answer is not None:
                result.published += biorxiv_published(answer, doi)
        pmid = (item.identifiers.get("pmid") or "").strip()
        if pmid:
            found = self._ask(result, "pubmed", lambda: pubmed_versions(self._efetch(pmid))) or []
            result.published += [self._with_doi(result, named) for named in found]
        hal = (item.identifiers.get("hal") or "").strip()
        if hal:
            docs = self._ask(result, "hal", lambda: self._hal(hal))
            if docs is not None:
                result.published += hal_published(docs, hal, doi)
        arxiv = (item.identifiers.get("arxiv") or "").strip()
        if arxiv:
            result.published += self._ask(result, "arxiv", lambda: arxiv_published(self._arxiv(arxiv))) or []

    def _with_doi(self, result: VersionResult, named: Version) -> Version:
        """PubMed may name the article by PMID only: ask PubMed for its DOI."""
        if named.doi or not named.pmid:
            return named
        known = self._ask(result, "pubmed", lambda: pubmed_doi(self._efetch(named.pmid)))
        return Version(known or "", named.source, named.pmid, named.journal, named.date)

    def _ask(self, result: VersionResult, name: str, call: Callable[[], Any]) -> Any:
        """One service's request; a failure becomes an error line and never loses the others' answers."""
        try:
            answer = call()
        except HttpError as exc:
            result.errors.append(f"{name}: {exc.reason}")
            return None
        except (_Unusable, ValueError, etree.XMLSyntaxError) as exc:
            result.errors.append(f"{name}: unreadable answer ({exc})")
            return None
        if name not in result.sources:
            result.sources.append(name)
        return answer

    # -- requests ------------------------------------------------------------------------------
    def _crossref_work(self, doi: str) -> Mapping[str, Any] | None:
        return crossref_work(self.client, self.settings, doi)

    def _biorxiv(self, server: str, doi: str) -> Mapping[str, Any]:
        url = f"{self.settings.url('biorxiv')}/pubs/{server}/{urllib.parse.quote(doi, safe='/')}/na/json"
        data = self.client.get(url, cache=False).json()
        if not biorxiv_answered(data):
            raise _Unusable("no messages")
        return dict(data)

    def _efetch(self, pmid: str) -> bytes:
        return efetch(self.client, self.settings, [pmid])

    def _hal(self, hal_id: str) -> list[Mapping[str, Any]]:
        params = {"q": f"halId_s:{hal_id}", "fl": "halId_s,doiId_s,docType_s,journalTitle_s", "wt": "json"}
        data = self.client.get(f"{self.settings.url('hal_api')}/search/", params=params, cache=False).json()
        docs = data.get("response", {}).get("docs") if isinstance(data, dict) else None
        if not isinstance(docs, list):
            raise _Unusable("no response.docs")
        return [d for d in docs if isinstance(d, dict)]

    def _arxiv(self, arxiv_id: str) -> bytes:
        return self.client.get(f"{self.settings.url('arxiv')}/query", params={"id_list": arxiv_id, "max_results": "1"},
                               accept="application/atom+xml", cache=False).content


def _same(version: Version, doi: str) -> bool:
    return bool(doi) and version.doi.lower() == doi.lower()
