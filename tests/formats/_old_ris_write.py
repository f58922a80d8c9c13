"""A frozen copy of senref.formats.ris's record writer as it was before the per-type plan (issue 15).

Kept only so test_ris_write_equivalence.py can prove the faster writer emits byte-identical records.
Never import this from senref.
"""

from __future__ import annotations

from pathlib import Path

from senref.core.model import Item
from senref.core.schema import type_field
from senref.formats.base import ExportContext
from senref.formats.ris import _attachments, _extra_lines, _name, _pages
from senref.formats.ris_dates import zotero_to_ris
from senref.formats.ris_map import BILL_ORDER, EXPORT_ORDER, EXPORT_TYPES, export_meaning


def ris_entry(item: Item, ctx: ExportContext) -> str:
    """One record, TY to ER, CRLF line ends, and the blank line that follows it in the file."""
    lines: list[str] = []
    for tag, value in item_to_ris(item, ctx, ctx.export_dir):
        parts = str(value).replace("\r\n", "\n").split("\n")
        lines.append(f"{tag}  - {parts[0]}\r\n")
        # Continuation lines: no tag, read back as part of the value (notes and abstracts keep breaks).
        lines += [f"{part}\r\n" for part in parts[1:] if part.strip() or tag in ("N1", "AB")]
    lines.append("\r\n")
    return "".join(lines)


def item_to_ris(item: Item, ctx: ExportContext, export_dir: Path | None) -> list[tuple[str, str]]:
    t = item.item_type
    f = item.fields
    out: list[tuple[str, str]] = [("TY", EXPORT_TYPES.get(t, "GEN"))]
    used: set[str] = set()
    creator_types: set[str] = set()
    ids_written: set[str] = set()
    for tag in BILL_ORDER if t == "bill" else EXPORT_ORDER:
        meaning = export_meaning(t, tag)
        if not meaning:
            continue
        if meaning.startswith("@"):
            creator_types.add(meaning[1:])
            out += [(tag, _name(c)) for c in item.creators if c.creator_type == meaning[1:]]
        elif meaning == "tags":
            out += [("KW", tag_.tag) for tag_ in item.tags]
        elif meaning == "note":
            out += [("N1", note.html) for note in item.notes]
        elif meaning.startswith("file:"):
            out += _attachments(item, ctx, export_dir, meaning[5:])
        elif meaning == "DOI":
            out.append(("DO", item.identifiers.get("doi", "")))
            ids_written.add("doi")
        else:
            name = type_field(t, meaning)
            # DA and PY always carry the type's date, even where a C tag already holds it (a patent's
            # issue date is C2 too): readers look for the date there.
            if not name or (name in used and tag not in ("DA", "PY")):
                continue
            used.add(name)
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
    out += [("M2", line) for line in _extra_lines(item, used, creator_types, ids_written).splitlines() if line]
    out.append(("ER", ""))
    return [(tag, value) for tag, value in out if value or tag == "ER"]

