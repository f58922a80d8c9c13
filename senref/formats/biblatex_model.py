"""Which BibTeX/BibLaTeX field carries which Zotero field, per item type and entry type.

One table drives both directions: export asks `bib_field(...)` for each Zotero field an item has, and import
inverts the same answers for the item type it has decided on (`import_fields`), so what one writes the other
reads back. A Zotero field with no BibLaTeX home is written under its own name in lower case (`runningtime`,
`programminglanguage`), which import recognises as that Zotero field; a bib field with no Zotero home is
kept in Extra as `tex.field: value`, as Better BibTeX does, and written back from there.
"""

from __future__ import annotations

from functools import cache

from senref.core.schema import ALL_FIELDS, ITEM_FIELDS, base_field, fields_for

#: Zotero fields written by dedicated code, never through the table
SPECIAL = frozenset({"extra", "citationKey", "date", "accessDate", "DOI", "ISBN", "PMID", "PMCID", "language",
                     "assignee"})
#: Zotero field -> biblatex field, whatever the type (checked before the base field)
_BIBLATEX_SPECIFIC: dict[str, str] = {
    "shortTitle": "shorttitle", "abstractNote": "abstract", "journalAbbreviation": "shortjournal",
    "conferenceName": "eventtitle", "meetingName": "eventtitle", "eventPlace": "venue",
    "numberOfVolumes": "volumes", "numPages": "pagetotal", "versionNumber": "version", "edition": "edition",
    "series": "series", "ISSN": "issn", "url": "url", "originalDate": "origdate", "priorityDate": "origdate",
    "originalPublisher": "origpublisher", "originalPlace": "origlocation", "libraryCatalog": "library",
    "partNumber": "part", "reporter": "journaltitle", "code": "journaltitle",
}
_BIBTEX_SPECIFIC: dict[str, str] = {
    "shortTitle": "shorttitle", "abstractNote": "abstract", "edition": "edition", "series": "series",
    "ISSN": "issn", "url": "url", "callNumber": "lccn", "rights": "copyright", "country": "nationality",
    "conferenceName": "eventtitle", "journalAbbreviation": "shortjournal", "numPages": "pagetotal",
    "numberOfVolumes": "volumes", "versionNumber": "version", "reporter": "journal", "code": "journal",
}
#: entry types whose container title is `booktitle` (BBT's list)
BOOKTITLE_ENTRIES = frozenset({"incollection", "inbook", "bookinbook", "suppbook", "suppcollection",
                               "inproceedings", "inreference", "movie", "video", "chapter"})
_BY_BASE_BIBLATEX: dict[str, str] = {"title": "title", "place": "location", "volume": "volume", "pages": "pages",
                                     "type": "type", "status": "pubstate", "originalDate": "origdate",
                                     "date": "date"}
_BY_BASE_BIBTEX: dict[str, str] = {"title": "title", "place": "address", "volume": "volume", "pages": "pages",
                                   "type": "type", "date": "date"}


def _number_home(item_type: str) -> bool:
    return any(base_field(f) == "number" for f in fields_for(item_type))


def bib_field(dialect: str, item_type: str, entry_type: str, name: str) -> str:
    """The field that carries Zotero field *name* of an *item_type* item written as `@entry_type`."""
    if name in SPECIAL or base_field(name) == "date":
        return ""
    fields = fields_for(item_type)
    latex = dialect == "biblatex"
    specific = (_BIBLATEX_SPECIFIC if latex else _BIBTEX_SPECIFIC).get(name)
    if specific:
        return specific
    if name == "seriesTitle" and "series" not in fields:
        return "series"
    if name == "issue":
        return "number" if not _number_home(item_type) and "seriesNumber" not in fields else "issue"
    if name == "seriesNumber":
        return "number" if not _number_home(item_type) else "seriesnumber"
    if name == "section" and item_type == "newspaperArticle" and latex:
        return "journalsubtitle"
    if name == "section" and not latex:
        return "chapter"
    base = base_field(name)
    if base == "publicationTitle":
        if entry_type in BOOKTITLE_ENTRIES:
            return "booktitle"
        if entry_type == "online":
            return "organization"
        return "journaltitle" if latex else "journal"
    if base == "publisher":
        if entry_type in ("report", "techreport", "thesis", "unpublished") or (not latex and item_type == "report"):
            return "institution"
        if not latex and item_type == "thesis":
            return "school"
        if entry_type in ("software", "misc") and latex:
            return "organization"
        if not latex and item_type == "computerProgram":
            return "howpublished"
        return "publisher"
    if base == "authority":
        return "organization" if item_type == "standard" else "institution"
    if base == "place" and item_type == "presentation" and latex:
        return "venue"
    if base == "number":
        return "number"
    home = (_BY_BASE_BIBLATEX if latex else _BY_BASE_BIBTEX).get(base)
    return home or name.lower()


#: bib field -> Zotero base fields it may fill on import when the type's own mapping has no use for it
ALIASES: dict[str, tuple[str, ...]] = {
    "journal": ("publicationTitle",), "journaltitle": ("publicationTitle",), "booktitle": ("publicationTitle",),
    "address": ("place",), "location": ("place",), "school": ("publisher",), "institution": ("publisher", "authority"),
    "organization": ("publisher", "authority", "publicationTitle"), "publisher": ("publisher",),
    "number": ("number", "issue", "seriesNumber"), "issue": ("issue", "number"), "eventtitle": ("conferenceName",
                                                                                             "meetingName"),
    "venue": ("eventPlace", "place"), "shortjournal": ("journalAbbreviation",),
    "journalabbreviation": ("journalAbbreviation",), "lccn": ("callNumber",), "callnumber": ("callNumber",),
    "copyright": ("rights",), "rights": ("rights",), "license": ("rights",), "nationality": ("country",),
    "chapter": ("section",), "pagetotal": ("numPages",), "numpages": ("numPages",), "volumes": ("numberOfVolumes",),
    "version": ("versionNumber",), "eid": ("number",), "edition": ("edition",), "series": ("series", "seriesTitle"),
    "library": ("libraryCatalog",), "pubstate": ("status",), "origdate": ("originalDate",),
    "origpublisher": ("originalPublisher",), "origlocation": ("originalPlace",), "shorttitle": ("shortTitle",),
    "abstract": ("abstractNote",), "type": ("type",), "part": ("partNumber",),
}
_LOWER_FIELDS = {f.lower(): f for f in ALL_FIELDS}


@cache
def import_fields(dialect: str, item_type: str, entry_type: str) -> dict[str, str]:
    """bib field -> Zotero field for an *item_type* item read from `@entry_type`: the export map inverted."""
    out: dict[str, str] = {}
    for name in ITEM_FIELDS.get(item_type, ()):
        bib = bib_field(dialect, item_type, entry_type, name)
        if bib:
            out.setdefault(bib, name)
    return out


def zotero_field_for(bib: str, item_type: str, entry_type: str, taken: set[str]) -> str:
    """The Zotero field a bib field fills: the type's own mapping (either dialect), an alias, or its own name."""
    for dialect in ("biblatex", "bibtex"):
        name = import_fields(dialect, item_type, entry_type).get(bib)
        if name and name not in taken:
            return name
    valid = fields_for(item_type)
    for base in ALIASES.get(bib, ()):
        for name in valid:
            if (name == base or base_field(name) == base) and name not in taken and name not in SPECIAL:
                return name
    own = _LOWER_FIELDS.get(bib)
    if own and own in valid and own not in taken and own not in SPECIAL:
        return own
    return ""


#: fields whose values are titles: rich text in Zotero, case-protected LaTeX in the file
TITLE_FIELDS = frozenset({"title", "shorttitle", "booktitle", "journaltitle", "journal", "maintitle", "subtitle",
                          "titleaddon", "mainsubtitle", "maintitleaddon", "booksubtitle", "booktitleaddon",
                          "journalsubtitle", "issuetitle", "issuesubtitle", "eventtitle", "origtitle", "series",
                          "indextitle", "reprinttitle"})
#: fields written and read verbatim (no LaTeX decoding)
VERBATIM = frozenset({"url", "doi", "file", "eprint", "pdf", "path", "isbn", "issn", "pmid", "pmcid", "hal_id",
                      "ids", "crossref", "xref", "xdata", "related", "entryset", "langid", "langidopts",
                      "entrysubtype", "relatedtype", "eprinttype", "eprintclass", "editortype",
                      "editoratype", "editorbtype", "editorctype", "nameatype", "namebtype", "namectype",
                      "archiveprefix", "primaryclass", "options", "sortkey", "presort", "sortyear", "gender",
                      "verba", "verbb", "verbc", "date", "urldate", "origdate", "eventdate"})
