"""Run one watch's query on its service: Europe PMC, OpenAlex (search, or works citing given DOIs), Crossref, HAL.

`since` (an ISO date) narrows the query to works indexed from then on; the first run of a watch has none
and takes the newest `limit` works. Results come back as Items, not yet saved.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from senref.core.model import Item
from senref.core.settings import Settings
from senref.core.watch import Watch
from senref.sources.crossref import item_from_csl
from senref.sources.europepmc import EuropePmc, is_article
from senref.sources.europepmc import item_from_result as europepmc_item
from senref.sources.hal import FIELDS as HAL_FIELDS
from senref.sources.hal import item_from_doc, parse_search
from senref.sources.http import HttpClient
from senref.sources.openalex import KEY_VAR, OpenAlex, item_from_work, work_id


class WatchError(Exception):
    """The watch cannot run as defined (no key for OpenAlex, nothing to cite); one line for the user."""


class WatchSearcher:
    def __init__(self, settings: Settings, client: HttpClient | None = None) -> None:
        self.settings = settings
        self.client = client or HttpClient(settings)

    def search(self, watch: Watch, since: str = "", dois: list[str] | None = None) -> list[Item]:
        """The works the watch finds (*dois*: the watched items' DOIs, for a "cites" watch)."""
        if watch.source == "europepmc":
            return self._europepmc(watch, since)
        if watch.source == "openalex":
            return self._openalex(watch, since, dois or [])
        if watch.source == "crossref":
            return self._crossref(watch, since)
        if watch.source == "hal":
            return self._hal(watch, since)
        raise WatchError(f"unknown source {watch.source!r}")

    def _europepmc(self, watch: Watch, since: str) -> list[Item]:
        query = f"({watch.query}) AND (FIRST_IDATE:[{since[:10]} TO 3000-12-31])" if since else watch.query
        api = EuropePmc(self.client, self.settings.url("europepmc"), self.settings.email)
        return [europepmc_item(r) for r in api.search(query, limit=watch.limit) if is_article(r)]

    def _openalex(self, watch: Watch, since: str, dois: list[str]) -> list[Item]:
        key = os.environ.get(KEY_VAR, "")
        if not key:
            raise WatchError(f"OpenAlex needs an API key: set {KEY_VAR} (free at openalex.org)")
        api = OpenAlex(self.client, self.settings.url("openalex"), key, self.settings.email)
        filters = [f"from_created_date:{since[:10]}"] if since else []
        if watch.kind == "cites":
            cited = [work_id(api.work(doi)) for doi in dois]
            cited = [w for w in cited if w]
            if not cited:
                raise WatchError("none of the watched items is known to OpenAlex (they need DOIs)")
            filters.append("cites:" + "|".join(cited[:50]))
            return [item_from_work(w) for w in api.works(filters=",".join(filters), limit=watch.limit)]
        return [item_from_work(w) for w in api.works(search=watch.query, filters=",".join(filters), limit=watch.limit)]

    def _crossref(self, watch: Watch, since: str) -> list[Item]:
        params = {"query": watch.query, "rows": str(min(watch.limit, 1000)), "sort": "indexed", "order": "desc"}
        if since:
            params["filter"] = f"from-index-date:{since[:10]}"
        if self.settings.email:
            params["mailto"] = self.settings.email
        data = self.client.get(f"{self.settings.url('crossref')}/works", params=params, cache=False).json()
        items = (data.get("message") or {}).get("items") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise WatchError("Crossref answered without a work list")
        return [item_from_csl(i) for i in items if isinstance(i, dict) and _crossref_article(i)]

    def _hal(self, watch: Watch, since: str) -> list[Item]:
        params = {"q": watch.query, "fl": ",".join(HAL_FIELDS), "wt": "json", "rows": str(min(watch.limit, 1000)),
                  "sort": "submittedDate_tdate desc"}
        if since:
            params["fq"] = f"submittedDate_tdate:[{since[:10]}T00:00:00Z TO NOW]"
        data = self.client.get(f"{self.settings.url('hal_api')}/search/", params=params, cache=False).json()
        return [item_from_doc(doc) for doc in parse_search(data)]


def _crossref_article(work: Mapping[str, Any]) -> bool:
    # Notices (corrections, retractions) carry update-to: they are about another work, not new papers.
    return not work.get("update-to") and work.get("type") not in ("component", "peer-review", "grant")
