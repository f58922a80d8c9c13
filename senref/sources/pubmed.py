"""PubMed E-utilities: esearch by DOI, efetch XML (articles and Bookshelf books) mapped after Zotero's PubMed XML."""

from __future__ import annotations

import re

from lxml import etree

from senref.core.model import Creator, Item
from senref.core.schema import fields_for
from senref.core.tag_sources import MESH, PUBMED_KEYWORDS, add_source_tag
from senref.sources.base import NotFound, Source, SourceError, SourceResult, squash
from senref.sources.fields import set_container
from senref.sources.http import HttpError

#: the two kinds of efetch record: journal articles and NCBI Bookshelf books/chapters
ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")
_RANGE = re.compile(r"\b([A-Za-z]?)(\d+)-([A-Za-z]?)(\d+)\b")
_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of",
                          "on", "or", "over", "per", "the", "to", "up", "via", "with"})
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


def expand_pages(text: str) -> str:
    """PubMed's abbreviated end pages written in full: "132-42" -> "132-142", "e332-40" -> "e332-e340".

    Ranges whose ends are not plain or letter-prefixed numbers (roman numerals, "xii-xiv") stay as given.

    >>> expand_pages("1285-98"), expand_pages("S12-5"), expand_pages("e332-e340"), expand_pages("xii-xiv")
    ('1285-1298', 'S12-S15', 'e332-e340', 'xii-xiv')
    """
    def full(match: re.Match[str]) -> str:
        prefix, start, end_prefix, end = match.groups()
        if end_prefix and end_prefix != prefix:
            return match.group(0)
        if len(end) < len(start):
            end = start[:len(start) - len(end)] + end
        return f"{prefix}{start}-{prefix}{end}"

    return _RANGE.sub(full, text)


def _date(pub: etree._Element | None) -> str:
    """PubDate as Zotero reads it: ISO when Year/Month/Day are given, MedlineDate ("2010 Sep-Oct") as written."""
    if pub is None:
        return ""
    year = squash(pub.findtext("Year"))
    if not year:
        return squash(pub.findtext("MedlineDate"))
    month = squash(pub.findtext("Month"))
    number = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 0)
    day = squash(pub.findtext("Day"))
    season = squash(pub.findtext("Season"))
    if not number:
        return f"{season} {year}" if season else year
    return f"{year}-{number:02d}" + (f"-{int(day):02d}" if day.isdigit() else "")


def _text(element: etree._Element | None) -> str:
    return squash("".join(element.itertext())) if element is not None else ""


def _title(text: str) -> str:
    """ArticleTitle without its final period; a translated title "[Title in brackets]." unbracketed."""
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].strip()
    return text


def _fore_name(text: str) -> str:
    """"Peter O" -> "Peter O.": single initials get their period, as Zotero's cleanAuthor does."""
    def dotted(word: str) -> str:
        parts = word.split("-")  # "J-P" -> "J.-P."
        if all(len(p) == 1 and p.isupper() for p in parts):
            return "-".join(f"{p}." for p in parts)
        return word

    return " ".join(dotted(w) for w in text.split())


def _uncap(name: str) -> str:
    """"SMITH" -> "Smith" (Zotero title-cases names given in capitals); initials stay as they are."""
    if name != name.upper() or not any(len(w) > 2 for w in re.findall(r"[^\W\d_]+", name)):
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0) if len(m.group(0)) == 1 else m.group(0).capitalize(), name)


def journal_title(title: str) -> str:
    """Zotero title-cases PubMed's sentence-case journal names ("Nature chemical biology" -> "Nature Chemical
    Biology"), leaving titles with acronyms and mixed-case words ("bioRxiv") alone where it matters."""
    if re.search(r"\b[A-Z]{2}", title) and (title.upper() != title or " " not in title):
        return title
    words = title.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        lower = word.lower()
        after_colon = bool(out) and out[-1].endswith(":")
        if re.search(r"[a-z][A-Z]", word):
            out.append(word)  # "bioRxiv", "eLife": a mixed-case name is kept as written
        elif 0 < index < len(words) - 1 and lower in _SMALL_WORDS and not after_colon:
            out.append(lower)
        else:
            out.append(word[:1].upper() + word[1:].lower() if word.isupper() else word[:1].upper() + word[1:])
    return " ".join(out)


def _creators(item: Item, lists: list[etree._Element]) -> None:
    for author_list in lists:
        role = "editor" if author_list.get("Type") == "editors" else "author"
        for author in author_list.findall("Author"):
            last = _uncap(squash(author.findtext("LastName")))
            first = squash(author.findtext("FirstName")) or squash(author.findtext("ForeName"))
            first = _uncap(_fore_name(first))
            suffix = squash(author.findtext("Suffix"))
            if suffix and first:
                first = f"{first}, {suffix}"
            collective = squash(author.findtext("CollectiveName"))
            if last or first:
                item.creators.append(Creator(role, first, last) if last else Creator(role, name=first))
            elif collective:
                item.creators.append(Creator(role, name=collective))


def _abstract(parent: etree._Element) -> tuple[str, str]:
    """(abstract, copyright): labelled sections as "LABEL: text" paragraphs."""
    parts = []
    for text in parent.findall("Abstract/AbstractText"):
        body = _text(text)
        label = text.get("Label") or ""
        if body:
            parts.append(f"{label}: {body}" if label and label != "UNLABELLED" else body)
    return "\n\n".join(parts), squash(parent.findtext("Abstract/CopyrightInformation"))


def _put(item: Item, name: str, value: str) -> None:
    """Set *name* if the type has it; otherwise keep it as an Extra line (senref's rule for homeless fields)."""
    if not value:
        return
    if name in fields_for(item.item_type):
        item.fields[name] = value
    else:
        line = f"{name}: {value}"
        item.fields["extra"] = f"{item.fields['extra']}\n{line}" if item.fields.get("extra") else line


def _ids(item: Item, id_list: list[etree._Element]) -> None:
    for aid in id_list:
        kind, value = aid.get("IdType"), squash(aid.text)
        if value and kind in ("doi", "pmc"):
            item.set_identifier("doi" if kind == "doi" else "pmcid", value)


def _tags(item: Item, citation: etree._Element) -> None:
    # Zotero saves every tag a translator gives as automatic: MeSH headings and the author keywords alike.
    for heading in citation.findall("MeshHeadingList/MeshHeading/DescriptorName"):
        add_source_tag(item, _text(heading), MESH)
    for keyword in citation.findall("KeywordList/Keyword"):
        add_source_tag(item, _text(keyword), PUBMED_KEYWORDS)


def item_from_article(article: etree._Element) -> Item:
    """One `PubmedArticle` (or `PubmedBookArticle`) as an Item, after Zotero's "PubMed XML" translator."""
    if article.tag == "PubmedBookArticle":
        return item_from_book(article)
    citation = article.find("MedlineCitation")
    art = citation.find("Article") if citation is not None else None
    if citation is None or art is None:
        raise SourceError("PubMed record has no article")
    types = {squash(t.text).lower() for t in art.findall("PublicationTypeList/PublicationType")}
    item = Item(item_type="preprint" if "preprint" in types else "journalArticle")
    title = _title(_text(art.find("ArticleTitle"))) or _title(_text(art.find("VernacularTitle")))
    if title:
        item.fields["title"] = title
    pages = expand_pages(squash(art.findtext("Pagination/MedlinePgn")))
    pii = next((squash(e.text) for e in art.findall("ELocationID") if e.get("EIdType") == "pii" and e.text), "")
    # Without pages, the publisher's item id stands in (Zotero); a preprint server's id is the preprint's own.
    _put(item, "archiveID" if item.item_type == "preprint" else "pages", pages or pii)
    journal = art.find("Journal")
    if journal is not None:
        _put(item, "ISSN", squash(journal.findtext("ISSN")))
        abbreviation = squash(journal.findtext("ISOAbbreviation")) or squash(citation.findtext("MedlineJournalInfo/MedlineTA"))
        name = journal_title(squash(journal.findtext("Title"))) or abbreviation
        if item.item_type != "preprint" or abbreviation != name:  # bioRxiv abbreviated is bioRxiv
            _put(item, "journalAbbreviation", abbreviation)
        if name:
            set_container(item, name)
        issue = journal.find("JournalIssue")
        if issue is not None:
            _put(item, "volume", squash(issue.findtext("Volume")))
            _put(item, "issue", squash(issue.findtext("Issue")))
            _put(item, "date", _date(issue.find("PubDate")))
    _creators(item, art.findall("AuthorList"))
    _put(item, "language", squash(art.findtext("Language")))
    _tags(item, citation)
    abstract, rights = _abstract(art)
    _put(item, "abstractNote", abstract)
    _put(item, "rights", rights)
    pmid = citation.findtext("PMID")
    if pmid:
        item.set_identifier("pmid", pmid)
    # Only the article's own ids: the reference list below repeats ArticleIdList for cited works.
    _ids(item, article.findall("PubmedData/ArticleIdList/ArticleId"))
    if "doi" not in item.identifiers:
        for eloc in art.findall("ELocationID"):
            if eloc.get("EIdType") == "doi" and eloc.text:
                item.set_identifier("doi", eloc.text)
    return item


def item_from_book(article: etree._Element) -> Item:
    """A `PubmedBookArticle` (NCBI Bookshelf): a book, or a book section when it has its own ArticleTitle."""
    doc = article.find("BookDocument")
    book = doc.find("Book") if doc is not None else None
    if doc is None or book is None:
        raise SourceError("PubMed book record has no book")
    section = _title(_text(doc.find("ArticleTitle")))
    item = Item(item_type="bookSection" if section else "book")
    book_title = _title(_text(book.find("BookTitle")))
    if section:
        item.fields["title"] = section
        _put(item, "bookTitle", book_title)
    elif book_title:
        item.fields["title"] = book_title
    _put(item, "date", _date(book.find("PubDate")))
    for name, path in (("edition", "Edition"), ("series", "CollectionTitle"), ("volume", "Volume"),
                       ("place", "Publisher/PublisherLocation"), ("publisher", "Publisher/PublisherName")):
        _put(item, name, _text(book.find(path)))
    if section:
        _creators(item, doc.findall("AuthorList"))
    _creators(item, book.findall("AuthorList"))
    _put(item, "language", squash(doc.findtext("Language")))
    abstract, rights = _abstract(doc)
    _put(item, "abstractNote", abstract)
    _put(item, "rights", rights)
    for isbn in book.findall("Isbn"):
        if item.set_identifier("isbn", squash(isbn.text)):
            break
    pmid = squash(doc.findtext("PMID"))
    if pmid:
        item.set_identifier("pmid", pmid)
    _ids(item, doc.findall("ArticleIdList/ArticleId"))
    accession = next((squash(a.text) for a in doc.findall("ArticleIdList/ArticleId")
                      if a.get("IdType") == "bookaccession" and a.text), "")
    if accession:
        item.fields["callNumber"] = accession
        if pmid:  # books with a PMID are hosted on NCBI Bookshelf
            item.fields["url"] = f"https://www.ncbi.nlm.nih.gov/books/{accession}/"
    return item


def parse_efetch(content: bytes) -> list[Item]:
    root = _parse(content, "efetch")
    return [item_from_article(a) for a in root if a.tag in ARTICLE_TAGS]


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
