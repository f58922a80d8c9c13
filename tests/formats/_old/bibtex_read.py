# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
"""One parsed BibTeX/BibLaTeX entry -> one Zotero item (the inverse of bibtex_write, through biblatex_model)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from senref.core.model import Attachment, Item, Note
from senref.core.schema import CREATOR_TYPES, ITEM_FIELDS, base_field
from senref.formats.biblatex_model import TITLE_FIELDS, VERBATIM, zotero_field_for
from senref.formats.bibtex_dates import bib_to_zotero
from senref.formats.bibtex_extra import apply_extra_lines, tex_line
from senref.formats.bibtex_lang import zotero_language
from senref.formats.bibtex_map import (
    ENTRY_TO_ZOTERO,
    NAME_FIELDS,
    THESIS_LABELS,
    creator_for_role,
    export_type,
    import_type,
)
from senref.formats.dates import parse_edtf
from tests.formats._old import bibtex_parse as bp
from tests.formats._old.bibtex_notes import latex_to_note
from tests.formats._old.latex_decode import to_unicode, to_unicode_verbatim
from tests.formats._old.latex_richtext import latex_to_rich
from tests.formats._old.names import parse_names

NOTE_FIELDS = ("annote", "annotation", "comment", "review", "notes")
#: fields named after a Zotero creator type (`castmember`): where export puts roles biblatex has no list for
CREATOR_FIELDS = frozenset(c.lower() for types in CREATOR_TYPES.values() for c in types) - set(NAME_FIELDS)
#: fields read by dedicated code below (everything else goes through the field table or into Extra)
_HANDLED = frozenset({"date", "year", "month", "day", "keywords", "keyword", "file", "pdf", "path", "local-url",
                      "crossref", "groups", "entrysubtype", "note", "doi", "isbn", "pmid", "pmcid", "hal_id",
                      "arxivid", "eprint", "eprinttype", "archiveprefix", "langid", "language", "howpublished",
                      "holder", "timestamp", "urldate", "fjournal", "tags", *CREATOR_FIELDS, *NOTE_FIELDS, *NAME_FIELDS,
                      *(f"{n}type" for n in NAME_FIELDS)})
_CONTAINERS = ("proceedings", "book", "collection", "mvbook", "mvcollection", "reference", "mvreference",
               "mvproceedings", "periodical")


def _merged(entry: bp.Entry, parents: dict[str, bp.Entry]) -> dict[str, str]:
    """The entry's fields with what a crossref'd parent gives (biblatex's inheritance, simplified)."""
    raw = dict(entry.fields)
    parent = parents.get(raw.get("crossref", "").strip().lower())
    if parent is not None:
        for name, value in parent.fields.items():
            if name in ("title", "subtitle", "titleaddon") and parent.type in _CONTAINERS:
                raw.setdefault(f"book{name}" if parent.type != "periodical" else f"journal{name}", value)
            elif name not in ("title", "subtitle", "titleaddon", "shorttitle", "crossref", "ids", "related",
                              "entryset", "shorthand", "sortkey", "indextitle"):
                raw.setdefault(name, value)
        raw.pop("crossref", None)
    return raw


def _value(raw: dict[str, str], name: str) -> str:
    """The text of a field: verbatim fields unescaped, title fields as rich text, others as Unicode."""
    value = raw.get(name, "")
    if not value:
        return ""
    if name in VERBATIM:
        return to_unicode_verbatim(value).strip()
    if name in TITLE_FIELDS:
        return latex_to_rich(value)
    return re.sub(r"[ \t\r\n]+", " ", to_unicode(value)).strip()


def _item_type(etype: str, raw: dict[str, str]) -> str:
    item_type = import_type(etype, raw.get("entrysubtype", "").strip())
    prefix = (raw.get("eprinttype", "") or raw.get("archiveprefix", "")).strip().lower()
    if etype == "misc" and prefix == "arxiv" and not raw.get("entrysubtype"):
        item_type = "preprint"
    if etype == "online" and raw.get("pubstate", "").strip().lower() == "prepublished":
        item_type = "preprint"
    if item_type == "journalArticle" and etype == "article" and not raw.get("journaltitle") \
            and not raw.get("journal") and re.search(r"proceeding", raw.get("booktitle", ""), re.I):
        item_type = "conferencePaper"
    if item_type == "book" and raw.get("booktitle") and raw.get("title") and etype in ("book", "booklet") \
            and "crossref" not in raw:
        item_type = "bookSection"  # BBT: a "book" with a book title is a chapter of it
    return item_type


def _creators(item: Item, raw: dict[str, str], extra: list[str]) -> None:
    for name in [*NAME_FIELDS, *(n for n in raw if n in CREATOR_FIELDS)]:
        value = raw.get(name, "")
        if not value or (name == "holder" and item.item_type == "patent"):
            continue
        role = raw.get(f"{name}type", "").strip() or {"editora": "editor", "editorb": "editor", "editorc": "editor",
                                                        "namea": "collaborator", "nameb": "collaborator",
                                                        "namec": "collaborator"}.get(name, name)
        creator_type = creator_for_role(role, item.item_type)
        if creator_type:
            item.creators.extend(parse_names(value, creator_type))
            continue
        extra.append(tex_line(name, value, raw=True))  # a role Zotero has no creator type for
        if raw.get(f"{name}type"):
            extra.append(tex_line(f"{name}type", _value(raw, f"{name}type")))


def _identifiers(item: Item, raw: dict[str, str], extra: list[str]) -> None:
    def get(name: str) -> str:
        return _value(raw, name)

    if get("doi") and not item.set_identifier("doi", get("doi")):
        extra.append(f"DOI: {get('doi')}")
    if get("isbn") and not item.set_identifier("isbn", get("isbn")):
        if "ISBN" in ITEM_FIELDS.get(item.item_type, ()):
            item.fields.setdefault("ISBN", get("isbn"))
        else:
            extra.append(f"ISBN: {get('isbn')}")
    for name, scheme in (("pmid", "pmid"), ("pmcid", "pmcid"), ("hal_id", "hal"), ("arxivid", "arxiv")):
        if get(name):
            item.set_identifier(scheme, get(name))
    kind = (raw.get("eprinttype") or raw.get("archiveprefix") or "").strip().lower()
    eprint_scheme = {"arxiv": "arxiv", "pubmed": "pmid", "hal": "hal", "pmc": "pmcid"}.get(kind)
    if get("eprint") and eprint_scheme and item.set_identifier(eprint_scheme, get("eprint")):
        return
    # Better BibTeX writes a preprint's archive ID and repository as eprint and eprinttype
    if item.item_type == "preprint" and get("eprint") and raw.get("eprinttype") and not eprint_scheme \
            and item.fields.setdefault("archiveID", get("eprint")) == get("eprint") \
            and item.fields.setdefault("repository", get("eprinttype")) == get("eprinttype"):
        return
    for name in ("eprint", "eprinttype", "archiveprefix"):
        if raw.get(name):
            extra.append(tex_line(name, get(name)))


def _journal(item: Item, raw: dict[str, str], extra: list[str]) -> None:
    """AMS/MathSciNet's `fjournal` is the full journal name; `journal` beside it is then the abbreviation."""
    full = _value(raw, "fjournal")
    if not full:
        return
    fields = ITEM_FIELDS.get(item.item_type, ())
    target = next((f for f in fields if base_field(f) == "publicationTitle"), "")
    if not target:
        extra.append(tex_line("fjournal", full))
        return
    short = item.fields.get(target, "")
    item.fields[target] = full
    if short and short != full and "journalAbbreviation" in fields:
        item.fields.setdefault("journalAbbreviation", short)


def _date(item: Item, raw: dict[str, str], extra: list[str]) -> None:
    name = next((f for f in ITEM_FIELDS.get(item.item_type, ("date",)) if base_field(f) == "date"), "date")
    month = _value(raw, "month")
    date = bib_to_zotero(_value(raw, "date"), _value(raw, "year"), month, _value(raw, "day"))
    if date:
        item.fields[name] = date
    if raw.get("date") and (raw.get("year") or raw.get("month")):
        # The date field wins; a year or month that says something else is kept for the way back.
        alone = bib_to_zotero("", _value(raw, "year") or date[:4], month)
        if not parse_edtf(_value(raw, "date")).startswith(alone):
            extra.extend(tex_line(other, _value(raw, other)) for other in ("year", "month") if raw.get(other))


def entry_to_item(entry: bp.Entry, parents: dict[str, bp.Entry], base_dir: Path,
                  parse_files: Callable[[str, Path, bool], list[Attachment]]) -> Item:
    raw = _merged(entry, parents)
    if not raw.get("url") and raw.get("bdsk-url-1"):
        raw["url"] = raw.pop("bdsk-url-1")  # BibDesk's first link is the record's URL when it has no url
    etype = entry.type.lower()
    crossref = entry.fields.get("crossref", "").strip()
    item = Item(item_type=_item_type(etype, raw))
    extra: list[str] = []
    valid = ITEM_FIELDS.get(item.item_type, ())
    _creators(item, raw, extra)
    if item.item_type == "patent" and raw.get("holder"):
        holders = parse_names(raw["holder"], "contributor")
        item.fields["assignee"] = "; ".join(c.display for c in holders)
    _date(item, raw, extra)
    taken: set[str] = set(item.fields)
    if item.item_type == "preprint" and raw.get("pubstate", "").strip().lower() == "prepublished":
        raw.pop("pubstate")
    for name in raw:
        if name in _HANDLED:
            continue
        value = _value(raw, name)
        if not value:
            continue
        target = zotero_field_for(name, item.item_type, etype, taken)
        if name == "type" and item.item_type == "thesis":
            value = THESIS_LABELS.get(value.lower(), value)
        if name == "title" and target == "":
            target = next((f for f in valid if base_field(f) == "title"), "")
        if target:
            item.fields[target] = value
            taken.add(target)
        else:
            extra.append(tex_line(name, value))
    if item.item_type == "thesis" and not item.fields.get("thesisType"):
        label = THESIS_LABELS.get(etype, "")
        if label:
            item.fields["thesisType"] = label
    access = _value(raw, "urldate")
    if access:
        item.fields["accessDate"] = access
    language = _value(raw, "langid") or _value(raw, "language")
    if language:
        item.fields["language"] = zotero_language(language) if raw.get("langid") else language
        if raw.get("langid") and raw.get("language"):
            extra.append(tex_line("language", _value(raw, "language")))
    howpublished = _value(raw, "howpublished")
    if howpublished:
        target = zotero_field_for("howpublished", item.item_type, etype, taken)
        if re.match(r"^(https?://|mailto:)", howpublished) and not item.fields.get("url"):
            item.fields["url"] = howpublished
        elif target:
            item.fields[target] = howpublished
        else:
            extra.append(tex_line("howpublished", howpublished))
    for name in raw:
        if name.endswith("type") and name[:-4] in NAME_FIELDS and not raw.get(name[:-4]) and raw.get(name):
            extra.append(tex_line(name, _value(raw, name)))
    _journal(item, raw, extra)
    _identifiers(item, raw, extra)
    # Calibre writes its tags to `tags`; JabRef and the rest to `keywords`
    for field in ("keywords", "keyword", "tags"):
        for name in re.split(r"\s*[,;]\s*", _value(raw, field)):
            item.add_tag(name.strip())
    for name in NOTE_FIELDS:
        for part in raw.get(name, "").split(bp.REPEAT):
            if part.strip():
                item.notes.append(Note(html=latex_to_note(part.strip())))
    for name in ("file", "pdf", "path", "local-url"):
        if raw.get(name):
            found = parse_files(raw[name], base_dir, name != "file")
            item.attachments.extend(found)
            if not found:
                extra.append(tex_line(name, _value(raw, name)))  # an ftp: link or the like: kept as written
    note = "\n".join(to_unicode(line).strip() for line in raw.get("note", "").splitlines()).strip()
    kept = apply_extra_lines(item.fields, item.item_type, note) if note else []
    # The entry type, when the item's type alone would not give it back (@collection, @periodical...).
    creator_types = {c.creator_type for c in item.creators}
    written = {export_type(item.item_type, d, item.fields, creator_types)[0] for d in ("biblatex", "bibtex")}
    if etype not in written and (etype in KNOWN_ENTRY_TYPES or etype not in ENTRY_TO_ZOTERO):
        extra.insert(0, tex_line("entrytype", etype))
    if raw.get("entrysubtype") and import_type(etype, "") == item.item_type:
        extra.insert(0, tex_line("entrysubtype", _value(raw, "entrysubtype")))
    if crossref:
        extra.append(tex_line("crossref", crossref))  # the parent's fields are inherited; the link is kept
    text = "\n".join([*kept, *extra]).strip("\n")
    if text:
        item.fields["extra"] = text
    if entry.key:
        item.fields["citationKey"] = entry.key
    return item


KNOWN_ENTRY_TYPES = frozenset({"article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection",
                          "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online",
                          "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings", "inproceedings",
                          "reference", "mvreference", "inreference", "report", "set", "software", "thesis",
                          "unpublished", "xdata", "conference", "electronic", "mastersthesis", "phdthesis",
                          "techreport", "www", "artwork", "audio", "bibnote", "commentary", "image",
                          "jurisdiction", "legislation", "legal", "letter", "movie", "music", "performance",
                          "review", "standard", "video", "softwareversion", "softwaremodule", "codefragment"})
