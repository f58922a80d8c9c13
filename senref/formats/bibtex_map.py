"""Zotero item types <-> BibTeX/BibLaTeX entry types, and creator types <-> name-list fields.

After Better BibTeX's maps (`translators/bibtex/biblatex.ts`, `bibtex.ts`): the BibLaTeX side uses the legal,
software, media and mv* types; plain BibTeX has a dozen types, so most items become `@misc`. Where the entry
type alone does not say which Zotero type an item had, `entrysubtype` says it: BBT's `magazine`,
`newspaper`, `film`, `tvbroadcast`, or the Zotero type's own name (`email`, `podcast`...).
"""

from __future__ import annotations

import re

from senref.core.schema import CREATOR_TYPES, ITEM_TYPES, type_field

#: entry type -> Zotero item type on import (both dialects, BBT's import map, Mendeley's made-up types)
ENTRY_TO_ZOTERO: dict[str, str] = {
    "article": "journalArticle", "book": "book", "mvbook": "book", "bookinbook": "bookSection",
    "booklet": "book", "collection": "book", "mvcollection": "book", "proceedings": "book",
    "mvproceedings": "book", "reference": "book", "mvreference": "book", "periodical": "book",
    "inbook": "bookSection", "incollection": "bookSection", "suppbook": "bookSection",
    "suppcollection": "bookSection", "suppperiodical": "journalArticle", "inreference": "encyclopediaArticle",
    "inproceedings": "conferencePaper", "conference": "conferencePaper", "phdthesis": "thesis",
    "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report", "report": "report",
    "manual": "report", "unpublished": "manuscript", "patent": "patent", "misc": "document",
    "online": "webpage", "electronic": "webpage", "www": "webpage", "webpage": "webpage", "web_page": "webpage",
    "software": "computerProgram", "softwaremodule": "computerProgram", "softwareversion": "computerProgram",
    "codefragment": "computerProgram", "dataset": "dataset", "standard": "standard", "letter": "letter",
    "movie": "film", "video": "videoRecording", "audio": "audioRecording", "music": "audioRecording",
    "artwork": "artwork", "image": "artwork", "performance": "presentation", "review": "journalArticle",
    "jurisdiction": "case", "legislation": "statute", "legal": "statute", "preprint": "preprint",
    "talk": "presentation", "book_section": "bookSection", "generic": "journalArticle",
    "magazine_article": "magazineArticle", "newspaper_article": "newspaperArticle", "film": "film",
}
# An entry type that is a Zotero type's own name (@podcast, @email...) is that type.
for _zotero_type in ITEM_TYPES:
    ENTRY_TO_ZOTERO.setdefault(_zotero_type.lower(), _zotero_type)

#: Zotero item type -> (entry type, entrysubtype) for BibLaTeX (BBT's typeMap.zotero)
BIBLATEX_TYPES: dict[str, tuple[str, str]] = {
    "artwork": ("artwork", ""), "audioRecording": ("audio", ""), "bill": ("legislation", "bill"),
    "blogPost": ("online", "blogPost"), "book": ("book", ""), "bookSection": ("incollection", ""),
    "case": ("jurisdiction", ""), "computerProgram": ("software", ""), "conferencePaper": ("inproceedings", ""),
    "dictionaryEntry": ("inreference", "dictionaryEntry"), "dataset": ("dataset", ""), "document": ("misc", ""),
    "email": ("letter", "email"), "encyclopediaArticle": ("inreference", ""), "film": ("video", "film"),
    "forumPost": ("online", "forumPost"), "hearing": ("jurisdiction", "hearing"),
    "instantMessage": ("misc", "instantMessage"), "interview": ("misc", "interview"),
    "journalArticle": ("article", ""), "letter": ("letter", ""), "magazineArticle": ("article", "magazine"),
    "manuscript": ("unpublished", ""), "map": ("misc", "map"), "newspaperArticle": ("article", "newspaper"),
    "patent": ("patent", ""), "podcast": ("audio", "podcast"), "preprint": ("online", ""),
    "presentation": ("unpublished", "presentation"), "radioBroadcast": ("audio", "radioBroadcast"),
    "report": ("report", ""), "standard": ("standard", ""), "statute": ("legislation", ""),
    "thesis": ("thesis", ""), "tvBroadcast": ("video", "tvbroadcast"), "videoRecording": ("video", ""),
    "webpage": ("online", ""),
}
#: Zotero item type -> (entry type, entrysubtype) for plain BibTeX (BBT's map; the subtype keeps the type)
BIBTEX_TYPES: dict[str, tuple[str, str]] = {
    "book": ("book", ""), "bookSection": ("incollection", ""), "conferencePaper": ("inproceedings", ""),
    "journalArticle": ("article", ""), "magazineArticle": ("article", "magazine"),
    "newspaperArticle": ("article", "newspaper"), "encyclopediaArticle": ("article", "encyclopediaArticle"),
    "manuscript": ("unpublished", ""), "patent": ("patent", ""), "report": ("techreport", ""),
    "thesis": ("phdthesis", ""),
}
#: CSL type in an Extra `type:` line -> (BibLaTeX, BibTeX) entry type: Better BibTeX's item-type cheat
CSL_ENTRY_TYPES: dict[str, tuple[str, str]] = {
    "article": ("article", "misc"), "article-journal": ("article", "article"),
    "article-magazine": ("article", "article"), "article-newspaper": ("article", "article"),
    "bill": ("legislation", "misc"), "book": ("book", "book"), "broadcast": ("misc", "misc"),
    "chapter": ("incollection", "incollection"), "data": ("dataset", "misc"), "dataset": ("dataset", "misc"),
    "entry": ("inreference", "incollection"), "entry-dictionary": ("inreference", "incollection"),
    "entry-encyclopedia": ("inreference", "incollection"), "figure": ("image", "misc"), "graphic": ("image", "misc"),
    "interview": ("misc", "misc"), "legal_case": ("jurisdiction", "misc"), "legislation": ("legislation", "misc"),
    "manuscript": ("unpublished", "unpublished"), "map": ("misc", "misc"), "motion_picture": ("movie", "misc"),
    "musical_score": ("audio", "misc"), "pamphlet": ("booklet", "booklet"),
    "paper-conference": ("inproceedings", "inproceedings"), "patent": ("patent", "misc"),
    "personal_communication": ("letter", "misc"), "post": ("online", "misc"), "post-weblog": ("online", "misc"),
    "report": ("report", "techreport"), "review": ("review", "article"), "review-book": ("review", "article"),
    "song": ("music", "misc"), "speech": ("misc", "misc"), "thesis": ("thesis", "phdthesis"),
    "treaty": ("legal", "misc"), "webpage": ("online", "misc"),
}
#: entrysubtype -> Zotero type (BBT's subtypes; a Zotero type's own name works too)
SUBTYPES: dict[str, str] = {"magazine": "magazineArticle", "newspaper": "newspaperArticle",
                            "encyclopedia": "encyclopediaArticle", "film": "film", "tvbroadcast": "tvBroadcast",
                            "tvepisode": "tvBroadcast"}
_ZOTERO_TYPES_LOWER = {t.lower(): t for t in ITEM_TYPES}

_THESIS_KEYS = (("phdthesis", re.compile(r"ph\.?\s*d|doctor|diss", re.I), "PhD Thesis"),
                ("mathesis", re.compile(r"master|\bm\.?\s*a\b|\bm\.?\s*sc?\b", re.I), "Master's Thesis"),
                ("bathesis", re.compile(r"bachelor|\bb\.?\s*a\b|\bb\.?\s*sc?\b", re.I), "Bachelor's Thesis"),
                ("candthesis", re.compile(r"candidat", re.I), "Candidate Thesis"))
#: biblatex's thesis type keys -> the Zotero thesisType they come back as
THESIS_LABELS: dict[str, str] = {key: label for key, _rx, label in _THESIS_KEYS} | {
    "mastersthesis": "Master's Thesis"}


def thesis_key(kind: str) -> str:
    """biblatex's localisable key for a thesis type ("Ph.D. diss." -> phdthesis), "" when none fits."""
    for key, pattern, _label in _THESIS_KEYS:
        if pattern.search(kind):
            return key
    return ""


def export_type(item_type: str, dialect: str, fields: dict[str, str], creator_types: set[str]) -> tuple[str, str]:
    """(entry type, entrysubtype) for an item; BBT's refinements (inbook, mvbook, manual, mastersthesis)."""
    table = BIBLATEX_TYPES if dialect == "biblatex" else BIBTEX_TYPES
    entry, subtype = table.get(item_type, ("misc", ""))
    if dialect != "biblatex" and item_type not in table:
        subtype = item_type if item_type != "document" else ""
    if entry == "incollection" and "bookAuthor" in creator_types:
        entry = "inbook"
    if dialect == "biblatex" and entry == "book" and fields.get("numberOfVolumes"):
        entry = "mvbook"
    if entry in ("report", "techreport") and "manual" in fields.get("reportType", "").lower():
        entry = "manual"
    if entry == "phdthesis" and thesis_key(fields.get("thesisType", "")) == "mathesis":
        entry = "mastersthesis"
    return entry, subtype


def import_type(entry_type: str, subtype: str) -> str:
    """The Zotero type of an `@entry_type` with *subtype* (its `entrysubtype`)."""
    base = ENTRY_TO_ZOTERO.get(entry_type.lower(), "document")
    wanted = SUBTYPES.get(subtype.lower()) or _ZOTERO_TYPES_LOWER.get(subtype.lower(), "")
    return wanted or base


#: name-list fields in biblatex's data model (creators of Zotero's kinds go to these)
NAME_FIELDS = ("author", "editor", "editora", "editorb", "editorc", "translator", "bookauthor", "commentator",
               "annotator", "introduction", "foreword", "afterword", "holder", "namea", "nameb", "namec",
               "with", "collaborator")
#: *type values biblatex has bibliography strings for (`editortype = {director}` prints "directed by")
EDITOR_ROLES = frozenset({"editor", "compiler", "founder", "continuator", "redactor", "reviser",
                          "collaborator", "organizer", "director"})
#: biblatex role -> Zotero creator type, for roles whose names differ
ROLE_TO_CREATOR: dict[str, str] = {"redactor": "seriesEditor", "collaborator": "contributor",
                                   "commentator": "commenter", "bookauthor": "bookAuthor", "with": "contributor"}
#: name lists and roles of biblatex's own that Zotero has no creator type for: kept in Extra, not as creators
BIBLATEX_ONLY_ROLES = frozenset({"annotator", "introduction", "foreword", "afterword", "holder", "compiler",
                                 "founder", "continuator", "reviser", "commentator", "bookauthor", "organizer"})
_CREATOR_LOWER = {c.lower(): c for types in CREATOR_TYPES.values() for c in types}


def creator_for_role(role: str, item_type: str) -> str:
    """The Zotero creator type for a biblatex name field or *type value, valid for *item_type*.

    "" for a role of biblatex's own that the type has no creator type for (an annotator, a compiler):
    the caller keeps that list in Extra, so it is written back as it came.
    """
    valid = CREATOR_TYPES.get(item_type, CREATOR_TYPES["document"])
    low = role.strip().lower()
    wanted = _CREATOR_LOWER.get(low) or ROLE_TO_CREATOR.get(low, "")
    if low == "author" or wanted == "author":
        return "author" if "author" in valid else valid[0]
    if wanted in valid:
        return wanted
    if low in BIBLATEX_ONLY_ROLES:
        return ""
    return "contributor" if "contributor" in valid else valid[0]


def zotero_field(item_type: str, base: str) -> str:
    """Type-specific Zotero field for a base field (publicationTitle -> bookTitle for bookSection...)."""
    return type_field(item_type, base)


def clean_pages(value: str) -> str:
    return re.sub(r"\s*(--|‒|–|—)\s*", "–", value.strip())
