"""BibTeX and BibLaTeX import and export (formats `bibtex` and `biblatex`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from senref.core.model import Attachment, Item
from senref.core.records import ImportProblem, ImportRecord
from senref.formats import bibtex_parse as bp
from senref.formats import bibtex_read, bibtex_write
from senref.formats.base import ExportContext, Format, file_attachment
from senref.formats.bibtex_map import ENTRY_TO_ZOTERO
from senref.formats.bibtex_read import KNOWN_ENTRY_TYPES
from senref.formats.citekeys import DEFAULT_PATTERN, KeyAssigner
from senref.formats.latex import to_unicode
from senref.formats.textio import open_text

_BIBTEX_TYPES = ("article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings", "manual",
                 "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished", "electronic", "www",
                 "patent", "string", "preamble", "comment")
_BIBLATEX_TYPES = tuple(sorted((set(ENTRY_TO_ZOTERO) | KNOWN_ENTRY_TYPES) - set(_BIBTEX_TYPES)))
# Leading blanks are [ \t], not \s: with re.M, \s* at every line start rescans all following blank
# lines, and a file of 60 000 newlines took ten seconds to sniff.
_SNIFF = re.compile(r"^[ \t]*@\s*(" + "|".join(_BIBTEX_TYPES + _BIBLATEX_TYPES) + r")\s*[{(]", re.I | re.M)
_BIBLATEX_ONLY = re.compile(r"(?:^|[\s,])(journaltitle|location|urldate|eprinttype|pubstate|maintitle|"
                            r"subtitle|titleaddon|origdate|eventdate|editoratype|entrysubtype)\s*=|"
                            r"^[ \t]*@\s*(" + "|".join(_BIBLATEX_TYPES) + r")\s*[{(]", re.I | re.M)


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
    base_dir = path.parent
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
            yield _record(entry, parents, base_dir, group_paths, explicit)
    for entry in deferred:
        yield _record(entry, parents, base_dir, group_paths, explicit)


_GROUP_SPLIT = re.compile(r"\s*,\s*")


def _record(entry: bp.Entry, parents: dict[str, bp.Entry], base_dir: Path, group_paths: dict[str, tuple[str, ...]],
            explicit: dict[str, list[tuple[str, ...]]]) -> ImportRecord | ImportProblem:
    try:
        item = entry_to_item(entry, parents, base_dir)
    except (ValueError, KeyError, IndexError) as exc:
        return ImportProblem(entry.line, f"@{entry.type}{{{entry.key}: {exc}; entry skipped")
    collections = list(explicit.get(entry.key, ())) if explicit else []
    groups = entry.fields.get("groups")
    for name in _GROUP_SPLIT.split(groups.strip()) if groups else ():
        if name:
            path = group_paths.get(name, (to_unicode(name),))
            if path not in collections:
                collections.append(path)
    return ImportRecord(item, collections, entry.line)


def entry_to_item(entry: bp.Entry, parents: dict[str, bp.Entry], base_dir: Path) -> Item:
    return bibtex_read.entry_to_item(entry, parents, base_dir,
                                     lambda value, folder, bare: parse_file_field(value, folder, bare=bare))


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
        if bare or len(parts) == 1 or re.match(r"^[A-Za-z][\w+.-]*://", record):
            title, path, mime = "", record, ""  # a bare path or URL (its colons are not separators)
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
    # LaTeX-encoded by default in both dialects, so pdflatex compiles the file; UTF-8 on request.
    flag = ctx.options.get("bibtex_unicode", "").lower()
    unicode = flag in ("1", "true", "yes", "unicode")
    taken = ctx.citation_keys.taken() if ctx.citation_keys is not None else set()
    keys = KeyAssigner(taken, ctx.options.get("citekey_pattern") or DEFAULT_PATTERN)
    for item in items:
        text = item_to_bib(item, keys.key_for(item), dialect, unicode=unicode, ctx=ctx, export_dir=ctx.export_dir)
        yield item.key, text + "\n"
    if ctx.citation_keys is not None and keys.assigned:
        ctx.citation_keys.persist(keys.assigned)


def item_to_bib(item: Item, key: str, dialect: str, *, unicode: bool, ctx: ExportContext,
                export_dir: Path | None) -> str:
    return bibtex_write.item_to_bib(item, key, dialect, unicode=unicode, ctx=ctx, export_dir=export_dir)
