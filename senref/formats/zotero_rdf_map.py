"""Where each Zotero field lives in Zotero RDF, per item type (after Zotero's `Zotero RDF.js` and `RDF.js`).

A field is written on one node (the item, its container journal/book/website, its series, its section part,
its publisher organisation or its conference) under one predicate, chosen by the field's base field as
Zotero's exporter does (`thesisType` is `z:type`, `university` the publisher's `foaf:name`). A field with no
dedicated predicate is `z:<base field>`, which Zotero's importer maps back through the base field too.
"""

from __future__ import annotations

from functools import cache

from senref.core.schema import ITEM_FIELDS, base_field, fields_for, type_field

#: Item type -> RDF class of the item node (Zotero's list; others are plain rdf:Description).
ITEM_CLASSES: dict[str, str] = {
    "book": "bib:Book", "bookSection": "bib:BookSection", "journalArticle": "bib:Article",
    "magazineArticle": "bib:Article", "newspaperArticle": "bib:Article", "thesis": "bib:Thesis",
    "letter": "bib:Letter", "manuscript": "bib:Manuscript", "interview": "bib:Interview", "film": "bib:MotionPicture",
    "artwork": "bib:Illustration", "webpage": "bib:Document", "report": "bib:Report", "bill": "bib:Legislation",
    "case": "bib:Document", "hearing": "bib:Report", "patent": "bib:Patent", "statute": "bib:Legislation",
    "email": "bib:Letter", "map": "bib:Image", "blogPost": "bib:Document", "instantMessage": "bib:Letter",
    "forumPost": "bib:Document", "audioRecording": "bib:Recording", "presentation": "bib:ConferenceProceedings",
    "videoRecording": "bib:Recording", "tvBroadcast": "bib:Recording", "radioBroadcast": "bib:Recording",
    "podcast": "bib:Recording", "computerProgram": "bib:Data",
}
#: Item type -> class of its container node (the journal, book, website... it is part of).
CONTAINERS: dict[str, str] = {
    "bookSection": "bib:Book", "journalArticle": "bib:Journal", "magazineArticle": "bib:Periodical",
    "newspaperArticle": "bib:Newspaper", "webpage": "z:Website", "case": "bib:CourtReporter", "blogPost": "z:Blog",
    "forumPost": "z:Forum", "encyclopediaArticle": "bib:Book", "dictionaryEntry": "bib:Book",
    "conferencePaper": "bib:Journal",
}
#: Item type read from an item node's class when there is no z:itemType (RDF.js `detectType`; bibo alike).
CLASS_TYPES: dict[str, str] = {
    "book": "book", "thesis": "thesis", "letter": "letter", "manuscript": "manuscript", "interview": "interview",
    "report": "report", "patent": "patent", "booksection": "bookSection", "motionpicture": "film",
    "image": "artwork", "illustration": "artwork", "legislation": "statute", "recording": "audioRecording",
    "conferenceproceedings": "presentation", "data": "computerProgram", "document": "webpage",
    "article": "journalArticle", "academicarticle": "journalArticle", "chapter": "bookSection",
}
#: Container class -> item type of an article inside it (bib:Article in a bib:Periodical is a magazine article).
ARTICLE_CONTAINERS: dict[str, str] = {"Journal": "journalArticle", "Periodical": "magazineArticle",
                                      "Newspaper": "newspaperArticle", "CourtReporter": "case", "Website": "webpage",
                                      "Blog": "blogPost", "Forum": "forumPost"}

#: Creator type -> the property holding its rdf:Seq (others are `z:<creatorType>s`).
CREATOR_PROPS: dict[str, str] = {"author": "bib:authors", "editor": "bib:editors", "contributor": "bib:contributors"}

#: Nodes a field can live on.
ITEM, CONTAINER, SERIES, PART, PUBLISHER, CONFERENCE = "item", "container", "series", "part", "publisher", "conference"
#: Predicates with a special shape: the URL as a dcterms:URI node, the call number as a dcterms:LCC subject,
#: ISSN as a prefixed dc:identifier.
URL, CALL_NUMBER, ISSN = "dcterms:URI", "dcterms:LCC", "dc:identifier ISSN"

_ON_ITEM = {"title": "dc:title", "abstractNote": "dcterms:abstract", "date": "dc:date",
            "accessDate": "dcterms:dateSubmitted", "pages": "bib:pages", "rights": "dc:rights",
            "edition": "prism:edition", "versionNumber": "prism:edition", "archiveLocation": "dc:coverage",
            "url": URL, "callNumber": CALL_NUMBER}
_ON_CONTAINER = {"journalAbbreviation": "dcterms:alternative", "volume": "prism:volume", "issue": "prism:number",
                 "number": "prism:number", "ISSN": ISSN}
_ON_SERIES = {"series": "dc:title", "seriesTitle": "dcterms:alternative", "seriesText": "dc:description",
              "seriesNumber": "dc:identifier"}


def _slot(item_type: str, name: str) -> tuple[str, str]:
    base = base_field(name)
    shelf = CONTAINER if item_type in CONTAINERS else ITEM
    if base in _ON_ITEM:
        return ITEM, _ON_ITEM[base]
    if base in ("publicationTitle", "reporter"):
        return (CONTAINER, "dc:title") if shelf == CONTAINER else (ITEM, f"z:{base}")
    if base in _ON_CONTAINER:
        return shelf, _ON_CONTAINER[base]
    if base in _ON_SERIES:
        return SERIES, _ON_SERIES[base]
    if base == "section":
        return PART, "dc:title"
    if base == "publisher":
        return PUBLISHER, "foaf:name"
    if base == "place":
        return PUBLISHER, "vcard:locality"
    if base == "conferenceName":
        return CONFERENCE, "dc:title"
    return ITEM, f"z:{base}"


@cache
def slots(item_type: str) -> dict[str, tuple[str, str]]:
    """Field -> (node, predicate) for every field of *item_type* but Extra and the identifiers.

    Two fields of one type never share a slot: the later one (e.g. a standard's `versionNumber` beside its
    `edition`) is written as `z:<field>`.
    """
    out: dict[str, tuple[str, str]] = {}
    taken: set[tuple[str, str]] = set()
    for name in ITEM_FIELDS.get(item_type, ()):
        if name in ("extra", "DOI", "ISBN", "PMID", "PMCID"):
            continue
        slot = _slot(item_type, name)
        if slot in taken:
            slot = (ITEM, f"z:{name}")
        taken.add(slot)
        out[name] = slot
    return out


@cache
def fields_at(item_type: str) -> dict[tuple[str, str], str]:
    """(node, predicate) -> field of *item_type*: the reader's side of `slots`."""
    return {slot: name for name, slot in slots(item_type).items()}


def z_field(item_type: str, local: str) -> str:
    """The field of *item_type* a `z:<local>` property names (a field or base-field name), or ""."""
    valid = fields_for(item_type)
    if local in valid:
        return local
    return type_field(item_type, local) if local in {f for fs in ITEM_FIELDS.values() for f in fs} else ""
