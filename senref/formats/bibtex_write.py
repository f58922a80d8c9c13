"""One Zotero item -> one BibTeX or BibLaTeX entry (the field table is biblatex_model's)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from senref.core.model import Creator, Item
from senref.core.schema import CREATOR_TYPES, CSL_TEXT_FIELDS, ITEM_FIELDS, base_field, type_field
from senref.formats import bibtex_dates
from senref.formats.base import ExportContext
from senref.formats.biblatex_model import TITLE_FIELDS, VERBATIM, bib_field
from senref.formats.bibtex_extra import ARXIV_LINE, BIBLATEX_HOMES, ExtraParts, split_extra
from senref.formats.bibtex_lang import babel_name
from senref.formats.bibtex_map import (
    CSL_ENTRY_TYPES,
    EDITOR_ROLES,
    NAME_FIELDS,
    export_type,
    import_type,
    thesis_key,
)
from senref.formats.bibtex_notes import notes_to_latex
from senref.formats.exportfiles import exported_path
from senref.formats.latex import escape, title_to_latex
from senref.formats.names import format_names

# A library repeats its dates (years above all): each distinct string is read once per process.
zotero_to_edtf = lru_cache(maxsize=8192)(bibtex_dates.zotero_to_edtf)
year_month = lru_cache(maxsize=8192)(bibtex_dates.year_month)
access_date = lru_cache(maxsize=8192)(bibtex_dates.access_date)

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: title-like fields that styles may sentence-case (journal names are never re-cased, so not protected)
_UNPROTECTED_TITLES = frozenset({"journaltitle", "journal", "journalsubtitle", "shortjournal"})


class _Entry:
    """The fields of the entry being written, in order, each written once (the first writer wins)."""

    def __init__(self, unicode: bool, missing: set[str]) -> None:
        self.fields: dict[str, str] = {}
        self.unicode = unicode
        self.missing = missing

    def raw(self, name: str, value: str) -> None:
        if value and name not in self.fields:
            self.fields[name] = value

    def text(self, name: str, value: str) -> None:
        """A value in its field's encoding: title (rich, case-protected), verbatim, or plain text."""
        value = value.strip()
        if not value or name in self.fields:
            return
        if name in TITLE_FIELDS:
            encoded = title_to_latex(value, unicode=self.unicode, protect=name not in _UNPROTECTED_TITLES,
                                     missing=self.missing)
        elif name in VERBATIM:
            encoded = value.replace("{", "").replace("}", "")
        else:
            encoded = escape(value, unicode=self.unicode, missing=self.missing)
        self.fields[name] = "{" + encoded + "}"

    def names(self, name: str, creators: list[Creator]) -> None:
        if creators and name not in self.fields:
            self.fields[name] = "{" + format_names(creators, unicode=self.unicode) + "}"

    def render(self, entry_type: str, key: str) -> str:
        body = ",\n".join(f"  {name} = {value}" for name, value in self.fields.items())
        return f"@{entry_type}{{{key},\n{body}\n}}\n"


def _biblatex_creators(item: Item, creators: list[Creator], entry: _Entry, entry_type: str) -> None:
    """Creators into biblatex's name lists; roles without a list of their own get editorX/nameX + *type.

    In a @video, as Better BibTeX writes it, the director is the `editor` (editortype director) and the
    script writers an editorX list."""
    video = entry_type in ("video", "movie")
    primary = CREATOR_TYPES.get(item.item_type, ("author",))[0]
    if video and primary == "director":
        primary = ""
    lists: dict[str, list[Creator]] = {}
    roles: dict[str, str] = {}
    fixed = {"author": "author", "editor": "editor", "translator": "translator", "bookAuthor": "bookauthor",
             "commenter": "commentator"}
    has_editor = any(c.creator_type == "editor" for c in creators)

    def slot(role: str, editorish: bool) -> str:
        for name, taken in roles.items():
            if taken == role:
                return name
        candidates = ["editor", "editora", "editorb", "editorc"] if editorish else []
        candidates += ["namea", "nameb", "namec"] + ([] if editorish else ["editora", "editorb", "editorc", "editor"])
        for name in candidates:
            if name == "editor" and has_editor:
                continue
            if name not in roles:
                roles[name] = role
                return name
        return role.lower()  # every list of biblatex's taken: a field named after the Zotero role

    for creator in creators:
        kind = creator.creator_type
        if kind == primary:
            target = "author"
        elif kind in fixed:
            target = fixed[kind]
        elif kind == "seriesEditor":
            target = slot("redactor", True)
        elif kind == "contributor":
            target = slot("collaborator", False)
        else:
            target = slot(kind, kind.lower() in EDITOR_ROLES or (video and kind == "scriptwriter"))
        lists.setdefault(target, []).append(creator)
    for name in [*NAME_FIELDS, *(n for n in lists if n not in NAME_FIELDS)]:
        if lists.get(name):
            entry.names(name, lists[name])
            if name in roles:
                entry.raw(f"{name}type", "{" + roles[name] + "}")


def _bibtex_creators(item: Item, creators: list[Creator], entry: _Entry) -> None:
    """Better BibTeX's plain-BibTeX split: author, editor (series editors too), translator, collaborator."""
    primary = CREATOR_TYPES.get(item.item_type, ("author",))[0]
    lists: dict[str, list[Creator]] = {}
    for creator in creators:
        kind = creator.creator_type
        target = {"editor": "editor", "seriesEditor": "editor", "translator": "translator"}.get(kind) or (
            "author" if kind in (primary, "author") else "collaborator")
        lists.setdefault(target, []).append(creator)
    for name in ("author", "editor", "translator", "collaborator"):
        entry.names(name, lists.get(name, []))


def _date(item_type: str, fields: dict[str, str], entry: _Entry, latex: bool) -> None:
    name = next((f for f in ITEM_FIELDS.get(item_type, ("date",)) if base_field(f) == "date"), "date")
    value = fields.get(name, "").strip()
    if not value:
        return
    edtf = zotero_to_edtf(value)
    if latex:
        if edtf:
            entry.raw("date", "{" + edtf + "}")
        else:
            entry.text("year", value)  # no date in it that biblatex could read: kept as the year's text
        return
    year, month = year_month(value)
    if not year:
        entry.text("year", value)
        return
    entry.raw("year", "{" + year + "}")
    if month:
        entry.raw("month", MONTH_MACROS[month - 1])
    if edtf and not re.fullmatch(r"-?\d{4}(-\d{2})?", edtf):
        entry.raw("date", "{" + edtf + "}")  # day, range or qualifier: kept for BibLaTeX-aware readers


def _sort_key(text: str) -> str:
    """Alphabetical, accents aside ("Théorie" sorts with "Theorie")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _cheat_dates(item_type: str, fields: dict[str, str], extra: ExtraParts, latex: bool) -> None:
    """Extra's CSL dates: `issued` replaces the date (as in Better BibTeX, a date line wins), `original-date`
    and `event-date` fill biblatex's origdate/eventdate, `accessed` the access date."""
    homes = {"issued": next((f for f in ITEM_FIELDS.get(item_type, ("date",)) if base_field(f) == "date"), "date"),
             "accessed": "accessDate"}
    for var in list(extra.csl_dates):
        value, _line = extra.csl_dates[var]
        if var in homes and (var == "issued" or not fields.get(homes[var])):
            fields[homes[var]] = value
        elif latex and var in BIBLATEX_HOMES:
            extra.tex.setdefault(BIBLATEX_HOMES[var], (value, False))
        else:
            continue
        del extra.csl_dates[var]


def _cheat_text(item_type: str, entry_type: str, dialect: str, extra: ExtraParts, entry: _Entry) -> None:
    """Extra's CSL text variables into the fields their Zotero field would take (`container-title` -> a video's
    booktitle), where the item left that field empty; otherwise the line stays in `note`."""
    for var, value, line in extra.csl_text:
        home = BIBLATEX_HOMES.get(var, "") if dialect == "biblatex" else ""
        base = next(iter(CSL_TEXT_FIELDS.get(var, ())), "")
        bib = home or (bib_field(dialect, item_type, entry_type, base) if base else "")
        if bib and bib not in entry.fields:
            entry.text(bib, _field_value({base: value}, base, bib))
        else:
            extra.note.append(line)


_JSTOR = re.compile(r"^https?://(?:www\.)?jstor\.org/stable/(\d+)/?$")


def arxiv_journal(item: Item, fields: dict[str, str]) -> re.Match[str] | None:
    """Zotero's arXiv translator (before Zotero 6 had preprints) filed a preprint as a journal article whose
    journal is "arXiv:1401.2910 [quant-ph]"."""
    if item.item_type != "journalArticle":
        return None
    return ARXIV_LINE.match(fields.get("publicationTitle", ""))


def _identifiers(item: Item, fields: dict[str, str], extra: ExtraParts, entry: _Entry, *, latex: bool,
                 journal: re.Match[str] | None) -> None:
    ids = item.identifiers
    entry.text("doi", ids.get("doi", ""))
    entry.text("isbn", ids.get("isbn", "") or item.fields.get("ISBN", ""))
    arxiv = ids.get("arxiv", "") or extra.arxiv[0] or (journal.group(1) if journal else "")
    if arxiv:
        entry.text("eprint", arxiv)
        entry.raw("eprinttype" if latex else "archiveprefix", "{arXiv}")
        primary = extra.arxiv[1] or (journal.group(2) or "" if journal else "")
        entry.text("eprintclass" if latex else "primaryclass", primary)
    jstor = _JSTOR.match(fields.get("url", "").strip())
    if jstor:
        # Better BibTeX's reading of a JSTOR stable URL: biblatex's eprint for it
        entry.text("eprint", jstor.group(1))
        entry.raw("eprinttype", "{jstor}")
    plain = re.compile(r"^[A-Za-z0-9 .:/_-]+$")  # eprint fields are written verbatim: only what needs no TeX
    if latex and item.item_type == "preprint" and plain.match(fields.get("archiveID", "")) \
            and plain.match(fields.get("repository", "")):
        entry.text("eprint", fields["archiveID"])
        entry.text("eprinttype", fields["repository"])
    entry.text("pmid", ids.get("pmid", "") or item.fields.get("PMID", ""))
    entry.text("pmcid", ids.get("pmcid", "") or item.fields.get("PMCID", ""))
    if ids.get("hal"):
        entry.text("hal_id", ids["hal"] + (f"v{item.hal_version}" if item.hal_version else ""))


def _field_value(fields: dict[str, str], name: str, bib: str) -> str:
    value = fields.get(name, "")
    if bib == "pages":
        # Better BibTeX's normalizeDashes: an en dash between numbers, a hyphenated range too ("12-19")
        value = re.sub(r"\s*[–—‒]\s*", "--", value)
        return re.sub(r"(?<![\w-])(\w*\d+)\s*-\s*(\w*\d+)(?![\w-])", r"\1--\2", value)
    if name == "thesisType":
        return thesis_key(value) or value
    if name == "edition":
        return re.sub(r"^(\d+)(st|nd|rd|th)$", r"\1", value)
    return value


def _type_fields(item: Item) -> dict[str, str]:
    """The item's fields under its type's names: a base-field name (`publicationTitle` in a book section,
    as Better BibTeX JSON has it) reaches the type's own field (`bookTitle`) unless that is filled."""
    valid = ITEM_FIELDS.get(item.item_type, ())
    out = {k: v for k, v in item.fields.items() if k in valid or not type_field(item.item_type, k)}
    for name, value in item.fields.items():
        home = type_field(item.item_type, name)
        if name not in valid and home and value and not out.get(home):
            out[home] = value
    return out


def item_to_bib(item: Item, key: str, dialect: str, *, unicode: bool, ctx: ExportContext,
                export_dir: Path | None, missing: set[str] | None = None) -> str:
    latex = dialect == "biblatex"
    fields = _type_fields(item)
    extra = split_extra(fields.get("extra", ""), dialect)
    entry_type, subtype = export_type(item.item_type, dialect, fields, {c.creator_type for c in item.creators})
    wanted = extra.tex.pop("entrytype", ("", False))[0].lower()
    if wanted and import_type(wanted, "") == import_type(entry_type, ""):
        entry_type = wanted  # the entry type the item was imported from (@mvcollection, @periodical...)
    elif extra.csl_type:
        entry_type = CSL_ENTRY_TYPES[extra.csl_type][0 if latex else 1]  # Better BibTeX's `type:` cheat
        subtype = ""
    if extra.tex.get("entrysubtype"):
        subtype = ""
    journal = arxiv_journal(item, fields)
    if latex and journal and not wanted and not extra.csl_type:
        entry_type, subtype = "unpublished", ""  # an arXiv preprint: biblatex has no journal for it
        fields = {k: v for k, v in fields.items() if k != "publicationTitle"}
    entry = _Entry(unicode, missing if missing is not None else set())
    if subtype:
        entry.raw("entrysubtype", "{" + subtype + "}")
    valid = ITEM_FIELDS.get(item.item_type, ())
    title_name = next((f for f in valid if base_field(f) == "title"), "title")
    entry.text("title", fields.get(title_name, ""))
    creators = [*item.creators, *(c for c, _line in extra.creators)]  # Extra's `editor: Last || First` too
    if latex:
        _biblatex_creators(item, creators, entry, entry_type)
    else:
        _bibtex_creators(item, creators, entry)
    if item.item_type == "patent" and fields.get("assignee"):
        entry.raw("holder", "{" + " and ".join("{" + escape(a.strip(), unicode=unicode) + "}"
                                               for a in fields["assignee"].split(";") if a.strip()) + "}")
    _cheat_dates(item.item_type, fields, extra, latex)
    _date(item.item_type, fields, entry, latex)
    for name in valid:
        if name == title_name or not fields.get(name):
            continue
        bib = bib_field(dialect, item.item_type, entry_type, name)
        if bib in ("origdate",) and latex:
            entry.raw(bib, "{" + (zotero_to_edtf(fields[name]) or fields[name]) + "}")
        elif bib:
            entry.text(bib, _field_value(fields, name, bib))
    if not latex and entry_type == "inproceedings":
        # BibTeX styles print no eventtitle: the conference names the proceedings (Better BibTeX #1069)
        entry.text("booktitle", fields.get("conferenceName", ""))
    _cheat_text(item.item_type, entry_type, dialect, extra, entry)
    if fields.get("language"):
        entry.text("langid", babel_name(fields["language"]))
    if latex and item.item_type == "preprint" and not fields.get("status"):
        entry.raw("pubstate", "{prepublished}")
    _identifiers(item, fields, extra, entry, latex=latex, journal=journal)
    entry.text("url", fields.get("url", ""))
    access = access_date(fields.get("accessDate", ""))
    entry.raw("urldate", "{" + access + "}" if access else "")
    for name, (value, raw) in extra.tex.items():
        if latex and name in ("origdate", "eventdate") and not raw:
            entry.raw(name, "{" + (zotero_to_edtf(value) or value) + "}")  # a Zotero date, as `date` is
        elif raw:  # `tex.field= value` is the user's literal LaTeX: it wins over what senref made (as in BBT)
            entry.fields[name] = "{" + value + "}"
        else:
            entry.text(name, value)
    for name, value in fields.items():
        if value and name not in valid and name not in ("extra", "citationKey"):
            extra.note.append(f"{name}: {value}")  # a field the type has no place for, as Zotero keeps it
    extra.note += [line for _value, line in extra.csl_dates.values()]  # no field took them
    entry.text("note", "\n".join(extra.note))
    # A comma separates keywords, so one inside a tag ("Kuhn, Thomas") would split it on import; Better
    # BibTeX drops it, and sorts the tags (Zotero's tags have no order).
    tags = sorted((re.sub(r"\s*,\s*", " ", t.tag).strip() for t in item.tags), key=_sort_key)
    if tags:
        entry.raw("keywords", "{" + ", ".join(escape(t, unicode=unicode) for t in tags) + "}")
    if item.notes:
        # One field: repeated annote/annotation fields break bibtexparser, pybtex and biber.
        entry.raw("annotation" if latex else "annote",
                  "{" + notes_to_latex([n.html for n in item.notes], unicode=unicode) + "}")
    files = []
    for att in item.attachments:
        location = exported_path(att, ctx, export_dir) or (att.url if att.link_mode == "linked_url" else "")
        if location:
            files.append(":".join(re.sub(r"([\\:;])", r"\\\1", part) for part in
                                  (att.title or "", location, att.content_type or "")))
    entry.raw("file", "{" + ";".join(files) + "}" if files else "")
    return entry.render(entry_type, key)
