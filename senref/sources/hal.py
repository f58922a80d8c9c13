"""HAL, the French national open archive: search API (JSON) for metadata and files, TEI as a fallback.

Never the HTML pages: the search API with an explicit `fl` list carries everything, including the
main PDF (`fileMain_s`). A DOI lookup asks `doiId_s`, so a DOI record learns its HAL deposit.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from senref.core import identifiers as ids
from senref.core.model import Creator, Item
from senref.core.tag_sources import HAL_KEYWORDS, add_source_tag
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult, squash
from senref.sources.fields import set_container
from senref.sources.http import HttpError
from senref.sources.netguard import is_web_link

#: The fields we read; HAL returns only docid and label_s without an explicit list.
FIELDS = (
    "halId_s", "version_i", "docType_s", "title_s", "en_title_s", "subTitle_s", "abstract_s", "en_abstract_s",
    "authFullName_s", "authFirstName_s", "authLastName_s", "doiId_s", "arxivId_s", "pubmedId_s",
    "journalTitle_s", "journalPublisher_s", "journalIssn_s", "volume_s", "issue_s", "page_s",
    "producedDate_s", "publicationDate_s", "uri_s", "fileMain_s", "files_s", "keyword_s", "language_s",
    "bookTitle_s", "conferenceTitle_s", "isbn_s", "openAccess_bool",
)
#: HAL document types -> Zotero item types.
DOC_TYPES = {
    "ART": "journalArticle", "COMM": "conferencePaper", "POSTER": "presentation", "OUV": "book",
    "COUV": "bookSection", "DOUV": "book", "THESE": "thesis", "HDR": "thesis", "MEM": "thesis",
    "REPORT": "report", "UNDEFINED": "preprint", "PREPRINT": "preprint", "SOFTWARE": "computerProgram",
    "PATENT": "patent", "LECTURE": "presentation", "OTHER": "document", "ISSUE": "journalArticle",
}
TEI = "{http://www.tei-c.org/ns/1.0}"
_SOLR_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def solr_quote(value: str) -> str:
    """A Solr phrase for *value* (DOIs contain `/`, `(` and `:`).

    >>> solr_quote('10.1016/S0022-3999(01)00297-8')
    '"10.1016/S0022-3999(01)00297-8"'
    """
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]).strip() if value else ""
    return str(value).strip() if value is not None else ""


def parse_search(data: Any) -> list[dict[str, Any]]:
    """The docs of a search response (`{"response": {"numFound": n, "docs": [...]}}`)."""
    if not isinstance(data, dict) or not isinstance(data.get("response"), dict):
        raise SourceError("HAL answered something that is not a search response")
    docs = data["response"].get("docs") or []
    return [d for d in docs if isinstance(d, dict)]


def creators_from_doc(doc: dict[str, Any]) -> list[Creator]:
    """Authors in order, split into first/last from the parallel arrays when HAL has them."""
    full = [str(x) for x in doc.get("authFullName_s") or []]
    firsts = [str(x) for x in doc.get("authFirstName_s") or []]
    lasts = [str(x) for x in doc.get("authLastName_s") or []]
    creators: list[Creator] = []
    if lasts and len(lasts) == len(firsts) and (not full or len(full) == len(lasts)):
        for first, last in zip(firsts, lasts, strict=True):
            creators.append(Creator("author", first.strip(), last.strip()))
        return creators
    for name in full:
        first, _, last = name.strip().rpartition(" ")
        creators.append(Creator("author", first, last) if last else Creator("author", name=name.strip()))
    return creators


def item_from_doc(doc: dict[str, Any]) -> Item:
    """One HAL search document as an Item (HAL-only knowledge; merging happens later)."""
    item = Item(item_type=DOC_TYPES.get(_first(doc.get("docType_s")), "document"))
    fields = item.fields
    fields["title"] = squash(_first(doc.get("title_s")) or _first(doc.get("en_title_s")))
    subtitle = squash(_first(doc.get("subTitle_s")))
    if subtitle and fields["title"] and subtitle.lower() not in fields["title"].lower():
        fields["title"] = f"{fields['title']}: {subtitle}"
    abstract = _first(doc.get("en_abstract_s")) or _first(doc.get("abstract_s"))
    if abstract:
        fields["abstractNote"] = abstract.strip()
    publication = _first(doc.get("journalTitle_s")) or _first(doc.get("bookTitle_s")) \
        or _first(doc.get("conferenceTitle_s"))
    set_container(item, publication)
    for name, key in (("volume", "volume_s"), ("issue", "issue_s"), ("pages", "page_s"), ("url", "uri_s"),
                      ("publisher", "journalPublisher_s"), ("ISSN", "journalIssn_s")):
        value = _first(doc.get(key))
        if value:
            fields[name] = _clean_pages(value) if name == "pages" else value
    date = _first(doc.get("publicationDate_s")) or _first(doc.get("producedDate_s"))
    if date:
        fields["date"] = date
    language = _first(doc.get("language_s"))
    if language:
        fields["language"] = language
    item.creators = creators_from_doc(doc)
    hal_id = _first(doc.get("halId_s"))
    if hal_id:
        item.set_identifier("hal", hal_id)
        version = doc.get("version_i")
        if isinstance(version, int):
            item.hal_version = version
    for scheme, key in (("doi", "doiId_s"), ("arxiv", "arxivId_s"), ("pmid", "pubmedId_s"), ("isbn", "isbn_s")):
        value = _first(doc.get(key))
        if value:
            item.set_identifier(scheme, value)
    for keyword in doc.get("keyword_s") or []:
        add_source_tag(item, str(keyword), HAL_KEYWORDS)
    return item


def _clean_pages(value: str) -> str:
    """HAL writes pages as free text ("601-619", "38 - 47", "343--364", "pp 37-45").

    >>> _clean_pages("pp 37 - 45")
    '37-45'
    """
    text = re.sub(r"^p{1,2}\.?\s*", "", value.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s*-+\s*", "-", text)


def pdfs_from_doc(doc: dict[str, Any]) -> list[PdfCandidate]:
    """`fileMain_s` first, then the direct file links; a metadata-only record has neither."""
    files = doc.get("files_s")
    urls = [_first(doc.get("fileMain_s"))] + [str(u) for u in (files if isinstance(files, list) else [])]
    seen: list[str] = []
    for url in urls:
        # A record is someone else's data: only http(s) links become candidates (the client checks the rest).
        if is_web_link(url) and url not in seen:
            seen.append(url)
    return [PdfCandidate(url, "hal", "hal", "HAL deposit") for url in seen]


def parse_tei(content: bytes) -> tuple[Item, list[PdfCandidate]]:
    """A HAL TEI export (`<halId>/tei`) as an Item and its file links."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"HAL TEI is not well-formed XML ({exc})") from exc
    bibl = root.find(f".//{TEI}biblFull")
    if bibl is None:
        raise SourceError("HAL TEI has no biblFull record")
    item = Item()
    code = bibl.find(f".//{TEI}classCode[@scheme='halTypology']")
    item.item_type = DOC_TYPES.get(code.get("n", "") if code is not None else "", "document")
    titles = bibl.findall(f"{TEI}titleStmt/{TEI}title")
    if titles:
        item.fields["title"] = squash("".join(titles[0].itertext()))
    for author in bibl.findall(f"{TEI}titleStmt/{TEI}author[@role='aut']"):
        first = squash(" ".join(author.xpath("t:persName/t:forename/text()", namespaces={"t": TEI[1:-1]})))
        last = squash(" ".join(author.xpath("t:persName/t:surname/text()", namespaces={"t": TEI[1:-1]})))
        if first or last:
            item.creators.append(Creator("author", first, last))
    for idno in bibl.iter(f"{TEI}idno"):
        kind, text = idno.get("type", ""), (idno.text or "").strip()
        if kind == "halId":
            item.set_identifier("hal", text)
        elif kind == "doi":
            item.set_identifier("doi", text)
        elif kind == "halUri":
            item.fields.setdefault("url", text)
        elif kind == "arxiv":
            item.set_identifier("arxiv", text)
        elif kind == "pubmed":
            item.set_identifier("pmid", text)
    monogr = bibl.find(f".//{TEI}sourceDesc/{TEI}biblStruct/{TEI}monogr")
    if monogr is not None:
        journal = monogr.find(f"{TEI}title[@level='j']")
        if journal is not None and journal.text:
            set_container(item, squash(journal.text))
        for scope in monogr.iter(f"{TEI}biblScope"):
            unit = {"volume": "volume", "issue": "issue", "pp": "pages"}.get(scope.get("unit", ""))
            if unit and scope.text:
                item.fields[unit] = _clean_pages(scope.text) if unit == "pages" else scope.text.strip()
        date = monogr.find(f".//{TEI}date[@type='datePub']")
        if date is not None and date.text:
            item.fields["date"] = date.text.strip()
    abstract = bibl.find(f".//{TEI}profileDesc/{TEI}abstract")
    if abstract is not None:
        item.fields["abstractNote"] = squash(" ".join(abstract.itertext()))
    files = [ref.get("target", "") for ref in bibl.iter(f"{TEI}ref") if ref.get("type") == "file"]
    return item, [PdfCandidate(url, "hal", "hal", "HAL deposit (TEI)") for url in dict.fromkeys(files)
                  if is_web_link(url)]


class HalSource(Source):
    """Looks up HAL ids, and DOIs through `doiId_s`."""

    name = "hal"
    schemes = ("hal", "doi")
    priority = 20

    def search(self, query: str) -> list[dict[str, Any]]:
        try:
            response = self.client.get(f"{self.settings.url('hal_api')}/search/",
                                       params={"q": query, "fl": ",".join(FIELDS), "wt": "json", "rows": "10"})
        except HttpError as exc:
            raise SourceError(f"HAL search failed: {exc.reason}") from exc
        try:
            return parse_search(response.json())
        except ValueError as exc:
            raise SourceError("HAL answered with something that is not JSON") from exc

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        doc: dict[str, Any] | None = None
        if "hal" in identifiers:
            docs = self.search(f"halId_s:{identifiers['hal']}")
            doc = next((d for d in docs if _first(d.get("halId_s")).lower() == identifiers["hal"]), None)
        if doc is None and "doi" in identifiers:
            docs = self.search(f"doiId_s:{solr_quote(identifiers['doi'])}")
            # HAL's DOI field is case-preserving and matched loosely: keep only the exact normalised DOI.
            doc = next((d for d in docs if ids.same_identifier("doi", ids.normalize_doi(_first(d.get("doiId_s"))),
                                                          identifiers["doi"])), None)
        if doc is None:
            raise NotFound("no HAL record")
        item = item_from_doc(doc)
        pdfs = pdfs_from_doc(doc)
        if not item.creators and item.identifiers.get("hal"):
            # Some records carry only the formatted label: the TEI export has the authors.
            item, pdfs = self._merge_tei(item, pdfs)
        return SourceResult(self.name, item, pdfs, self.priority)

    def _merge_tei(self, item: Item, pdfs: list[PdfCandidate]) -> tuple[Item, list[PdfCandidate]]:
        try:
            response = self.client.get(f"{self.settings.url('hal')}/{item.identifiers['hal']}/tei",
                                       accept="application/xml")
            tei_item, tei_pdfs = parse_tei(response.content)
        except (HttpError, SourceError):
            return item, pdfs
        item.creators = tei_item.creators
        for name, value in tei_item.fields.items():
            item.fields.setdefault(name, value)
        return item, pdfs or tei_pdfs
