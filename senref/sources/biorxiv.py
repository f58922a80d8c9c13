"""bioRxiv and medRxiv: a preprint's own record (`/details/{server}/{doi}/na/json`), as a source plugin.

Crossref knows these DOIs too, but only the servers give the latest version's number, its category,
its licence, the PDF of that version and the DOI of the article it became (`published`). The answer is
`{"messages": [{"status": "ok", ...}], "collection": [one row per version]}`; "no posts found" means the
server does not know the DOI.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from senref.core import identifiers as ids
from senref.core.model import Creator, Item
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult, squash
from senref.sources.http import HttpError

SERVERS = ("biorxiv", "medrxiv")
PAGE = {"biorxiv": "https://www.biorxiv.org/content/{doi}v{version}", "medrxiv": "https://www.medrxiv.org/content/{doi}v{version}"}


def creators_of(authors: str) -> list[Creator]:
    """"Prasanna, A.; Citrin, D. E." -> creators (the servers write "Last, Initials" joined by "; ")."""
    out = []
    for name in (part.strip() for part in authors.split(";")):
        if not name:
            continue
        last, _, first = name.partition(",")
        out.append(Creator("author", first.strip(), last.strip()) if first else Creator("author", name=last.strip()))
    return out


def item_from_details(rows: list[Mapping[str, Any]], server: str) -> tuple[Item, list[PdfCandidate]]:
    latest = max(rows, key=lambda r: int(str(r.get("version") or "0")) if str(r.get("version") or "0").isdigit() else 0)
    doi = ids.normalize_doi(str(latest.get("doi") or "")) or ""
    version = str(latest.get("version") or "1")
    name = "medRxiv" if server == "medrxiv" else "bioRxiv"
    item = Item(item_type="preprint", fields={k: v for k, v in {
        "title": squash(str(latest.get("title") or "")),
        "abstractNote": squash(str(latest.get("abstract") or "")),
        "date": str(latest.get("date") or ""),
        "repository": name,
        "archiveID": f"{name}:{doi}v{version}" if doi else "",
        "rights": str(latest.get("license") or ""),
        "url": PAGE[server].format(doi=doi, version=version) if doi else "",
        "libraryCatalog": name,
    }.items() if v})
    item.creators = creators_of(str(latest.get("authors") or ""))
    if doi:
        item.set_identifier("doi", doi)
    category = str(latest.get("category") or "").strip()
    if category:
        item.add_tag(category)
    published = ids.normalize_doi(str(latest.get("published") or ""))
    if published and not ids.same_identifier("doi", published, doi):
        item.extras["versions"] = {"published": [{"doi": published, "source": server}],
                                   "checked": datetime.now(UTC).isoformat(timespec="seconds")}
    pdfs = [PdfCandidate(PAGE[server].format(doi=doi, version=version) + ".full.pdf", server, "repository",
                         f"{name} preprint, version {version}")] if doi else []
    return item, pdfs


class BiorxivSource(Source):
    """DOIs of bioRxiv and medRxiv preprints (10.1101/…)."""

    name = "biorxiv"
    schemes = ("doi",)
    priority = 30

    def can_fetch(self, identifiers: dict[str, str]) -> bool:
        return identifiers.get("doi", "").lower().startswith("10.1101/")

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        doi = identifiers["doi"]
        for server in SERVERS:
            url = f"{self.settings.url('biorxiv')}/details/{server}/{urllib.parse.quote(doi, safe='/')}/na/json"
            try:
                data = self.client.get(url).json()
            except HttpError as exc:
                raise SourceError(f"{server} lookup failed: {exc.reason}") from exc
            except ValueError as exc:
                raise SourceError(f"{server} answered with something that is not JSON") from exc
            rows = data.get("collection") if isinstance(data, Mapping) else None
            rows = [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []
            if rows:
                item, pdfs = item_from_details(rows, server)
                return SourceResult(self.name, item, pdfs, self.priority)
        raise NotFound("neither bioRxiv nor medRxiv has this DOI")
