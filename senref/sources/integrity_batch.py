"""The integrity check of many works at once: 100 DOIs per Crossref request, 200 PMIDs per PubMed efetch.

A whole-library check of 10,000 items would be 30,000 single requests; in batches it is a few hundred,
each service paced under its documented rate whatever host it is reached at (see PACE), and a 429
honoured by the HTTP client's Retry-After handling. Each work's result is what `IntegrityChecker.check` would say.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from lxml import etree

from senref.core.settings import Settings
from senref.sources.http import HttpClient
from senref.sources.http.pacing import HostLimiter
from senref.sources.integrity import IntegrityChecker, IntegrityResult, efetch
from senref.sources.integrity_notices import (
    IntegrityNotice,
    crossref_notices,
    deduplicate,
    is_notice,
    notices_from_update_to,
    openalex_notices,
    pubmed_notices,
    status_of,
)

#: Works per request: Crossref filter values, PubMed ids, OpenAlex `|` alternatives.
CROSSREF_BATCH, PUBMED_BATCH, OPENALEX_BATCH = 100, 200, 50
#: Seconds between request starts per service: under each documented rate (Crossref's polite pool 10/s, its
#: public pool 5/s; NCBI 3/s, 10/s with a key; OpenAlex 10/s) with a margin, so that no second ever sees more.
PACE = {"crossref": 0.12, "crossref-public": 0.25, "pubmed": 0.4, "pubmed-key": 0.12, "openalex": 0.12}
NCBI_KEY_VAR = "SENREF_NCBI_API_KEY"


class BatchIntegrityChecker(IntegrityChecker):
    """`check_many([identifiers, …])`, one result per work, in order."""

    #: works a caller should hand over at once (several requests' worth for each service)
    batch_items = 1000

    def __init__(self, settings: Settings, client: HttpClient | None = None, *,
                 openalex_key: str | None = None) -> None:
        super().__init__(settings, client, openalex_key=openalex_key)
        ncbi_key = os.environ.get(NCBI_KEY_VAR, "")
        self.ncbi_key = ncbi_key
        self._pace = {
            "crossref": HostLimiter(PACE["crossref" if settings.email else "crossref-public"], 1),
            "pubmed": HostLimiter(PACE["pubmed-key" if ncbi_key else "pubmed"], 1),
            "openalex": HostLimiter(PACE["openalex"], 1),
        }

    def check_many(self, works: list[dict[str, str]]) -> list[IntegrityResult]:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        results = [IntegrityResult("unknown", checked_at=now) for _ in works]
        found: list[list[IntegrityNotice]] = [[] for _ in works]
        notice_record = [False] * len(works)
        dois = {i: (w.get("doi") or "").strip() for i, w in enumerate(works) if (w.get("doi") or "").strip()}
        pmids = {i: (w.get("pmid") or "").strip() for i, w in enumerate(works) if (w.get("pmid") or "").strip()}
        for i in range(len(works)):
            if not dois.get(i) and not pmids.get(i):
                results[i].errors.append("no DOI or PMID to check")
        for chunk in _chunks(sorted(dois), CROSSREF_BATCH):
            wanted = {dois[i].lower(): i for i in chunk}
            records = self._batch(results, chunk, "crossref", partial(self._crossref_works, list(wanted)))
            for doi, message in (records or {}).items():
                at = wanted.get(doi)
                if at is not None:
                    notice_record[at] = is_notice(message)
                    found[at] += crossref_notices(message)
            notices = self._batch(results, chunk, "crossref updates", partial(self._crossref_update_list, list(wanted)))
            for item in notices or []:
                for target in item.get("update-to") or []:
                    at = wanted.get(str(target.get("DOI") or "").lower()) if isinstance(target, Mapping) else None
                    if at is not None:
                        found[at] += notices_from_update_to(item, dois[at])
        for chunk in _chunks(sorted(pmids), PUBMED_BATCH):
            wanted_pmids = {pmids[i]: i for i in chunk}
            articles = self._batch(results, chunk, "pubmed", partial(self._efetch_many, list(wanted_pmids)))
            for pmid, article in (articles or {}).items():
                if pmid in wanted_pmids:
                    found[wanted_pmids[pmid]] += pubmed_notices(article)
        if self.openalex_key:
            for chunk in _chunks(sorted(dois), OPENALEX_BATCH):
                wanted = {dois[i].lower(): i for i in chunk}
                flagged = self._batch(results, chunk, "openalex", partial(self._openalex_many, list(wanted)))
                for doi, work in (flagged or {}).items():
                    at = wanted.get(doi)
                    if at is not None and isinstance(work.get("cited_by_count"), int):
                        results[at].cited_by_count = work["cited_by_count"]
                    if at is not None and not notice_record[at] and not any(n.kind == "retracted" for n in found[at]):
                        found[at] += openalex_notices(work)
        for i, result in enumerate(results):
            result.notices = deduplicate(found[i])
            if result.sources:
                result.status = status_of(result.notices)
        return results

    def _batch(self, results: list[IntegrityResult], chunk: list[int], name: str, call: Callable[[], Any]) -> Any:
        """One request for *chunk*'s works: its failure is an error line on each of them."""
        probe = IntegrityResult("unknown")
        answer = self._ask(probe, name, call)
        errors = probe.errors
        for i in chunk:
            results[i].errors.extend(errors)
            for source in probe.sources:
                if source not in results[i].sources:
                    results[i].sources.append(source)
        return answer

    def _paced(self, service: str, call: Callable[[], Any]) -> Any:
        limiter = self._pace[service]
        limiter.acquire()
        try:
            return call()
        finally:
            limiter.release()

    def _get_json(self, service: str, url: str, params: dict[str, str]) -> Any:
        return self._paced(service, lambda: self.client.get(url, params=params, cache=False).json())

    # -- requests --------------------------------------------------------------------------------
    def _crossref_works(self, dois: list[str]) -> dict[str, dict[str, Any]]:
        params = {**self._crossref_params(), "filter": ",".join(f"doi:{d}" for d in dois), "rows": str(len(dois))}
        data = self._paced("crossref", lambda: self.client.get(f"{self.settings.url('crossref')}/works",
                                                                params=params, cache=False).json())
        items = data.get("message", {}).get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ValueError("no work list")
        return {str(i.get("DOI") or "").lower(): i for i in items if isinstance(i, dict)}

    def _crossref_update_list(self, dois: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor = "*"
        while True:
            params = {**self._crossref_params(), "filter": ",".join(f"updates:{d}" for d in dois), "rows": "1000",
                      "cursor": cursor, "select": "DOI,title,type,update-to,updated-by"}
            data = self._get_json("crossref", f"{self.settings.url('crossref')}/works", params)
            message = data.get("message") if isinstance(data, dict) else None
            items = message.get("items") if isinstance(message, dict) else None
            if not isinstance(items, list):
                raise ValueError("no work list")
            out += [i for i in items if isinstance(i, dict)]
            following = str(message.get("next-cursor") or "") if isinstance(message, dict) else ""
            if not items or not following or following == cursor or len(items) < 1000:
                return out
            cursor = following

    def _efetch_many(self, pmids: list[str]) -> dict[str, etree._Element]:
        content = self._paced("pubmed", lambda: efetch(self.client, self.settings, pmids, self.ncbi_key))
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(content, parser)
        articles = [a for a in root if a.tag == "PubmedArticle"] if root.tag == "PubmedArticleSet" else [root]
        return {(a.findtext("MedlineCitation/PMID") or "").strip(): a for a in articles}

    def _openalex_many(self, dois: list[str]) -> dict[str, dict[str, Any]]:
        params = {"api_key": self.openalex_key, "filter": "doi:" + "|".join(dois), "per-page": str(len(dois)),
                  "select": "id,doi,type,title,is_retracted,cited_by_count"}
        if self.settings.email:
            params["mailto"] = self.settings.email
        data = self._paced("openalex", lambda: self.client.get(f"{self.settings.url('openalex')}/works",
                                                                params=params, cache=False).json())
        works = data.get("results") if isinstance(data, dict) else None
        if not isinstance(works, list):
            raise ValueError("no results")
        return {str(w.get("doi") or "").lower().removeprefix("https://doi.org/"): w for w in works
                if isinstance(w, dict)}


def _chunks(values: list[int], size: int) -> list[list[int]]:
    return [values[n:n + size] for n in range(0, len(values), size)]
