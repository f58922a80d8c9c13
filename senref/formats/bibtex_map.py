"""Zotero item <-> BibTeX/BibLaTeX entry mappings (types, fields, creators), after Zotero's own translators."""

from __future__ import annotations

import re

from senref.core.schema import type_field

#: entry type -> Zotero item type (both dialects; Zotero's bibtex2zoteroTypeMap plus BibLaTeX types)
ENTRY_TO_ZOTERO: dict[str, str] = {
    "article": "journalArticle", "book": "book", "booklet": "book", "manual": "book", "mvbook": "book",
    "collection": "book", "mvcollection": "book", "proceedings": "book", "mvproceedings": "book",
    "reference": "book", "inbook": "bookSection", "incollection": "bookSection", "bookinbook": "bookSection",
    "suppbook": "bookSection", "suppcollection": "bookSection", "inreference": "encyclopediaArticle",
    "inproceedings": "conferencePaper", "conference": "conferencePaper", "phdthesis": "thesis",
    "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report", "report": "report",
    "unpublished": "manuscript", "patent": "patent", "misc": "document", "online": "webpage",
    "electronic": "webpage", "www": "webpage", "software": "computerProgram", "dataset": "dataset",
    "periodical": "book", "standard": "standard", "letter": "letter", "movie": "document",
    "video": "document", "audio": "document", "artwork": "document", "preprint": "preprint",
}

BIBTEX_TYPES: dict[str, str] = {
    "journalArticle": "article", "magazineArticle": "article", "newspaperArticle": "article",
    "book": "book", "bookSection": "incollection", "thesis": "phdthesis", "report": "techreport",
    "conferencePaper": "inproceedings", "manuscript": "unpublished", "patent": "patent",
}
BIBLATEX_TYPES: dict[str, str] = {
    "journalArticle": "article", "magazineArticle": "article", "newspaperArticle": "article",
    "book": "book", "bookSection": "incollection", "thesis": "thesis", "report": "report",
    "conferencePaper": "inproceedings", "manuscript": "unpublished", "patent": "patent",
    "webpage": "online", "computerProgram": "software", "dataset": "dataset", "preprint": "online",
    "encyclopediaArticle": "inreference", "standard": "standard", "letter": "letter",
}

#: creator field -> Zotero creator type
NAME_FIELDS: dict[str, str] = {
    "author": "author", "editor": "editor", "translator": "translator", "bookauthor": "bookAuthor",
    "collaborator": "contributor", "editora": "editor", "commentator": "contributor",
}
CREATOR_TO_FIELD: dict[str, str] = {
    "author": "author", "editor": "editor", "translator": "translator", "bookAuthor": "bookauthor",
    "contributor": "collaborator", "seriesEditor": "editor", "inventor": "author", "programmer": "author",
    "presenter": "author",
}

#: simple one-to-one fields (BibTeX name -> Zotero base name); type-specific ones are resolved below
SIMPLE_FIELDS: dict[str, str] = {
    "title": "title", "shorttitle": "shortTitle", "abstract": "abstractNote", "volume": "volume",
    "edition": "edition", "series": "series", "pages": "pages", "url": "url", "urldate": "accessDate",
    "language": "language", "langid": "language", "copyright": "rights", "rights": "rights",
    "issn": "ISSN", "shortjournal": "journalAbbreviation", "journalabbreviation": "journalAbbreviation",
    "lccn": "callNumber", "callnumber": "callNumber", "pagetotal": "numPages", "volumes": "numberOfVolumes",
    "eventtitle": "conferenceName", "version": "versionNumber", "archive": "archive",
    "archivelocation": "archiveLocation", "library": "libraryCatalog", "subtitle": "",
}


def zotero_field(item_type: str, base: str) -> str:
    """Type-specific Zotero field for a base field (publicationTitle -> bookTitle for bookSection...)."""
    return type_field(item_type, base)


def clean_pages(value: str) -> str:
    return re.sub(r"\s*(--|‒|–|—)\s*", "–", value.strip())
