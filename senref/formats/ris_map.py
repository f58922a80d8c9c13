"""RIS <-> Zotero maps: item types and type-dependent tag meanings, after Zotero's RIS translator (RIS.js).

A tag's meaning is a Zotero field name, `@creatorType` for a creator, `file:kind` for an attachment,
`note`/`tags`/`extra`, `?Label` for data Zotero has no field for (kept in the import note under that
label), or `backupTitle` for a container title the
importer places once the whole record is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from senref.core.schema import ITEM_TYPES

#: Zotero item type -> TY written on export (RIS.js exportTypeMap plus its degenerate map).
EXPORT_TYPES: dict[str, str] = {
    "artwork": "ART", "audioRecording": "SOUND", "bill": "BILL", "blogPost": "BLOG", "book": "BOOK",
    "bookSection": "CHAP", "case": "CASE", "computerProgram": "COMP", "conferencePaper": "CONF",
    "dataset": "DATA", "dictionaryEntry": "DICT", "encyclopediaArticle": "ENCYC", "email": "ICOMM",
    "film": "MPCT", "hearing": "HEAR", "journalArticle": "JOUR", "letter": "PCOMM", "magazineArticle": "MGZN",
    "manuscript": "MANSCPT", "map": "MAP", "newspaperArticle": "NEWS", "patent": "PAT", "presentation": "SLIDE",
    "report": "RPRT", "statute": "STAT", "thesis": "THES", "videoRecording": "VIDEO", "webpage": "ELEC",
    # RIS has no type of its own for these: Zotero writes the nearest one, so they come back as that type
    # unless the record also carries a `Type:` line (written by senref in M2, see ris.py).
    "interview": "PCOMM", "instantMessage": "ICOMM", "forumPost": "ICOMM", "tvBroadcast": "MPCT",
    "radioBroadcast": "SOUND", "podcast": "SOUND", "document": "GEN", "preprint": "GEN",
    # Zotero's RIS.js predates the standard type and reads STAND as a report; STAND is the RIS name for it.
    "standard": "STAND",
}

#: TY -> Zotero item type on import: the export map reversed, plus RIS's other types (RIS.js importTypeMap).
IMPORT_TYPES: dict[str, str] = {
    "ABST": "journalArticle", "ADVS": "film", "AGGR": "document", "ANCIENT": "document", "CHART": "artwork",
    "CLSWK": "book", "CPAPER": "conferencePaper", "CTLG": "magazineArticle", "DBASE": "dataset",
    "EBOOK": "book", "ECHAP": "bookSection", "EDBOOK": "book", "EJOUR": "journalArticle", "EQUA": "document",
    "FIGURE": "artwork", "GEN": "journalArticle", "GOVDOC": "report", "GRNT": "document", "GRANT": "document",
    "INPR": "manuscript", "JFULL": "journalArticle", "LEGAL": "case", "MULTI": "videoRecording",
    "MUSIC": "audioRecording", "PAMP": "manuscript", "SER": "book", "UNBILL": "manuscript",
    "UNPB": "manuscript", "UNPD": "manuscript", "WEB": "webpage", "STAND": "standard",
    **{ty: t for t, ty in EXPORT_TYPES.items() if ty not in ("GEN", "PCOMM", "ICOMM", "MPCT", "SOUND")},
    "PCOMM": "letter", "ICOMM": "email", "MPCT": "film", "SOUND": "audioRecording",
}
#: Zotero's type for a TY it does not know, and for a record without TY.
DEFAULT_IMPORT_TYPE = "journalArticle"
#: TYs senref reads as another type than RIS.js does (RIS.js does not know GRANT and UNPB, and predates
#: Zotero's standard type). A tag the senref type has no meaning for takes its meaning for RIS.js's type,
#: so the value keeps the Zotero field name RIS.js would have filled (see `ris_read`).
RISJS_TYPES: dict[str, str] = {"GRANT": DEFAULT_IMPORT_TYPE, "UNPB": DEFAULT_IMPORT_TYPE, "STAND": "report"}


def risjs_type(ty: str) -> str:
    """The Zotero type RIS.js reads *ty* as."""
    return RISJS_TYPES.get(ty) or IMPORT_TYPES.get(ty, DEFAULT_IMPORT_TYPE)


@dataclass(frozen=True)
class Rule:
    """What one tag means: `by_type` first, then `default` unless the type is in `exclude`."""

    default: str = ""
    by_type: dict[str, str] = field(default_factory=dict)
    exclude: frozenset[str] = frozenset()

    def meaning(self, item_type: str) -> str:
        if item_type in self.by_type:
            return self.by_type[item_type]
        return "" if item_type in self.exclude else self.default


def _by(**groups: tuple[str, ...]) -> dict[str, str]:
    """{meaning: (types...)} -> {type: meaning}, the way RIS.js writes its maps."""
    return {t: meaning.replace("__", "@") for meaning, types in groups.items() for t in types}


_AUTHOR = Rule("@author", _by(__artist=("artwork",), __cartographer=("map",), __composer=("audioRecording",),
                              __director=("film", "radioBroadcast", "tvBroadcast", "videoRecording"),
                              __interviewee=("interview",), __inventor=("patent",), __podcaster=("podcast",),
                              __programmer=("computerProgram",)))
_DATE = Rule("date", _by(dateEnacted=("statute",), dateDecided=("case",), issueDate=("patent",)))
_TITLE = Rule("title", _by(subject=("email",), caseName=("case",), nameOfAct=("statute",)))

#: Tags written on export and read back the same way (RIS.js fieldMap).
FIELD_MAP: dict[str, Rule] = {
    "AB": Rule("abstractNote"), "AN": Rule("archiveLocation"), "CN": Rule("callNumber"), "DB": Rule("archive"),
    "DO": Rule("DOI"), "DP": Rule("libraryCatalog"), "J2": Rule("journalAbbreviation"), "KW": Rule("tags"),
    "L1": Rule("file:pdf"), "L2": Rule("file:html"), "L4": Rule("file:other"), "N1": Rule("note"),
    "ST": Rule("shortTitle"), "UR": Rule("url"), "Y2": Rule("accessDate"),
    "TI": _TITLE,
    "T2": Rule("", _by(code=("bill", "statute"), bookTitle=("bookSection",), blogTitle=("blogPost",),
                       conferenceName=("conferencePaper",), dictionaryTitle=("dictionaryEntry",),
                       encyclopediaTitle=("encyclopediaArticle",), committee=("hearing",),
                       forumTitle=("forumPost",), websiteTitle=("webpage",),
                       programTitle=("radioBroadcast", "tvBroadcast"), meetingName=("presentation",),
                       seriesTitle=("computerProgram", "map", "report"), series=("book",),
                       publicationTitle=("journalArticle", "magazineArticle", "newspaperArticle"))),
    "T3": Rule("", _by(legislativeBody=("hearing", "bill"),
                       series=("bookSection", "conferencePaper", "journalArticle"),
                       seriesTitle=("audioRecording",))),
    "AU": _AUTHOR, "A1": _AUTHOR,
    "A2": Rule("", _by(__sponsor=("bill",), __performer=("audioRecording",), __presenter=("presentation",),
                       __interviewer=("interview",),
                       __editor=("journalArticle", "bookSection", "conferencePaper", "dictionaryEntry", "document",
                                 "encyclopediaArticle"),
                       __seriesEditor=("book", "report"), __recipient=("email", "instantMessage", "letter"),
                       reporter=("case",), issuingAuthority=("patent",))),
    "A3": Rule("", _by(__contributor=("thesis",), __cosponsor=("bill",),
                       __producer=("film", "tvBroadcast", "videoRecording", "radioBroadcast"), __editor=("book",),
                       __seriesEditor=("bookSection", "conferencePaper", "dictionaryEntry", "encyclopediaArticle",
                                       "map"))),
    "A4": Rule("@translator", _by(__counsel=("case",), __contributor=("conferencePaper", "film", "dataset"))),
    "C1": Rule("", _by(filingDate=("patent",), __castMember=("radioBroadcast", "tvBroadcast", "videoRecording"),
                       scale=("map",), place=("conferencePaper",))),
    "C2": Rule("", _by(issueDate=("patent",), __bookAuthor=("bookSection",), __commenter=("blogPost",))),
    "C3": Rule("", _by(artworkSize=("artwork",), proceedingsTitle=("conferencePaper",), country=("patent",))),
    "C4": Rule("", _by(__wordsBy=("audioRecording",), __attorneyAgent=("patent",), genre=("film",))),
    "C5": Rule("", _by(references=("patent",), audioRecordingFormat=("audioRecording", "radioBroadcast"),
                       videoRecordingFormat=("film", "tvBroadcast", "videoRecording"))),
    "C6": Rule("", _by(legalStatus=("patent",))),
    "CY": Rule("place", _by(repositoryLocation=("dataset",)), frozenset({"conferencePaper"})),
    "DA": _DATE,
    "ET": Rule("edition", _by(session=("bill", "hearing", "statute"), versionNumber=("computerProgram", "dataset"))),
    "IS": Rule("issue", _by(numberOfVolumes=("bookSection",)), frozenset({"dataset"})),
    "LA": Rule("language", _by(programmingLanguage=("computerProgram",))),
    "M1": Rule("", _by(seriesNumber=("book",), billNumber=("bill",), system=("computerProgram",),
                       documentNumber=("hearing",), applicationNumber=("patent",), publicLawNumber=("statute",),
                       episodeNumber=("podcast", "radioBroadcast", "tvBroadcast"))),
    "M3": Rule("", _by(manuscriptType=("manuscript",), mapType=("map",), reportType=("report",),
                       thesisType=("thesis",), websiteType=("blogPost", "webpage"), postType=("forumPost",),
                       letterType=("letter",), interviewMedium=("interview",), presentationType=("presentation",),
                       artworkMedium=("artwork",), audioFileType=("podcast",), type=("standard",))),
    "NV": Rule("numberOfVolumes", _by(identifier=("dataset",)), frozenset({"bookSection"})),
    "OP": Rule("", _by(history=("hearing", "statute", "bill", "case"), priorityNumbers=("patent",))),
    "PB": Rule("publisher", _by(label=("audioRecording",), court=("case",), distributor=("film",),
                                assignee=("patent",), institution=("report",), repository=("dataset",),
                                university=("thesis",), company=("computerProgram",), studio=("videoRecording",),
                                network=("radioBroadcast", "tvBroadcast"))),
    "PY": _DATE,
    "SE": Rule("section", exclude=frozenset({"case"})),
    "SN": Rule("ISBN", _by(ISSN=("journalArticle", "magazineArticle", "newspaperArticle"), patentNumber=("patent",),
                           reportNumber=("report",), number=("standard",))),
    "SP": Rule("pages", _by(codePages=("bill",), numPages=("book", "thesis", "manuscript"), firstPage=("case",),
                            runningTime=("film",))),
    "SV": Rule("", _by(seriesNumber=("bookSection",), docketNumber=("case",))),
    "VL": Rule("volume", _by(codeNumber=("statute",), codeVolume=("bill",), reporterVolume=("case",)),
               frozenset({"patent", "webpage"})),
}

#: Tags read on import only, and only once every FIELD_MAP tag of the record has been placed
#: (RIS.js degenerateImportFieldMap: non-standard tags of EndNote, RefMan, ProCite, Citavi). RIS.js ignores
#: ID (a record number); senref keeps it in the import note, as Zotero does with its RIS.import.keepID pref.
DEPRECATED_MAP: dict[str, Rule] = {
    "AD": Rule("?Author Address", {"patent": "?Inventor Address"}), "AV": Rule("archiveLocation"),
    "BT": Rule("backupTitle", {"book": "title", "manuscript": "title", "bookSection": "bookTitle"}),
    "CA": Rule("?Caption"), "CR": Rule("rights"), "CT": Rule("title"), "CY": Rule("place"),
    "ED": Rule("@editor"), "EP": Rule("pages"), "H1": Rule("?Library Catalog"), "H2": Rule("?Call Number"),
    "ID": Rule(), "IS": Rule("", {"dataset": "versionNumber"}), "JA": Rule("journalAbbreviation"),
    "JF": Rule("publicationTitle"), "JO": Rule("journalAbbreviation", {"conferencePaper": "conferenceName"}),
    "LB": Rule("?Label"),
    "M1": Rule("extra", {"journalArticle": "issue", "bookSection": "numberOfVolumes", "webpage": "accessDate"}),
    "M2": Rule("extra"), "M3": Rule("DOI"), "N2": Rule("abstractNote"), "NV": Rule("numberOfVolumes"),
    "OP": Rule("?Original Publication", dict.fromkeys(("blogPost", "computerProgram", "film", "presentation",
                                                           "report", "videoRecording", "webpage"), "?Content")),
    "RI": Rule("?Reviewed Item", {"statute": "?Article Number"}), "RN": Rule("note"),
    "SE": Rule("", {"case": "?File Date"}), "T1": _TITLE, "T2": Rule("backupTitle"),
    "T3": Rule("", {"book": "series"}), "TA": Rule("?Translated Author"), "TT": Rule("?Translated Title"),
    "VL": Rule("", {"patent": "?Patent Version Number", "webpage": "accessDate"}), "Y1": _DATE,
}

#: Tag order on export (RIS.js exportOrder); a bill keeps sponsors and cosponsors together.
EXPORT_ORDER: tuple[str, ...] = (
    "TI", "AU", "T2", "A2", "T3", "A3", "A4", "AB", "C1", "C2", "C3", "C4", "C5", "C6", "CN", "CY", "DA", "PY",
    "DO", "DP", "ET", "VL", "IS", "SP", "J2", "LA", "M1", "M3", "NV", "OP", "PB", "SE", "SN", "ST", "SV", "UR",
    "AN", "DB", "Y2", "L1", "L2", "L4", "N1", "KW",
)
BILL_ORDER: tuple[str, ...] = ("TI", "AU", "T2", "A2", "A3", "T3", *EXPORT_ORDER[6:])


def meaning(item_type: str, tag: str, *, deprecated: bool = True) -> str:
    """What *tag* means for *item_type* on import ("" when nothing: the value goes to the import note)."""
    rule = FIELD_MAP.get(tag)
    found = rule.meaning(item_type) if rule else ""
    if not found and deprecated and tag in DEPRECATED_MAP:
        found = DEPRECATED_MAP[tag].meaning(item_type)
    return found


def is_deprecated(tag: str) -> bool:
    """Tags RIS.js reads only after the others, so a standard tag for the same field wins."""
    return tag in DEPRECATED_MAP


def export_meaning(item_type: str, tag: str) -> str:
    rule = FIELD_MAP.get(tag)
    return rule.meaning(item_type) if rule else ""


def reverse_lookup(item_type: str, wanted: str) -> str:
    """The tag that means *wanted* for *item_type* ("" if none); used to re-tag ProCite notes."""
    for table in (FIELD_MAP, DEPRECATED_MAP):
        for tag, rule in table.items():
            if rule.meaning(item_type) == wanted:
                return tag
    return ""


def needs_type_line(item_type: str) -> bool:
    """True when the TY written for *item_type* reads back as another type."""
    ty = EXPORT_TYPES.get(item_type, "GEN")
    return IMPORT_TYPES.get(ty, DEFAULT_IMPORT_TYPE) != item_type


assert set(EXPORT_TYPES) == set(ITEM_TYPES), sorted(set(ITEM_TYPES) ^ set(EXPORT_TYPES))
