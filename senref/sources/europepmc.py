"""Europe PMC: PMCID lookups (a source plugin) and searches for the living watch.

The REST search (`/search?query=…&resultType=core&format=json`) answers `resultList.result` records with
`authorList`, `journalInfo`, `abstractText`, `pubTypeList`, `keywordList` and `fullTextUrlList`; pages
follow `nextCursorMark`. Europe PMC asks for no key; requests are paced like every other host's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from senref.core import identifiers as ids
from senref.core.model import Creator, Item
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult, squash
from senref.sources.http import HttpError
from senref.sources.http.client import HttpClient

PAGE_SIZE = 100
_TAGS = re.compile(r"<[^>]{0,200}>")
#: Europe PMC publication types that are not articles of their own: kept out of a watch's results
NOT_ARTICLES = frozenset({"published erratum", "erratum", "correction", "retraction of publication", "comment"})
_TYPES = {"preprint": "preprint", "review": "journalArticle", "journal article": "journalArticle",
          "research-article": "journalArticle", "book": "book", "book chapter": "bookSection"}


def item_from_result(record: Mapping[str, Any]) -> Item:
    """One `core` search record as an Item (fields Zotero's Europe PMC translator fills)."""
    types = [str(t).lower() for t in (record.get("pubTypeList") or {}).get("pubType") or []]
    item_type = next((_TYPES[t] for t in types if t in _TYPES), "journalArticle")
    if record.get("source") == "PPR":
        item_type = "preprint"
    journal_info = record.get("journalInfo") or {}
    journal = journal_info.get("journal") or {}
    fields = {
        "title": squash(_TAGS.sub("", str(record.get("title") or ""))).rstrip("."),
        "abstractNote": squash(_TAGS.sub(" ", str(record.get("abstractText") or ""))),
        "date": str(journal_info.get("printPublicationDate") or record.get("firstPublicationDate")
                    or record.get("pubYear") or ""),
        "volume": str(journal_info.get("volume") or ""),
        "issue": str(journal_info.get("issue") or ""),
        "pages": str(record.get("pageInfo") or ""),
        "language": str(record.get("language") or ""),
        "libraryCatalog": "Europe PMC",
    }
    if item_type == "preprint":
        fields["repository"] = str((record.get("bookOrReportDetails") or {}).get("publisher") or "")
    else:
        fields["publicationTitle"] = str(journal.get("title") or "")
        fields["journalAbbreviation"] = str(journal.get("isoabbreviation") or journal.get("medlineAbbreviation") or "")
        fields["ISSN"] = str(journal.get("issn") or journal.get("essn") or "")
    item = Item(item_type=item_type, fields={k: v for k, v in fields.items() if v})
    for author in (record.get("authorList") or {}).get("author") or []:
        if not isinstance(author, Mapping):
            continue
        if author.get("lastName"):
            item.creators.append(Creator("author", str(author.get("firstName") or author.get("initials") or ""),
                                         str(author["lastName"])))
        elif author.get("collectiveName") or author.get("fullName"):
            item.creators.append(Creator("author", name=str(author.get("collectiveName") or author["fullName"])))
    for scheme, key in (("doi", "doi"), ("pmid", "pmid"), ("pmcid", "pmcid")):
        value = ids.normalize(scheme, str(record.get(key) or ""))
        if value:
            item.set_identifier(scheme, value)
    for keyword in (record.get("keywordList") or {}).get("keyword") or []:
        if isinstance(keyword, str) and keyword.strip():
            item.add_tag(keyword.strip())
    if isinstance(record.get("citedByCount"), int):
        item.extras["cited_by_count"] = {"count": record["citedByCount"], "source": "europepmc"}
    return item


def pdfs_of(record: Mapping[str, Any]) -> list[PdfCandidate]:
    out: list[PdfCandidate] = []
    for link in (record.get("fullTextUrlList") or {}).get("fullTextUrl") or []:
        if not isinstance(link, Mapping) or link.get("documentStyle") != "pdf":
            continue
        if str(link.get("availabilityCode") or "") in ("OA", "F"):
            out.append(PdfCandidate(str(link.get("url") or ""), "europepmc", "pmc", "Europe PMC open-access PDF"))
    return [p for p in out if p.url.startswith(("https://", "http://"))]


def is_article(record: Mapping[str, Any]) -> bool:
    types = {str(t).lower() for t in (record.get("pubTypeList") or {}).get("pubType") or []}
    return not (types and types <= NOT_ARTICLES)


class EuropePmc:
    """Searches through Europe PMC's REST API."""

    def __init__(self, client: HttpClient, base: str, email: str = "") -> None:
        self.client, self.base, self.email = client, base, email

    def page(self, query: str, cursor: str = "*", size: int = PAGE_SIZE) -> Mapping[str, Any]:
        params = {"query": query, "resultType": "core", "format": "json", "pageSize": str(size), "cursorMark": cursor}
        if self.email:
            params["email"] = self.email
        data = self.client.get(f"{self.base}/search", params=params, cache=False).json()
        if not isinstance(data, Mapping) or not isinstance(data.get("resultList"), Mapping):
            raise SourceError("Europe PMC answered without a resultList")
        return data

    def search(self, query: str, *, limit: int = 200) -> Iterator[Mapping[str, Any]]:
        """The search's records, page after page, at most *limit*."""
        cursor, given = "*", 0
        while given < limit:
            data = self.page(query, cursor, min(PAGE_SIZE, limit - given))
            records = [r for r in data["resultList"].get("result") or [] if isinstance(r, Mapping)]
            for record in records:
                yield record
                given += 1
            following = str(data.get("nextCursorMark") or "")
            if not records or not following or following == cursor:
                return
            cursor = following


class EuropePmcSource(Source):
    """PMCIDs (which no other source looks up); learns the PMID and DOI, so PubMed and Crossref follow."""

    name = "europepmc"
    schemes = ("pmcid",)
    priority = 12

    def can_fetch(self, identifiers: dict[str, str]) -> bool:
        # Only what no other source answers: once a PMID or DOI is known, PubMed and Crossref do better.
        return "pmcid" in identifiers and not ({"pmid", "doi"} & identifiers.keys())

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        pmcid = identifiers["pmcid"]
        try:
            records = list(EuropePmc(self.client, self.settings.url("europepmc"), self.settings.email).search(
                f"PMCID:{pmcid}", limit=5))
        except HttpError as exc:
            raise SourceError(f"Europe PMC lookup failed: {exc.reason}") from exc
        except ValueError as exc:
            raise SourceError("Europe PMC answered with something that is not JSON") from exc
        record = next((r for r in records if str(r.get("pmcid") or "").upper() == pmcid.upper()), None)
        if record is None:
            raise NotFound("Europe PMC has no such PMCID")
        return SourceResult(self.name, item_from_result(record), pdfs_of(record), self.priority)
