"""RIS import and export (format `ris`), following Zotero's RIS translator (RIS.js).

Tag meanings per item type are in `ris_map`, the import rules in `ris_read`. What RIS has no tag for
travels as Extra-style `name: value` lines in M2, the tag Zotero imports as Extra: fields of the item
type (`codePages: 12`), creators without a tag (`reviewedAuthor: Last || First`), identifiers
(`PMID: 1`), and `Type: podcast` for a type whose TY reads back as another type. senref's importer
puts each back in place; Zotero keeps them in Extra.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from senref.core.model import Creator, Item
from senref.core.schema import type_field
from senref.formats.base import ExportContext, Format, ImportProblem, ImportRecord, extra_with_identifiers
from senref.formats.exportfiles import exported_path
from senref.formats.ris_clean import ProCite, TagValue
from senref.formats.ris_dates import zotero_to_ris
from senref.formats.ris_map import BILL_ORDER, EXPORT_ORDER, EXPORT_TYPES, export_meaning, needs_type_line
from senref.formats.ris_read import record_to_item
from senref.formats.textio import open_text

_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
#: continuation lines of these tags are separate values (RIS.js preserveNewLines)
_KEEP_LINES = ("KW", "L1", "L2", "L3", "L4")
#: continuation lines of these tags may start a new line of text (RIS.js's line-length guess)
_TEXT_TAGS = ("AB", "N1", "N2", "RN")
#: fields the writer never puts in M2 (Extra itself, and what other tags carry)
_NOT_EXTRA = frozenset({"extra"})


class RisFormat(Format):
    name = "ris"
    label = "RIS"
    extensions = (".ris",)
    per_entry = True
    newline = ""  # RIS lines end in CRLF on every platform (the spec, and what Zotero writes)

    def sniff(self, head: str) -> bool:
        lines = [ln.lstrip("\ufeff") for ln in head.splitlines() if ln.strip()][:5]
        return any(re.match(r"^\s*TY {1,2}- ", ln) for ln in lines)

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        procite = ProCite()  # once a record is known to be ProCite's, the whole file is
        found = 0
        for kind, payload, line in _records(path):
            if kind == "problem":
                yield ImportProblem(line, str(payload))
                continue
            found += 1
            assert isinstance(payload, list)
            try:
                yield ImportRecord(record_to_item(payload, path.parent, procite), [], line)
            except (ValueError, KeyError, IndexError) as exc:
                yield ImportProblem(line, f"RIS record unreadable: {exc}")
        if not found:
            yield ImportProblem(1, "no RIS record found (a record starts with a 'TY  - ' line)")

    def write(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        return self.write_entries(items, path, ctx)

    def render_entries(self, items: Iterable[Item], ctx: ExportContext) -> Iterator[tuple[str, str]]:
        for item in items:
            yield item.key, ris_entry(item, ctx)


_LINE_BREAKS = re.compile(r"\s?[\u2028\u2029]|[\u2028\u2029]\s?")


def _records(path: Path) -> Iterator[tuple[str, list[TagValue] | str, int]]:
    """("record", tag values, first line) per record and ("problem", message, line) per oddity."""
    record: list[TagValue] | None = None
    current: TagValue | None = None
    start = 0
    stray = False
    max_len = 0
    last_len = 0
    with open_text(path) as handle:
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n").replace("\ufeff", "")
            # Some services break lines with U+2028/U+2029 (RIS.js); they are spaces in a value.
            if "\u2028" in line or "\u2029" in line:  # rare; the substitution per line was 4 % of a RIS import
                line = _LINE_BREAKS.sub(" ", line)
            match = _LINE.match(line)
            if match:
                max_len = max(max_len, len(line))
                last_len = len(line)
                tag, value = match.group(1), match.group(2) or ""
                current = None
                if tag == "TY":
                    if record is not None:  # no ER before the next TY: Zotero imports it anyway
                        yield "record", record, start
                    record, start, stray = [TagValue("TY", value, lineno)], lineno, False
                elif tag == "ER":
                    if record is not None:
                        yield "record", record, start
                    record = None
                elif record is None:
                    if not stray:  # one message per run of stray lines, not one per line
                        yield "problem", f"{tag} line outside a record (no TY line before it); ignored", lineno
                    stray = True
                else:
                    current = TagValue(tag, value, lineno)
                    record.append(current)
                continue
            if current is None:
                continue
            max_len = max(max_len, len(line))
            clean = line.strip()
            text_break = current.tag in _TEXT_TAGS and (max_len > 85 or last_len < 65 or not clean)
            if text_break or current.tag in _KEEP_LINES:
                current.value += "\n" + clean
            elif clean:
                current.value += clean if current.value.endswith(" ") else " " + clean
            last_len = len(line)
    if record is not None:
        yield "record", record, start


def _name(c: Creator) -> str:
    return c.name or c.last_name if c.name or not c.first_name else f"{c.last_name}, {c.first_name}"


def ris_entry(item: Item, ctx: ExportContext) -> str:
    """One record, TY to ER, CRLF line ends, and the blank line that follows it in the file."""
    lines: list[str] = []
    for tag, value in item_to_ris(item, ctx, ctx.export_dir):
        text = str(value)
        if "\n" not in text and "\r" not in text:
            lines.append(f"{tag}  - {text}\r\n")
            continue
        parts = text.replace("\r\n", "\n").split("\n")
        lines.append(f"{tag}  - {parts[0]}\r\n")
        # Continuation lines: no tag, read back as part of the value (notes and abstracts keep breaks).
        lines += [f"{part}\r\n" for part in parts[1:] if part.strip() or tag in ("N1", "AB")]
    lines.append("\r\n")
    return "".join(lines)


def _pages(value: str) -> list[tuple[str, str]]:
    # Only a plain hyphenated range is split: SP/EP would lose "12, 15-17" or an en dash.
    match = re.match(r"^\s*([^\s,;-]+)\s*-\s*([^\s,;-]+)\s*$", value)
    return [("SP", match.group(1)), ("EP", match.group(2))] if match else [("SP", value)]


@dataclass(frozen=True)
class _Plan:
    """What each tag of an item type's record carries, worked out once per type rather than per item.

    `steps` are (tag, meaning, field): the field is the type's own for a plain field meaning, "" for
    creators (`@role`), tags, notes, files and the DOI. `used` and `creator_types` are what the
    record's tags took, so that Extra's M2 lines carry only the rest.
    """

    steps: tuple[tuple[str, str, str], ...]
    used: frozenset[str]
    creator_types: frozenset[str]


@cache
def _plan(item_type: str) -> _Plan:
    steps: list[tuple[str, str, str]] = []
    used: set[str] = set()
    creator_types: set[str] = set()
    for tag in BILL_ORDER if item_type == "bill" else EXPORT_ORDER:
        meaning = export_meaning(item_type, tag)
        if not meaning:
            continue
        if meaning.startswith("@"):
            creator_types.add(meaning[1:])
        elif meaning not in ("tags", "note", "DOI") and not meaning.startswith("file:"):
            name = type_field(item_type, meaning)
            # DA and PY always carry the type's date, even where a C tag already holds it (a patent's
            # issue date is C2 too): readers look for the date there.
            if not name or (name in used and tag not in ("DA", "PY")):
                continue
            used.add(name)
            steps.append((tag, meaning, name))
            continue
        steps.append((tag, meaning, ""))
    return _Plan(tuple(steps), frozenset(used), frozenset(creator_types))


def item_to_ris(item: Item, ctx: ExportContext, export_dir: Path | None) -> list[tuple[str, str]]:
    t = item.item_type
    f = item.fields
    plan = _plan(t)
    out: list[tuple[str, str]] = [("TY", EXPORT_TYPES.get(t, "GEN"))]
    ids_written: set[str] = set()
    for tag, meaning, name in plan.steps:
        if name:
            value = f.get(name, "")
            if name == "ISBN":  # an ISBN senref could not normalise stays in the field as given
                ids_written.add("isbn")
                value = item.identifiers.get("isbn") or value
            if not value:
                continue
            if tag in ("DA", "PY", "Y2"):
                da, py = zotero_to_ris(value)
                out.append((tag, py if tag == "PY" else da))
            elif tag == "SP" and name == "pages":
                out += _pages(value)
            else:
                out.append((tag, value))
        elif meaning.startswith("@"):
            out += [(tag, _name(c)) for c in item.creators if c.creator_type == meaning[1:]]
        elif meaning == "tags":
            out += [("KW", tag_.tag) for tag_ in item.tags]
        elif meaning == "note":
            out += [("N1", note.html) for note in item.notes]
        elif meaning.startswith("file:"):
            out += _attachments(item, ctx, export_dir, meaning[5:])
        else:  # the DOI
            out.append(("DO", item.identifiers.get("doi", "")))
            ids_written.add("doi")
    out += [("M2", line) for line in _extra_lines(item, plan.used, plan.creator_types, ids_written).splitlines()
            if line]
    out.append(("ER", ""))
    return [(tag, value) for tag, value in out if value or tag == "ER"]


def _extra_lines(item: Item, used: Collection[str], creator_types: Collection[str], ids_written: set[str]) -> str:
    """Extra plus `name: value` lines for what no tag carried (read back by `ris_read`)."""
    lines = [f"Type: {item.item_type}"] if needs_type_line(item.item_type) else []
    for name, value in item.fields.items():
        if value and name not in used and name not in _NOT_EXTRA:
            lines.append(f"{name}: {value}")
    for c in item.creators:
        if c.creator_type not in creator_types:
            lines.append(f"{c.creator_type}: " + (c.name or f"{c.last_name} || {c.first_name}"))
    extra = extra_with_identifiers(item, tuple(ids_written))
    return "\n".join([*lines, extra]) if extra else "\n".join(lines)


def _attachments(item: Item, ctx: ExportContext, export_dir: Path | None, kind: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for att in item.attachments:
        location = exported_path(att, ctx, export_dir)
        if location:
            is_pdf = att.content_type == "application/pdf" or location.lower().endswith(".pdf")
            tag = "L1" if is_pdf else "L4"
        elif att.url:
            tag, location = "L2", att.url
        else:
            continue
        if {"pdf": "L1", "html": "L2", "other": "L4"}[kind] == tag:
            out.append((tag, location))
    return out
