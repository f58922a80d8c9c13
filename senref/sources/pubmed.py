"""PubMed E-utilities: esearch by DOI, efetch XML for PMID, PMCID, abstract and MeSH headings."""

from __future__ import annotations

from lxml import etree

from senref.core.model import AUTOMATIC, Creator, Item
from senref.sources.base import NotFound, Source, SourceError, SourceResult, squash
from senref.sources.fields import set_container
from senref.sources.http import HttpError

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"), start=1)}


def _parse(content: bytes, what: str) -> etree._Element:
    # DTD declarations are ignored, entities never resolved, nothing fetched.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"PubMed {what} is not well-formed XML ({exc})") from exc


def parse_esearch(content: bytes) -> list[str]:
    """PMIDs of an esearch answer (`eSearchResult/IdList/Id`)."""
    root = _parse(content, "esearch")
    error = root.findtext("ERROR")
    if error:
        raise SourceError(f"PubMed search failed: {squash(error)}")
    return [squash(e.text) for e in root.findall("IdList/Id") if e.text]


def _date(journal_issue: etree._Element | None) -> str:
    if journal_issue is None:
        return ""
    pub = journal_issue.find("PubDate")
    if pub is None:
        return ""
    year = pub.findtext("Year") or ""
    if not year:
        return squash(pub.findtext("MedlineDate"))[:4]
    month = (pub.findtext("Month") or "").strip()
    number = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 0)
    day = (pub.findtext("Day") or "").strip()
    if not number:
        return year
    return f"{year}-{number:02d}" + (f"-{int(day):02d}" if day.isdigit() else "")


def item_from_article(article: etree._Element) -> Item:
    """One `PubmedArticle` as an Item, MeSH headings as automatic tags."""
    item = Item(item_type="journalArticle")
    citation = article.find("MedlineCitation")
    art = citation.find("Article") if citation is not None else None
    if citation is None or art is None:
        raise SourceError("PubMed record has no article")
    title_el = art.find("ArticleTitle")
    title = squash("".join(title_el.itertext())) if title_el is not None else ""
    if title:
        item.fields["title"] = title.rstrip(".") if not title.endswith("..") else title
    journal = art.find("Journal")
    if journal is not None:
        set_container(item, squash(journal.findtext("Title")))
        abbreviation = squash(journal.findtext("ISOAbbreviation"))
        if abbreviation:
            item.fields["journalAbbreviation"] = abbreviation
        issn = squash(journal.findtext("ISSN"))
        if issn:
            item.fields["ISSN"] = issn
        issue = journal.find("JournalIssue")
        for name in ("Volume", "Issue"):
            value = squash(issue.findtext(name)) if issue is not None else ""
            if value:
                item.fields[name.lower()] = value
        date = _date(issue)
        if date:
            item.fields["date"] = date
    pages = squash(art.findtext("Pagination/MedlinePgn"))
    if pages:
        item.fields["pages"] = pages
    parts = []
    for text in art.findall("Abstract/AbstractText"):
        body = squash(" ".join(text.itertext()))
        label = text.get("Label")
        if body:
            parts.append(f"{label}: {body}" if label else body)
    if parts:
        item.fields["abstractNote"] = "\n\n".join(parts)
    language = squash(art.findtext("Language"))
    if language:
        item.fields["language"] = language
    for author in art.findall("AuthorList/Author"):
        collective = squash(author.findtext("CollectiveName"))
        last = squash(author.findtext("LastName"))
        if last:
            item.creators.append(Creator("author", squash(author.findtext("ForeName")), last))
        elif collective:
            item.creators.append(Creator("author", name=collective))
    for heading in citation.findall("MeshHeadingList/MeshHeading/DescriptorName"):
        if heading.text:
            item.add_tag(squash(heading.text), AUTOMATIC)
    pmid = citation.findtext("PMID")
    if pmid:
        item.set_identifier("pmid", pmid)
    # Only the article's own ids: the reference list below repeats ArticleIdList for cited works.
    for aid in article.findall("PubmedData/ArticleIdList/ArticleId"):
        kind, value = aid.get("IdType"), squash(aid.text)
        if kind == "doi" and value:
            item.set_identifier("doi", value)
        elif kind == "pmc" and value:
            item.set_identifier("pmcid", value)
    if "doi" not in item.identifiers:
        for eloc in art.findall("ELocationID"):
            if eloc.get("EIdType") == "doi" and eloc.text:
                item.set_identifier("doi", eloc.text)
    return item


def parse_efetch(content: bytes) -> list[Item]:
    root = _parse(content, "efetch")
    return [item_from_article(a) for a in root.findall("PubmedArticle")]


class PubMedSource(Source):
    """PMID/PMCID/DOI lookups; adds the abstract, MeSH headings and PMC id."""

    name = "pubmed"
    schemes = ("pmid", "doi")
    priority = 30

    def _params(self) -> dict[str, str]:
        # NCBI asks every client to name itself and give a contact address.
        params = {"tool": "senref"}
        if self.settings.email:
            params["email"] = self.settings.email
        return params

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        base = self.settings.url("pubmed")
        pmid = identifiers.get("pmid")
        try:
            if not pmid:
                term = f"{identifiers['doi']}[doi]"
                found = parse_esearch(self.client.get(f"{base}/esearch.fcgi", accept="application/xml",
                                                      params={"db": "pubmed", "term": term, **self._params()}).content)
                if len(found) != 1:
                    raise NotFound("PubMed has no record with this DOI")
                pmid = found[0]
            content = self.client.get(f"{base}/efetch.fcgi", accept="application/xml",
                                      params={"db": "pubmed", "id": pmid, "retmode": "xml", **self._params()}).content
        except HttpError as exc:
            raise SourceError(f"PubMed lookup failed: {exc.reason}") from exc
        items = parse_efetch(content)
        if not items:
            raise NotFound("PubMed has no record with this PMID")
        # No PMC link is built here: PMC has no configurable base URL, and Unpaywall lists PMC copies.
        return SourceResult(self.name, items[0], [], self.priority)
