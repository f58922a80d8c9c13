# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
"""Frozen copy of senref/formats/bibtex.py's import half (read_bib and what it calls), as of issue 15."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from senref.core.model import Attachment, Item
from senref.core.records import ImportProblem, ImportRecord
from senref.formats.base import file_attachment
from senref.formats.textio import open_text
from tests.formats._old import bibtex_parse as bp
from tests.formats._old import bibtex_read
from tests.formats._old.latex_decode import to_unicode


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
