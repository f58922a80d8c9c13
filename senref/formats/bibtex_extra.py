"""Zotero's Extra field as Better BibTeX reads and writes it: `tex.field: value` lines are .bib fields.

`tex.field: value` holds text (encoded on export), `tex.field= value` raw LaTeX written as it is;
`biblatex.`/`bibtex.` lines apply to that dialect only. `Citation Key:` lines and `field: value` lines
naming a Zotero field are not fields of the .bib entry; the rest of Extra becomes its `note`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from senref.core.model import BOOKKEEPING, Creator
from senref.core.schema import ALL_FIELDS, field_label, fields_for, type_field
from senref.formats.bibtex_map import CSL_ENTRY_TYPES
from senref.formats.csl_extra import csl_extra

#: Zotero's arXiv translator's Extra line (and journal name): `arXiv: 1401.2910 [quant-ph]`
ARXIV_LINE = re.compile(r"^\s*arxiv:\s*(\S+)(?:\s*\[([^\]]+)\])?\s*$", re.I)
_TEX_LINE = re.compile(r"^\s*(tex|biblatex|bibtex)\.([A-Za-z][\w-]*)\s*([:=])\s?(.*)$")
# "Type:" is the CSL type (Better BibTeX's item-type cheat), not the Zotero field of that label.
_LABELS = {field_label(name).lower(): name for name in ALL_FIELDS if name != "type"}


#: CSL variables of Extra lines with a BibLaTeX field of their own (the others go through their Zotero field)
BIBLATEX_HOMES: dict[str, str] = {"original-date": "origdate", "event-date": "eventdate", "original-title": "origtitle",
                                  "original-publisher": "origpublisher", "original-publisher-place": "origlocation",
                                  "event-place": "venue", "event-title": "eventtitle"}


@dataclass
class ExtraParts:
    """Extra split for export: .bib fields it carries (name -> (value, raw)), the CSL type of Better BibTeX's
    `type:` cheat, and the lines left for `note`."""

    tex: dict[str, tuple[str, bool]] = field(default_factory=dict)
    note: list[str] = field(default_factory=list)
    csl_type: str = ""
    arxiv: tuple[str, str] = ("", "")  # id and primary class of an `arXiv: id [class]` line
    #: Zotero's cheater syntax (`container-title: Friends`, `editor: Last || First`, `issued: 2011`): the
    #: writer places what has a field in the entry and hands the rest back to `note` (each with its line)
    csl_text: list[tuple[str, str, str]] = field(default_factory=list)
    csl_dates: dict[str, tuple[str, str]] = field(default_factory=dict)
    creators: list[tuple[Creator, str]] = field(default_factory=list)


def split_extra(extra: str, dialect: str) -> ExtraParts:
    parts = ExtraParts()
    for line in extra.splitlines():
        match = _TEX_LINE.match(line)
        if match:
            scope, name, sep, value = match.groups()
            if scope in ("tex", dialect):
                parts.tex.setdefault(name.lower(), (value.strip(), sep == "="))
            continue
        arxiv = ARXIV_LINE.match(line)
        if arxiv and not parts.arxiv[0]:
            parts.arxiv = (arxiv.group(1), arxiv.group(2) or "")
            continue
        label, sep, rest = line.partition(":")
        label = label.strip()
        if sep and (label.lower() in ("citation key", "bibtex key") or label in BOOKKEEPING):
            continue
        if sep and label.lower() == "type" and rest.strip().lower() in CSL_ENTRY_TYPES and not parts.csl_type:
            parts.csl_type = rest.strip().lower()
            continue
        if not _cheat(parts, line):
            parts.note.append(line)
    while parts.note and not parts.note[-1].strip():
        parts.note.pop()
    return parts


def _cheat(parts: ExtraParts, line: str) -> bool:
    """File a cheater-syntax line in *parts*; False when it is none."""
    found = csl_extra(line)
    if found.kept:
        return False
    for _var, creator in found.names:
        if not creator.creator_type:
            return False  # a CSL role Zotero has no creator type for: kept in note
        parts.creators.append((creator, line))
    for var, value in found.text.items():
        parts.csl_text.append((var, value, line))
    for var, value in found.dates.items():
        if var in parts.csl_dates:
            return False
        parts.csl_dates[var] = (value, line)
    return True


def tex_line(name: str, value: str, *, raw: bool = False) -> str:
    """The Extra line that keeps .bib field *name* (`tex.subtitle: The Sequel`)."""
    flat = re.sub(r"\s*\n\s*", " ", value).strip()
    return f"tex.{name}{'=' if raw else ':'} {flat}"


def apply_extra_lines(fields: dict[str, str], item_type: str, text: str) -> list[str]:
    """Set Zotero fields named by `field: value` lines of *text* (empty fields only); the other lines.

    Field names (`publicationTitle`) and Zotero's labels (`Original Date`) both count, through the base-field
    mapping (`publicationTitle` fills a book section's `bookTitle`); bookkeeping keys (`itemID`) are dropped.
    """
    kept: list[str] = []
    valid = set(fields_for(item_type))
    for line in text.splitlines():
        label, sep, rest = line.partition(":")
        name = label.strip()
        if sep and name in BOOKKEEPING:
            continue
        if sep and not _TEX_LINE.match(line) and rest.strip():
            zotero = name if name in ALL_FIELDS else _LABELS.get(name.lower(), "")
            home = type_field(item_type, zotero) if zotero else ""
            if home in valid and home not in ("extra", "citationKey") and not fields.get(home):
                fields[home] = rest.strip()
                continue
        kept.append(line)
    return kept
