"""Unpaywall `/v2/{doi}?email=…`: where the open-access copies of a DOI are."""

from __future__ import annotations

import urllib.parse
from typing import Any

from senref.core.model import Item
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult
from senref.sources.http import HttpError
from senref.sources.netguard import is_web_link


def pdfs_from_record(data: Any) -> list[PdfCandidate]:
    """PDF links: the best location first, then every other `oa_locations` entry with a `url_for_pdf`.

    A best location whose `url_for_pdf` is null (only a landing page known) is skipped, not fatal:
    other locations often hold the PDF.
    """
    if not isinstance(data, dict):
        raise SourceError("Unpaywall answered with something that is not a record")
    locations: list[dict[str, Any]] = []
    best = data.get("best_oa_location")
    if isinstance(best, dict):
        locations.append(best)
    locations.extend(loc for loc in data.get("oa_locations") or [] if isinstance(loc, dict))
    out: list[PdfCandidate] = []
    seen: set[str] = set()
    for loc in locations:
        url = loc.get("url_for_pdf")
        # The client checks each link again when fetching it (address after DNS, redirects).
        if not isinstance(url, str) or not is_web_link(url) or url in seen:
            continue
        seen.add(url)
        kind = "repository" if loc.get("host_type") == "repository" else "publisher"
        if "arxiv.org" in url:
            kind = "arxiv"
        elif "ncbi.nlm.nih.gov/pmc" in url or "europepmc.org" in url:
            kind = "pmc"
        where = loc.get("repository_institution") or loc.get("host_type") or "unknown host"
        out.append(PdfCandidate(url, "unpaywall", kind, f"{loc.get('version') or 'copy'} at {where}"))
    return out


class UnpaywallSource(Source):
    """Open-access PDF locations for a DOI (no bibliographic fields: those come from the agency)."""

    name = "unpaywall"
    schemes = ("doi",)
    priority = 5
    auxiliary = True

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        if not self.settings.email:
            raise SourceError("Unpaywall needs a contact e-mail: set SENREF_EMAIL or email in settings")
        doi = identifiers["doi"]
        url = f"{self.settings.url('unpaywall')}/v2/{urllib.parse.quote(doi, safe='/()')}"
        try:
            data = self.client.get(url, params={"email": self.settings.email}).json()
        except HttpError as exc:
            if exc.status == 404:
                raise NotFound("Unpaywall does not know this DOI") from exc
            if exc.status == 422:
                raise SourceError("Unpaywall refused the contact e-mail; set a valid one") from exc
            raise SourceError(f"Unpaywall lookup failed: {exc.reason}") from exc
        except ValueError as exc:
            raise SourceError("Unpaywall answered with something that is not JSON") from exc
        item = Item()
        item.set_identifier("doi", doi)
        return SourceResult(self.name, item, pdfs_from_record(data), self.priority)
