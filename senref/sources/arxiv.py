"""arXiv API (`/query?id_list=…`, Atom 1.0 parsed with lxml)."""

from __future__ import annotations

import re

from lxml import etree

from senref.core.model import Creator, Item
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult, squash
from senref.sources.http import HttpError
from senref.sources.netguard import is_web_link

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ID = re.compile(r"arxiv\.org/abs/(.+?)(?:v(\d+))?$")


def parse_feed(content: bytes) -> list[tuple[Item, list[PdfCandidate]]]:
    """Entries of an arXiv Atom feed; the API's error entry (title "Error") raises SourceError."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"arXiv answered with malformed XML ({exc})") from exc
    out: list[tuple[Item, list[PdfCandidate]]] = []
    for entry in root.findall(f"{ATOM}entry"):
        entry_id = squash(entry.findtext(f"{ATOM}id"))
        if squash(entry.findtext(f"{ATOM}title")) == "Error" and "/api/errors" in entry_id:
            raise SourceError(f"arXiv: {squash(entry.findtext(f'{ATOM}summary'))}")
        item = Item(item_type="preprint")
        item.fields["title"] = squash(entry.findtext(f"{ATOM}title"))
        summary = squash(entry.findtext(f"{ATOM}summary"))
        if summary:
            item.fields["abstractNote"] = summary
        published = squash(entry.findtext(f"{ATOM}published"))
        if published:
            item.fields["date"] = published[:10]
        item.fields["repository"] = "arXiv"
        for author in entry.findall(f"{ATOM}author"):
            name = squash(author.findtext(f"{ATOM}name"))
            first, _, last = name.rpartition(" ")
            if name:
                item.creators.append(Creator("author", first, last) if first else Creator("author", name=name))
        match = _ID.search(entry_id)
        if match:
            item.set_identifier("arxiv", match.group(1))
            item.fields["url"] = f"https://arxiv.org/abs/{match.group(1)}"
            item.fields["archiveID"] = f"arXiv:{match.group(1)}"
        doi = entry.findtext(f"{ARXIV}doi")
        if doi:
            item.set_identifier("doi", doi)
        journal_ref = squash(entry.findtext(f"{ARXIV}journal_ref"))
        if journal_ref:
            item.fields["extra"] = f"Journal reference: {journal_ref}"
        pdfs = [PdfCandidate(str(link.get("href")), "arxiv", "arxiv", "arXiv preprint")
                for link in entry.findall(f"{ATOM}link") if link.get("title") == "pdf" and is_web_link(link.get("href"))]
        out.append((item, pdfs))
    return out


class ArxivSource(Source):
    """arXiv ids (new and old style)."""

    name = "arxiv"
    schemes = ("arxiv",)
    priority = 10

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        try:
            response = self.client.get(f"{self.settings.url('arxiv')}/query", accept="application/atom+xml",
                                       params={"id_list": identifiers["arxiv"], "max_results": "1"})
            content = response.content
        except HttpError as exc:
            if exc.status == 400 and exc.body:
                parse_feed(exc.body)  # raises the API's own reason ("incorrect id format for …")
            raise SourceError(f"arXiv lookup failed: {exc.reason}") from exc
        entries = parse_feed(content)
        if not entries:
            raise NotFound("arXiv has no such id")
        item, pdfs = entries[0]
        return SourceResult(self.name, item, pdfs, self.priority)
