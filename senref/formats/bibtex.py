"""BibTeX and BibLaTeX import and export (formats `bibtex` and `biblatex`)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from senref.core.model import Attachment, Item, Note
from senref.core.records import ImportProblem, ImportRecord
from senref.formats import bibtex_parse as bp
from senref.formats.base import ExportContext, Format, file_attachment
from senref.formats.bibtex_map import (
    BIBLATEX_TYPES,
    BIBTEX_TYPES,
    CREATOR_TO_FIELD,
    ENTRY_TO_ZOTERO,
    NAME_FIELDS,
    SIMPLE_FIELDS,
    clean_pages,
    zotero_field,
)
from senref.formats.citekeys import DEFAULT_PATTERN, KeyAssigner
from senref.formats.dates import date_parts, iso_date
from senref.formats.exportfiles import exported_path
from senref.formats.latex import escape, escape_rich, protect_case, to_unicode, to_unicode_verbatim
from senref.formats.names import format_names, parse_names
from senref.formats.textio import open_text

# Leading blanks are [ \t], not \s: with re.M, \s* at every line start rescans all following blank
# lines, and a file of 60 000 newlines took ten seconds to sniff.
_SNIFF = re.compile(r"^[ \t]*@\s*(article|book|inbook|incollection|inproceedings|conference|misc|phdthesis|"
                    r"mastersthesis|thesis|techreport|report|unpublished|online|string|preamble|comment|"
                    r"manual|booklet|proceedings|collection|software|dataset|patent|electronic|www)\s*[{(]",
                    re.I | re.M)
_BIBLATEX_ONLY = re.compile(r"(?:^|[\s,])(journaltitle|location|urldate|eprinttype|langid|pubstate)\s*=|"
                            r"^[ \t]*@\s*(online|thesis|report|software|dataset|collection|mvbook)\s*[{(]", re.I | re.M)
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_VERBATIM = frozenset({"url", "doi", "file", "eprint", "pdf", "path", "isbn", "issn", "pmid", "pmcid", "hal_id"})
_NOTE_FIELDS = ("annote", "annotation", "comment", "review", "notes")


class BibTeXFormat(Format):
    name = "bibtex"
    label = "BibTeX"
    extensions = (".bib", ".bibtex")
    dialect = "bibtex"

    def sniff(self, head: str) -> bool:
        return bool(_SNIFF.search(head)) and not _BIBLATEX_ONLY.search(head)

    per_entry = True
    newline = "\n"  # LaTeX tools expect LF everywhere; no CRLF on Windows either

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        return read_bib(path)

    def write(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        return self.write_entries(items, path, ctx)

    def render_entries(self, items: Iterable[Item], ctx: ExportContext) -> Iterator[tuple[str, str]]:
        return render_bib_entries(items, ctx, self.dialect)


class BibLaTeXFormat(BibTeXFormat):
    name = "biblatex"
    label = "BibLaTeX"
    extensions = (".bib", ".biblatex")
    dialect = "biblatex"

    def sniff(self, head: str) -> bool:
        return bool(_SNIFF.search(head)) and bool(_BIBLATEX_ONLY.search(head))


# -- import ---------------------------------------------------------------------------------------------
def _open(path: Path) -> IO[str]:
    # Old .bib files are often Latin-1; decoding errors must not abort the import. UTF-16 has a BOM.
    return open_text(path)


def read_bib(path: Path) -> Iterator[ImportRecord | ImportProblem]:
    with _open(path) as handle:
        targets, group_text = bp.scan_file(handle)
    group_paths, explicit = bp.parse_jabref_groups(group_text) if group_text else ({}, {})
    parents: dict[str, bp.Entry] = {}
    deferred: list[bp.Entry] = []
    with _open(path) as handle:
        for entry in bp.iter_entries(handle):
            if isinstance(entry, bp.Problem):
                yield ImportProblem(entry.line, entry.message)
                continue
            if entry.key.lower() in targets:
                parents[entry.key.lower()] = entry
            crossref = entry.fields.get("crossref", "").strip().lower()
            if crossref and crossref not in parents:
                deferred.append(entry)  # its parent comes later in the file (the usual BibTeX order)
                continue
            yield _record(entry, parents, path.parent, group_paths, explicit)
    for entry in deferred:
        yield _record(entry, parents, path.parent, group_paths, explicit)


def _record(entry: bp.Entry, parents: dict[str, bp.Entry], base_dir: Path, group_paths: dict[str, tuple[str, ...]],
            explicit: dict[str, list[tuple[str, ...]]]) -> ImportRecord | ImportProblem:
    try:
        item = entry_to_item(entry, parents, base_dir)
    except (ValueError, KeyError, IndexError) as exc:
        return ImportProblem(entry.line, f"@{entry.type}{{{entry.key}: {exc}; entry skipped")
    collections = list(explicit.get(entry.key, []))
    for name in re.split(r"\s*,\s*", entry.fields.get("groups", "").strip()):
        if name:
            path = group_paths.get(name, (to_unicode(name),))
            if path not in collections:
                collections.append(path)
    return ImportRecord(item, collections, entry.line)


def entry_to_item(entry: bp.Entry, parents: dict[str, bp.Entry], base_dir: Path) -> Item:
    raw = dict(entry.fields)
    parent = parents.get(raw.get("crossref", "").strip().lower())
    if parent is not None:
        for name, value in parent.fields.items():
            if name == "title" and parent.type in ("proceedings", "book", "collection", "mvbook", "mvcollection"):
                raw.setdefault("booktitle", value)
            elif name not in ("title", "shorttitle", "crossref", "ids"):
                raw.setdefault(name, value)
    etype = entry.type.lower()
    item_type = ENTRY_TO_ZOTERO.get(etype, "document")
    if etype == "misc" and (raw.get("eprinttype", "") or raw.get("archiveprefix", "")).lower() == "arxiv":
        item_type = "preprint"
    if etype == "online" and raw.get("pubstate", "").lower() == "prepublished":
        item_type = "preprint"
    item = Item(item_type=item_type)

    def val(name: str, *, rich: bool = False) -> str:
        value = raw.get(name, "")
        if not value:
            return ""
        if name in _VERBATIM:
            return to_unicode_verbatim(value).strip()
        return re.sub(r"\s+", " ", to_unicode(value, html=rich)).strip()

    def put(base: str, value: str) -> None:
        name = zotero_field(item_type, base)
        if value and name and not item.fields.get(name):
            item.fields[name] = value

    title = val("title", rich=True)
    subtitle = val("subtitle", rich=True)
    put("title", f"{title}: {subtitle}" if title and subtitle else title or subtitle)
    for bib, base in SIMPLE_FIELDS.items():
        if base and bib != "title":
            put(base, val(bib))
    if item.fields.get("pages"):
        item.fields["pages"] = clean_pages(item.fields["pages"])
    container = val("journaltitle") or val("journal")
    if item_type in ("bookSection", "conferencePaper", "encyclopediaArticle") or not container:
        container = val("booktitle", rich=True) or container
    put("publicationTitle", container)
    if item_type == "conferencePaper" and not item.fields.get("conferenceName"):
        put("conferenceName", val("eventtitle"))
    for name in ("publisher", "school", "institution", "organization"):
        put("publisher", val(name))
    put("place", val("location") or val("address"))
    number = val("number") or val("issue")
    if number:
        for target in {"journalArticle": ("issue",), "report": ("number",), "patent": ("number",),
                       "book": ("seriesNumber",), "bookSection": ("seriesNumber",), "thesis": ("seriesNumber",)
                       }.get(item_type, ("issue", "number", "seriesNumber")):
            if zotero_field(item_type, target):
                put(target, number)
                break
    if val("issue") and item_type == "journalArticle":
        item.fields["issue"] = val("issue")
    kind = val("type")
    if item_type == "thesis" and not kind:
        kind = {"phdthesis": "PhD Thesis", "mastersthesis": "Master's Thesis"}.get(etype, "")
    put("type", kind)
    date = val("date")
    if date:
        item.fields["date"] = iso_date(date_parts(date)) or date if "/" not in date else date
    elif val("year"):
        year = val("year")
        month = val("month")
        parts = date_parts(year)
        if month and parts:
            month_num = int(month) if month.isdigit() else [*date_parts(f"{month} {parts[0]}"), 0, 0][1]
            if 1 <= month_num <= 12:
                parts = [parts[0], month_num]
                if val("day").isdigit():
                    parts.append(int(val("day")))
        item.fields["date"] = iso_date(parts) if parts else year
    if item.fields.get("accessDate"):
        item.fields["accessDate"] = iso_date(date_parts(item.fields["accessDate"])) or item.fields["accessDate"]
    howpublished = val("howpublished")
    if howpublished.startswith(("http://", "https://")):
        put("url", howpublished)
    elif howpublished:
        put("publisher", howpublished)
    extra = [val("note")] if val("note") else []
    if extra:
        item.fields["extra"] = "\n".join(extra)
    for field_name, creator_type in NAME_FIELDS.items():
        if raw.get(field_name):
            item.creators.extend(parse_names(raw[field_name], creator_type))
    _identifiers(item, raw, val)
    for name in re.split(r"\s*[,;]\s*", val("keywords")):
        item.add_tag(name.strip())
    for name in _NOTE_FIELDS:
        text = raw.get(name, "").strip()
        if text:
            for part in [p for p in text.split("\n\n") if p.strip()] if "<" in text else [text]:
                body = to_unicode(part.strip(), html=True) if "<" not in part else part.strip()
                item.notes.append(Note(html=body if body.startswith("<") else f"<p>{html.escape(body, quote=False)}</p>"))
    for name in ("file", "pdf", "path", "local-url"):
        if raw.get(name):
            item.attachments.extend(parse_file_field(raw[name], base_dir, bare=name != "file"))
    if entry.key:
        item.fields["citationKey"] = entry.key
    return item


def _identifiers(item: Item, raw: dict[str, str], val: object) -> None:
    get = val  # typed loosely: the closure from entry_to_item
    assert callable(get)
    if raw.get("doi"):
        item.set_identifier("doi", get("doi"))
    if raw.get("isbn") and not item.set_identifier("isbn", get("isbn")) and "ISBN" in item.fields:
        item.fields.setdefault("ISBN", get("isbn"))
    for name, scheme in (("pmid", "pmid"), ("pmcid", "pmcid"), ("hal_id", "hal"), ("arxivid", "arxiv")):
        if raw.get(name):
            item.set_identifier(scheme, get(name))
    eprint = get("eprint")
    kind = (raw.get("eprinttype") or raw.get("archiveprefix") or "").strip().lower()
    if eprint:
        eprint_scheme = {"arxiv": "arxiv", "pubmed": "pmid", "hal": "hal", "pmc": "pmcid"}.get(kind)
        if eprint_scheme:
            item.set_identifier(eprint_scheme, eprint)


_FILE_SPLIT = re.compile(r"(?<!\\);")
_PART_SPLIT = re.compile(r"(?<!\\):")


def parse_file_field(value: str, base_dir: Path, *, bare: bool = False) -> list[Attachment]:
    """JabRef/Mendeley/Zotero `desc:path:type;...` records, or a bare path, into attachments."""
    out: list[Attachment] = []
    value = value.replace("$\\backslash$", "\\").replace("\\~{}", "~")
    records = [value] if bare else _FILE_SPLIT.split(value)
    for raw_record in records:
        record = raw_record.strip()
        if not record:
            continue
        parts = _PART_SPLIT.split(record)
        if bare or len(parts) == 1:
            title, path, mime = "", record, ""
        elif len(parts) == 2:
            title, path, mime = parts[0], parts[1], ""
        else:
            title, path, mime = parts[0], ":".join(parts[1:-1]), parts[-1]
        unesc = re.compile(r"\\([:;\\{}_%&#$])")
        path = unesc.sub(r"\1", path).strip()
        if re.match(r"^[A-Za-z]$", title) and path.startswith("\\"):
            title, path = "", f"{title}:{path}"  # a Windows drive letter split off as the "description"
        mime = unesc.sub(r"\1", mime).strip()
        mime = {"pdf": "application/pdf", "PDF": "application/pdf", "html": "text/html"}.get(mime, mime)
        found = file_attachment(path, base_dir, title=to_unicode(unesc.sub(r"\1", title)), content_type=mime if "/" in mime else "")
        if found is not None:
            out.append(found)
    return out


# -- export ---------------------------------------------------------------------------------------------
def write_bib(items: Iterable[Item], path: Path, ctx: ExportContext, dialect: str) -> int:
    """Write *items* to *path* in *dialect* (`bibtex` or `biblatex`); the count written."""
    fmt = BibLaTeXFormat() if dialect == "biblatex" else BibTeXFormat()
    return fmt.write_entries(items, path, ctx)


def render_bib_entries(items: Iterable[Item], ctx: ExportContext, dialect: str) -> Iterator[tuple[str, str]]:
    """(item key, entry) per item; each entry ends with the blank line that follows it in the file."""
    default_unicode = dialect == "biblatex"
    flag = ctx.options.get("bibtex_unicode", "").lower()
    unicode = default_unicode if flag == "" else flag in ("1", "true", "yes", "unicode")
    taken = ctx.citation_keys.taken() if ctx.citation_keys is not None else set()
    keys = KeyAssigner(taken, ctx.options.get("citekey_pattern") or DEFAULT_PATTERN)
    for item in items:
        text = item_to_bib(item, keys.key_for(item), dialect, unicode=unicode, ctx=ctx, export_dir=ctx.export_dir)
        yield item.key, text + "\n"
    if ctx.citation_keys is not None and keys.assigned:
        ctx.citation_keys.persist(keys.assigned)


def item_to_bib(item: Item, key: str, dialect: str, *, unicode: bool, ctx: ExportContext,
                export_dir: Path | None) -> str:
    latex = dialect == "biblatex"
    entry_type = (BIBLATEX_TYPES if latex else BIBTEX_TYPES).get(item.item_type, "misc")
    fields: list[tuple[str, str]] = []
    f = item.fields

    def add(name: str, value: str, *, rich: bool = False, protect: bool = False, raw: bool = False) -> None:
        value = value.strip()
        if not value:
            return
        if raw:
            encoded = value.replace("{", "").replace("}", "")
        else:
            encoded = escape_rich(value, unicode=unicode) if rich else escape(value, unicode=unicode)
            if protect:
                encoded = protect_case(encoded)
        fields.append((name, "{" + encoded + "}"))

    if item.item_type == "thesis" and not latex and re.search(r"master|\bma\b|msc|m\.s", f.get("thesisType", ""), re.I):
        entry_type = "mastersthesis"
    if latex and item.item_type == "book" and not any(c.creator_type == "author" for c in item.creators) \
            and any(c.creator_type == "editor" for c in item.creators):
        entry_type = "collection"
    by_field: dict[str, list] = {}  # type: ignore[type-arg]
    for creator in item.creators:
        target = CREATOR_TO_FIELD.get(creator.creator_type, "author" if creator.creator_type not in CREATOR_TO_FIELD else "")
        if not latex and target == "bookauthor":
            continue  # stock BibTeX has no bookauthor (Zotero drops it too)
        by_field.setdefault(target, []).append(creator)
    for name in ("author", "editor", "translator", "bookauthor", "collaborator"):
        if by_field.get(name):
            fields.append((name, "{" + format_names(by_field[name], unicode=unicode) + "}"))
    add("title", f.get("title", ""), rich=True, protect=True)
    add("shorttitle", f.get("shortTitle", ""), rich=True, protect=True)
    pub = item.publication
    if pub:
        if item.item_type in ("bookSection", "conferencePaper", "encyclopediaArticle"):
            add("booktitle", pub, rich=True, protect=True)
        elif item.item_type in ("journalArticle", "magazineArticle", "newspaperArticle", "preprint") or not latex:
            add("journaltitle" if latex else "journal", pub, rich=True)
        else:
            add("booktitle" if item.item_type != "webpage" else "organization", pub, rich=True)
    if latex:
        add("eventtitle", f.get("conferenceName", ""))
        add("shortjournal", f.get("journalAbbreviation", ""))
    parts = date_parts(f.get("date", ""))
    if latex:
        add("date", iso_date(parts) if parts else f.get("date", ""))
    elif parts:
        add("year", str(parts[0]))
        if len(parts) > 1 and 1 <= parts[1] <= 12:
            fields.append(("month", MONTH_MACROS[parts[1] - 1]))
        if len(parts) > 2:
            add("date", iso_date(parts))
    elif f.get("date"):
        add("year", f["date"])
    add("volume", f.get("volume", ""))
    number = f.get("issue") or f.get("reportNumber") or f.get("patentNumber") or f.get("number") or f.get("seriesNumber", "")
    add("number", number)
    add("pages", f.get("pages", "").replace("–", "--").replace("—", "--"), raw=False)
    publisher = f.get("publisher") or ""
    if item.item_type == "thesis":
        add("institution" if latex else "school", f.get("university", ""))
    elif item.item_type == "report":
        add("institution", f.get("institution", ""))
    elif item.item_type == "preprint" and latex:
        add("organization", f.get("repository", ""))
    else:
        add("publisher", publisher or f.get("company", ""))
    add("location" if latex else "address", f.get("place", ""))
    add("edition", f.get("edition", ""))
    add("series", f.get("series", "") or f.get("seriesTitle", ""))
    kind = f.get("thesisType") or f.get("reportType") or f.get("genre") or f.get("type", "")
    if not (item.item_type == "thesis" and not latex and kind in ("PhD Thesis", "Master's Thesis")):
        add("type", kind)
    if latex and item.item_type == "preprint":
        fields.append(("pubstate", "{prepublished}"))
    ids = item.identifiers
    add("doi", ids.get("doi", ""), raw=True)
    add("isbn", ids.get("isbn", "") or f.get("ISBN", ""), raw=True)
    add("issn", f.get("ISSN", ""), raw=True)
    if ids.get("arxiv"):
        add("eprint", ids["arxiv"], raw=True)
        fields.append(("eprinttype" if latex else "archiveprefix", "{arXiv}"))
    add("pmid", ids.get("pmid", ""), raw=True)
    add("pmcid", ids.get("pmcid", ""), raw=True)
    if ids.get("hal"):
        add("hal_id", ids["hal"] + (f"v{item.hal_version}" if item.hal_version else ""), raw=True)
    add("url", f.get("url", ""), raw=True)
    access = date_parts(f.get("accessDate", ""))
    add("urldate", iso_date(access) if access else "")
    add("abstract", f.get("abstractNote", ""))
    add("langid" if latex else "language", f.get("language", ""))
    add("copyright" if not latex else "rights", f.get("rights", ""))
    add("note", f.get("extra", ""))
    tags = [t.tag for t in item.tags]
    if tags:
        fields.append(("keywords", "{" + ", ".join(escape(t, unicode=unicode) for t in tags) + "}"))
    if item.notes:
        # One field: repeated annote/annotation fields break bibtexparser, pybtex and biber.
        fields.append(("annotation" if latex else "annote",
                       "{" + escape("\n\n".join(n.html for n in item.notes), unicode=unicode) + "}"))
    files = []
    for att in item.attachments:
        location = exported_path(att, ctx, export_dir) or (att.url if att.link_mode == "linked_url" else "")
        if location:
            files.append(":".join(re.sub(r"([\\:;])", r"\\\1", part) for part in
                                  (att.title or "", location, att.content_type or "")))
    if files:
        fields.append(("file", "{" + ";".join(files) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields if name)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"
