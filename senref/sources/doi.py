"""DOIs: registration agency via `doi.org/ra`, then Crossref or DataCite, CSL-JSON negotiation otherwise."""

from __future__ import annotations

import urllib.parse

from senref.core.model import Item
from senref.sources import crossref, datacite
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult
from senref.sources.http import HttpError
from senref.sources.on_add import note_crossref_record

CSL_JSON = "application/vnd.citationstyles.csl+json"


class DoiSource(Source):
    """Metadata for a DOI from the agency that registered it."""

    name = "doi"
    schemes = ("doi",)
    priority = 40

    def agency(self, doi: str) -> str:
        """`crossref`, `datacite`, `medra`... in lower case; '' when doi.org cannot tell."""
        url = f"{self.settings.url('doi')}/ra/{urllib.parse.quote(doi, safe='/()')}"
        try:
            data = self.client.get(url).json()
        except (HttpError, ValueError):
            return ""
        if isinstance(data, list) and data and isinstance(data[0], dict):
            if data[0].get("status") == "DOI does not exist":
                raise NotFound("DOI does not exist (doi.org)")
            return str(data[0].get("RA") or "").lower()
        return ""

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        doi = identifiers["doi"]
        agency = self.agency(doi)
        item: Item | None = None
        pdfs: list[PdfCandidate] = []
        source = ""
        errors: list[str] = []
        if agency in ("crossref", ""):
            try:
                message = crossref.fetch_work(self.client, self.settings.url("crossref"), doi)
                item, pdfs, source = crossref.item_from_csl(message), crossref.publisher_pdfs(message), "crossref"
                note_crossref_record(item, message)
            except SourceError as exc:
                errors.append(str(exc))
        if item is None and agency in ("datacite", ""):
            try:
                record = datacite.fetch_doi(self.client, self.settings.url("datacite"), doi)
                item, pdfs = datacite.item_from_datacite(record)
                source = "datacite"
            except SourceError as exc:
                errors.append(str(exc))
        if item is None:
            try:
                item, source = self.negotiate(doi), "doi.org"
            except SourceError as exc:
                errors.append(str(exc))
        if item is None:
            if errors and all("does not know" in e or "not found" in e.lower() for e in errors):
                raise NotFound("; ".join(errors))
            raise SourceError("; ".join(errors) or "no agency answered for this DOI")
        item.identifiers.setdefault("doi", doi)
        return SourceResult(source, item, pdfs, self.priority)

    def negotiate(self, doi: str) -> Item:
        """CSL-JSON from doi.org content negotiation (follows the 302 to the agency, Accept re-sent)."""
        url = f"{self.settings.url('doi')}/{urllib.parse.quote(doi, safe='/()')}"
        try:
            data = self.client.get(url, accept=CSL_JSON).json()
        except HttpError as exc:
            if exc.status == 404:
                raise NotFound("DOI not found at doi.org") from exc
            if exc.status == 406:
                raise SourceError("the DOI's agency offers no CSL-JSON (406)") from exc
            raise SourceError(f"doi.org lookup failed: {exc.reason}") from exc
        except ValueError as exc:
            raise SourceError("doi.org answered with something that is not CSL-JSON") from exc
        return crossref.item_from_csl(data)
