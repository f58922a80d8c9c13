"""OpenAlex: works by DOI (a source plugin, with an API key), searches and "works citing these" for watches.

OpenAlex asks for a free API key (`SENREF_OPENALEX_KEY`, sent as `api_key`); without one the source stays
out of every lookup. A work carries `ids`, `authorships`, `primary_location.source`, `biblio`,
`abstract_inverted_index` (the abstract as word -> positions), `cited_by_count` and open-access locations.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

from senref.core import identifiers as ids
from senref.core.model import Creator, Item
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult, squash
from senref.sources.http import HttpError
from senref.sources.http.client import HttpClient

KEY_VAR = "SENREF_OPENALEX_KEY"
PER_PAGE = 100
_TYPES = {"article": "journalArticle", "review": "journalArticle", "preprint": "preprint", "book": "book",
          "book-chapter": "bookSection", "dissertation": "thesis", "report": "report", "dataset": "dataset",
          "letter": "journalArticle", "editorial": "journalArticle", "erratum": "journalArticle"}


def abstract_from_index(index: Any) -> str:
    """The abstract OpenAlex keeps as {word: [positions]}, put back in order."""
    if not isinstance(index, Mapping):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions if isinstance(positions, list) else []:
            if isinstance(pos, int) and 0 <= pos < 100_000:
                placed[pos] = str(word)
    return " ".join(placed[p] for p in sorted(placed))


def work_id(work: Mapping[str, Any]) -> str:
    """"W2741809807" from the work's `id` URL."""
    return str(work.get("id") or "").rsplit("/", 1)[-1]


def item_from_work(work: Mapping[str, Any]) -> Item:
    item_type = _TYPES.get(str(work.get("type") or ""), "journalArticle")
    location = work.get("primary_location") or {}
    source = (location.get("source") or {}) if isinstance(location, Mapping) else {}
    biblio = work.get("biblio") or {}
    pages = "-".join(p for p in (str(biblio.get("first_page") or ""), str(biblio.get("last_page") or "")) if p)
    fields = {
        "title": squash(str(work.get("title") or work.get("display_name") or "")),
        "date": str(work.get("publication_date") or work.get("publication_year") or ""),
        "volume": str(biblio.get("volume") or ""),
        "issue": str(biblio.get("issue") or ""),
        "pages": pages,
        "abstractNote": abstract_from_index(work.get("abstract_inverted_index")),
        "language": str(work.get("language") or ""),
        "libraryCatalog": "OpenAlex",
    }
    fields["repository" if item_type == "preprint" else "publicationTitle"] = str(source.get("display_name") or "")
    item = Item(item_type=item_type, fields={k: v for k, v in fields.items() if v})
    for authorship in work.get("authorships") or []:
        author = authorship.get("author") if isinstance(authorship, Mapping) else None
        name = str((author or {}).get("display_name") or authorship.get("raw_author_name") or "").strip() \
            if isinstance(authorship, Mapping) else ""
        if name:
            first, _, last = name.rpartition(" ")
            item.creators.append(Creator("author", first, last) if first else Creator("author", name=name))
    known = work.get("ids") or {}
    for scheme, value in (("doi", work.get("doi") or known.get("doi")), ("pmid", known.get("pmid")),
                          ("pmcid", known.get("pmcid"))):
        normalized = ids.normalize(scheme, str(value or "").rsplit("/", 1)[-1] if scheme != "doi" else str(value or ""))
        if normalized:
            item.set_identifier(scheme, normalized)
    if isinstance(work.get("cited_by_count"), int):
        item.extras["cited_by_count"] = {"count": work["cited_by_count"], "source": "openalex"}
    if work_id(work):
        item.extras["openalex"] = work_id(work)
    return item


def pdfs_of(work: Mapping[str, Any]) -> list[PdfCandidate]:
    out: list[PdfCandidate] = []
    for location in work.get("locations") or []:
        if not isinstance(location, Mapping) or not location.get("is_oa"):
            continue
        url = str(location.get("pdf_url") or "")
        if url.startswith(("https://", "http://")):
            kind = "repository" if (location.get("source") or {}).get("type") == "repository" else "publisher"
            out.append(PdfCandidate(url, "openalex", kind, "open-access copy listed by OpenAlex"))
    return out


class OpenAlex:
    """Requests to OpenAlex with the key, the contact address and cursor paging."""

    def __init__(self, client: HttpClient, base: str, key: str, email: str = "") -> None:
        self.client, self.base, self.key, self.email = client, base, key, email

    def _params(self, extra: Mapping[str, str]) -> dict[str, str]:
        params = {"api_key": self.key, **extra}
        if self.email:
            params["mailto"] = self.email
        return params

    def work(self, doi: str) -> Mapping[str, Any]:
        url = f"{self.base}/works/doi:{urllib.parse.quote(doi, safe='/()')}"
        data = self.client.get(url, params=self._params({}), cache=False).json()
        if not isinstance(data, Mapping):
            raise SourceError("OpenAlex answered without a work")
        return data

    def works(self, *, search: str = "", filters: str = "", limit: int = 200) -> Iterator[Mapping[str, Any]]:
        cursor, given = "*", 0
        while given < limit:
            extra = {"per-page": str(min(PER_PAGE, limit - given)), "cursor": cursor}
            if search:
                extra["search"] = search
            if filters:
                extra["filter"] = filters
            data = self.client.get(f"{self.base}/works", params=self._params(extra), cache=False).json()
            results = data.get("results") if isinstance(data, Mapping) else None
            if not isinstance(results, list):
                raise SourceError("OpenAlex answered without results")
            for work in results:
                if isinstance(work, Mapping):
                    yield work
                    given += 1
            following = str((data.get("meta") or {}).get("next_cursor") or "")
            if not results or not following or following == cursor:
                return
            cursor = following


class OpenAlexSource(Source):
    """DOIs, with an API key only: citation counts and open-access copies other sources may not list."""

    name = "openalex"
    schemes = ("doi",)
    priority = 2
    auxiliary = True

    def can_fetch(self, identifiers: dict[str, str]) -> bool:
        return bool(os.environ.get(KEY_VAR)) and "doi" in identifiers

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        api = OpenAlex(self.client, self.settings.url("openalex"), os.environ.get(KEY_VAR, ""), self.settings.email)
        try:
            work = api.work(identifiers["doi"])
        except HttpError as exc:
            if exc.status == 404:
                raise NotFound("OpenAlex does not know this DOI") from exc
            raise SourceError(f"OpenAlex lookup failed: {exc.reason}") from exc
        except ValueError as exc:
            raise SourceError("OpenAlex answered with something that is not JSON") from exc
        return SourceResult(self.name, item_from_work(work), pdfs_of(work), self.priority)
