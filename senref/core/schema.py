"""Zotero's item types, their fields and creator types (the subset senref edits and exchanges)."""

from __future__ import annotations

#: Fields every regular Zotero item type has, in Zotero's display order (after the type-specific ones).
_COMMON_TAIL = (
    "DOI", "citationKey", "url", "accessDate", "archive", "archiveLocation", "shortTitle",
    "language", "libraryCatalog", "callNumber", "rights", "extra",
)

#: itemType -> ordered fields (Zotero field names). `title`, `abstractNote` and `date` come first
#: because every type has them; type-specific fields follow, then the common tail.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "journalArticle": (
        "title", "abstractNote", "publicationTitle", "publisher", "place", "date", "volume", "issue",
        "section", "partNumber", "partTitle", "pages", "series", "seriesTitle", "seriesText",
        "journalAbbreviation", "PMID", "PMCID", "ISSN",
    ),
    "book": (
        "title", "abstractNote", "series", "seriesNumber", "volume", "numberOfVolumes", "edition",
        "date", "publisher", "place", "originalDate", "format", "numPages", "ISBN", "ISSN",
    ),
    "bookSection": (
        "title", "abstractNote", "bookTitle", "series", "seriesNumber", "volume", "numberOfVolumes",
        "edition", "date", "publisher", "place", "pages", "ISBN", "ISSN",
    ),
    "thesis": (
        "title", "abstractNote", "thesisType", "university", "place", "date", "series",
        "seriesNumber", "numPages", "ISBN", "ISSN",
    ),
    "report": (
        "title", "abstractNote", "reportNumber", "reportType", "institution", "place", "date",
        "seriesTitle", "seriesNumber", "pages", "ISBN", "ISSN",
    ),
    "preprint": (
        "title", "abstractNote", "genre", "repository", "archiveID", "place", "date", "series",
        "seriesNumber",
    ),
    "conferencePaper": (
        "title", "abstractNote", "proceedingsTitle", "conferenceName", "publisher", "place", "date",
        "eventPlace", "volume", "issue", "numberOfVolumes", "pages", "series", "seriesNumber", "ISBN",
        "ISSN",
    ),
    "manuscript": (
        "title", "abstractNote", "manuscriptType", "institution", "place", "date", "numPages", "number",
    ),
    "webpage": ("title", "abstractNote", "websiteTitle", "websiteType", "date", "publisher", "place"),
    "dataset": (
        "title", "abstractNote", "identifier", "type", "versionNumber", "date", "repository",
        "repositoryLocation", "format",
    ),
    "magazineArticle": (
        "title", "abstractNote", "publicationTitle", "publisher", "place", "date", "volume", "issue",
        "pages", "ISSN",
    ),
    "newspaperArticle": (
        "title", "abstractNote", "publicationTitle", "publisher", "place", "date", "volume", "issue",
        "edition", "section", "pages", "ISSN",
    ),
    "encyclopediaArticle": (
        "title", "abstractNote", "encyclopediaTitle", "series", "seriesNumber", "volume",
        "numberOfVolumes", "edition", "date", "publisher", "place", "pages", "ISBN",
    ),
    "document": ("title", "abstractNote", "type", "date", "publisher", "place"),
    "presentation": (
        "title", "abstractNote", "presentationType", "date", "meetingName", "place", "series",
        "sessionTitle",
    ),
    "computerProgram": (
        "title", "abstractNote", "seriesTitle", "versionNumber", "date", "system", "company", "place",
        "programmingLanguage", "ISBN",
    ),
    "patent": (
        "title", "abstractNote", "place", "country", "assignee", "issuingAuthority", "patentNumber",
        "filingDate", "pages", "applicationNumber", "priorityNumbers", "issueDate", "references",
        "legalStatus",
    ),
    "letter": ("title", "abstractNote", "letterType", "date", "eventPlace"),
    "standard": (
        "title", "abstractNote", "organization", "committee", "type", "number", "versionNumber",
        "edition", "status", "date", "publisher", "place", "numPages", "ISBN",
    ),
}
ITEM_FIELDS = {t: f + tuple(x for x in _COMMON_TAIL if x not in f) for t, f in ITEM_FIELDS.items()}

#: itemType -> creator types it accepts; the first one is the primary creator type.
CREATOR_TYPES: dict[str, tuple[str, ...]] = {
    "journalArticle": ("author", "contributor", "editor", "translator", "reviewedAuthor"),
    "book": ("author", "contributor", "editor", "translator", "seriesEditor"),
    "bookSection": ("author", "contributor", "editor", "bookAuthor", "translator", "seriesEditor"),
    "thesis": ("author", "contributor"),
    "report": ("author", "editor", "contributor", "translator", "seriesEditor"),
    "preprint": ("author", "contributor", "editor", "translator", "reviewedAuthor"),
    "conferencePaper": ("author", "contributor", "editor", "translator", "seriesEditor"),
    "manuscript": ("author", "contributor", "translator"),
    "webpage": ("author", "contributor", "translator"),
    "dataset": ("author", "contributor"),
    "magazineArticle": ("author", "contributor", "translator", "reviewedAuthor"),
    "newspaperArticle": ("author", "contributor", "translator", "reviewedAuthor"),
    "encyclopediaArticle": ("author", "contributor", "editor", "translator", "seriesEditor"),
    "document": ("author", "contributor", "editor", "translator", "reviewedAuthor"),
    "presentation": ("presenter", "chair", "organizer", "contributor", "translator"),
    "computerProgram": ("programmer", "contributor"),
    "patent": ("inventor", "attorneyAgent", "contributor"),
    "letter": ("author", "recipient", "contributor", "translator"),
    "standard": ("author", "editor", "contributor"),
}

ITEM_TYPES: tuple[str, ...] = tuple(ITEM_FIELDS)

#: Zotero's "base field" mapping: type-specific names that mean the publication / publisher / number.
BASE_FIELDS: dict[str, str] = {
    "bookTitle": "publicationTitle", "proceedingsTitle": "publicationTitle",
    "websiteTitle": "publicationTitle", "encyclopediaTitle": "publicationTitle",
    "university": "publisher", "institution": "publisher", "company": "publisher",
    "repository": "publisher", "organization": "publisher",
    "reportNumber": "number", "patentNumber": "number", "archiveID": "number",
    "thesisType": "type", "reportType": "type", "genre": "type", "websiteType": "type",
    "manuscriptType": "type", "presentationType": "type", "letterType": "type",
    "meetingName": "conferenceName",
    "issueDate": "date",
}

#: Identifier schemes senref treats as first-class (order = display order).
IDENTIFIER_SCHEMES: tuple[str, ...] = ("doi", "hal", "pmid", "pmcid", "arxiv", "isbn")

#: Identifier scheme -> Zotero field that carries it where the item type has that field.
IDENTIFIER_FIELDS: dict[str, str] = {"doi": "DOI", "isbn": "ISBN", "pmid": "PMID", "pmcid": "PMCID"}

#: Labels Zotero (and Better BibTeX) use for identifiers written as `Label: value` lines in Extra.
EXTRA_LABELS: dict[str, str] = {
    "doi": "DOI", "hal": "HAL", "pmid": "PMID", "pmcid": "PMCID", "arxiv": "arXiv", "isbn": "ISBN",
}


def fields_for(item_type: str) -> tuple[str, ...]:
    """Fields valid for *item_type*; unknown types get the journal-article list."""
    return ITEM_FIELDS.get(item_type, ITEM_FIELDS["journalArticle"])


def publication_field(item_type: str) -> str | None:
    """The field holding the container title for *item_type* (journal, book, proceedings...)."""
    for name in fields_for(item_type):
        if name == "publicationTitle" or BASE_FIELDS.get(name) == "publicationTitle":
            return name
    return None
