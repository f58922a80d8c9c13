"""RIS import and export (format `ris`), following Zotero's RIS translator."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from senref.core.model import Attachment, Creator, Item, Note
from senref.formats.base import (
    ExportContext,
    Format,
    ImportProblem,
    ImportRecord,
    apply_extra,
    extra_with_identifiers,
    file_attachment,
)
from senref.formats.bibtex_map import zotero_field
from senref.formats.dates import date_parts
from senref.formats.exportfiles import exported_path
from senref.formats.textio import open_text

_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|\s*)$")
IMPORT_TYPES: dict[str, str] = {
    "JOUR": "journalArticle", "JFULL": "journalArticle", "EJOUR": "journalArticle", "ABST": "journalArticle",
    "INPR": "journalArticle", "GEN": "journalArticle", "MGZN": "magazineArticle", "NEWS": "newspaperArticle",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "SER": "book", "CHAP": "bookSection",
    "ECHAP": "bookSection", "THES": "thesis", "RPRT": "report", "CONF": "conferencePaper",
    "CPAPER": "conferencePaper", "ELEC": "webpage", "WEB": "webpage", "ICOMM": "webpage", "DATA": "dataset",
    "UNPB": "manuscript", "MANSCPT": "manuscript", "PAT": "patent", "COMP": "computerProgram",
    "ENCYC": "encyclopediaArticle", "DICT": "encyclopediaArticle", "STAND": "standard", "PCOMM": "letter",
}
EXPORT_TYPES: dict[str, str] = {
    "journalArticle": "JOUR", "magazineArticle": "MGZN", "newspaperArticle": "NEWS", "book": "BOOK",
    "bookSection": "CHAP", "thesis": "THES", "report": "RPRT", "conferencePaper": "CONF", "webpage": "ELEC",
    "dataset": "DATA", "manuscript": "UNPB", "patent": "PAT", "computerProgram": "COMP",
    "encyclopediaArticle": "ENCYC", "standard": "STAND", "letter": "PCOMM",
}
#: tags that never depend on the type: tag -> Zotero base field
SIMPLE = {"AB": "abstractNote", "N2": "abstractNote", "AN": "archiveLocation", "CN": "callNumber",
          "DB": "archive", "DP": "libraryCatalog", "J2": "journalAbbreviation", "JA": "journalAbbreviation",
          "ST": "shortTitle", "UR": "url", "LA": "language", "ET": "edition", "VL": "volume", "IS": "issue",
          "NV": "numberOfVolumes", "M3": "type", "PB": "publisher", "CY": "place"}
#: private tag for Extra and identifiers RIS has no tag for (Zotero keeps unknown tags in a note)
EXTRA_TAG = "C8"


class RisFormat(Format):
    name = "ris"
    label = "RIS"
    extensions = (".ris",)

    def sniff(self, head: str) -> bool:
        lines = [ln for ln in head.splitlines() if ln.strip()][:5]
        return any(re.match(r"^TY  ?- ", ln) for ln in lines)

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        with open_text(path) as handle:
            record: list[tuple[str, str]] | None = None
            start = found = 0
            stray = False
            for lineno, raw in enumerate(handle, start=1):
                line = raw.rstrip("\r\n").replace("\ufeff", "")
                match = _LINE.match(line)
                if match:
                    tag, value = match.group(1), (match.group(2) or "").strip()
                    if tag == "TY":
                        if record is not None:  # no ER before the next TY: Zotero imports it anyway
                            yield self._build(record, start, path.parent)
                        record, start = [("TY", value)], lineno
                        found += 1
                        stray = False
                    elif tag == "ER":
                        if record is None:
                            continue
                        yield self._build(record, start, path.parent)
                        record = None
                    elif record is None:
                        if not stray:  # one message per run of stray lines, not one per line
                            yield ImportProblem(lineno, f"{tag} line outside a record (no TY line before it); ignored")
                        stray = True
                    else:
                        record.append((tag, value))
                elif line.strip() and record is not None:
                    # Continuation line: joined to the previous field; KW/L1/L2/L4 keep one value per line.
                    tag, value = record[-1]
                    if tag in ("KW", "L1", "L2", "L3", "L4"):
                        record.append((tag, line.strip()))
                    else:
                        record[-1] = (tag, f"{value}\n{line.strip()}" if tag in ("AB", "N1", "N2") else f"{value} {line.strip()}")
            if record is not None:
                yield self._build(record, start, path.parent)
            if not found:
                yield ImportProblem(1, "no RIS record found (a record starts with a 'TY  - ' line)")

    def _build(self, record: list[tuple[str, str]], line: int, base_dir: Path) -> ImportRecord | ImportProblem:
        try:
            return ImportRecord(record_to_item(record, base_dir), [], line)
        except (ValueError, KeyError) as exc:
            return ImportProblem(line, f"RIS record unreadable: {exc}")

    per_entry = True
    newline = ""  # RIS lines end in CRLF on every platform (the spec, and what Zotero writes)

    def write(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        return self.write_entries(items, path, ctx)

    def render_entries(self, items: Iterable[Item], ctx: ExportContext) -> Iterator[tuple[str, str]]:
        for item in items:
            yield item.key, ris_entry(item, ctx)


def _creator(value: str, creator_type: str) -> Creator:
    if "," in value:
        last, _, first = value.partition(",")
        first = first.strip()
        if "," in first:  # "Last, First, Jr."
            given, _, suffix = first.partition(",")
            first = f"{given.strip()}, {suffix.strip()}"
        if not first:  # "Consortium Name," : a single-field name (how senref writes them)
            return Creator(creator_type, name=last.strip())
        return Creator(creator_type, first_name=first, last_name=last.strip())
    if " " in value.strip():
        first, _, last = value.strip().rpartition(" ")
        return Creator(creator_type, first_name=first, last_name=last)
    return Creator(creator_type, name=value.strip())


def record_to_item(record: list[tuple[str, str]], base_dir: Path) -> Item:
    ris_type = record[0][1].strip().upper()
    item_type = IMPORT_TYPES.get(ris_type, "document" if ris_type else "journalArticle")
    item = Item(item_type=item_type)
    unknown: list[str] = []
    dates: dict[str, str] = {}
    start_page = end_page = ""

    def put(base: str, value: str) -> bool:
        name = zotero_field(item_type, base)
        if name and value and not item.fields.get(name):
            item.fields[name] = value
            return True
        return bool(name and value)

    editor_a2 = item_type in ("journalArticle", "bookSection", "conferencePaper")
    for tag, raw_value in record[1:]:
        value = raw_value.strip()
        if not value:
            continue
        if tag in ("TI", "T1", "CT", "BT") and not (tag == "BT" and item_type == "bookSection"):
            put("title", value)
        elif tag in ("AU", "A1"):
            item.creators.append(_creator(value, "author" if item_type not in ("computerProgram",) else "programmer"))
        elif tag == "A2":
            item.creators.append(_creator(value, "editor" if editor_a2 else "seriesEditor"))
        elif tag == "A3":
            item.creators.append(_creator(value, "editor" if item_type == "book" else "seriesEditor"))
        elif tag == "A4":
            item.creators.append(_creator(value, "translator"))
        elif tag == "ED":
            item.creators.append(_creator(value, "editor"))
        elif tag == "C2" and item_type == "bookSection":
            item.creators.append(_creator(value, "bookAuthor"))
        elif tag == "T2" or (tag == "BT" and item_type == "bookSection"):
            target = {"conferencePaper": "conferenceName", "report": "seriesTitle",
                      "book": "series"}.get(item_type, "publicationTitle")
            put(target, value) or put("publicationTitle", value)
        elif tag in ("JO", "JF", "JFULL") or (tag == "C3" and item_type == "conferencePaper"):
            put("publicationTitle", value)
        elif tag == "C1" and item_type == "conferencePaper":
            put("place", value)
        elif tag == "T3":
            put("series", value) or put("seriesTitle", value)
        elif tag in ("DA", "PY", "Y1"):
            dates.setdefault(tag, value)
        elif tag == "Y2":
            parts = [p for p in value.split("/") if p.strip()]
            put("accessDate", "-".join(p.zfill(2) for p in parts[:3]) if all(p.isdigit() for p in parts) else value)
        elif tag == "SP":
            start_page = value
        elif tag == "EP":
            end_page = value
        elif tag == "SN":
            if not (item.set_identifier("isbn", value) if item_type != "journalArticle" else False):
                put("ISSN", value) or put("number", value)
        elif tag == "DO":
            item.set_identifier("doi", value)
        elif tag == "KW":
            for name in value.split("\n"):
                item.add_tag(name.strip())
        elif tag == "N1":
            item.notes.append(Note(html=value if value.lstrip().startswith("<") else
                                   "<p>" + html.escape(value, quote=False).replace("\n", "<br/>") + "</p>"))
        elif tag in ("L1", "L2", "L4", "L3"):
            for part in value.split("\n"):
                found = file_attachment(part.replace("internal-pdf://", "PDF/"), base_dir)
                if found is None and re.match(r"^https?://", part):
                    found = Attachment(title=part, link_mode="linked_url", url=part)
                if found is not None:
                    item.attachments.append(found)
        elif tag == "M1":
            put("seriesNumber", value) or put("number", value) or put("issue", value)
        elif tag == EXTRA_TAG:
            apply_extra(item, value)
        elif tag in SIMPLE:
            put(SIMPLE[tag], value)
        elif tag != "ID":
            unknown.append(f"{tag} - {value}")
    date = dates.get("DA") or dates.get("PY") or dates.get("Y1") or ""
    if date:
        parts = date.split("/")
        if len(parts) > 1 and parts[0].strip().isdigit():
            ymd = [p.strip() for p in parts[:3] if p.strip().isdigit()]
            item.fields["date"] = "-".join([ymd[0].zfill(4), *(p.zfill(2) for p in ymd[1:])])
        else:
            item.fields["date"] = date.strip()
    if start_page:
        if item_type in ("book", "thesis", "manuscript") and not end_page:
            put("numPages", start_page)
        else:
            put("pages", f"{start_page}-{end_page}" if end_page else start_page)  # Zotero joins SP and EP with "-"
    if unknown:
        body = "<br/>".join(html.escape(u, quote=False) for u in unknown)
        item.notes.append(Note(html=f"<p>The following values have no corresponding Zotero field:<br/>{body}</p>"))
    return item


def _name(c: Creator) -> str:
    # A trailing comma marks a single-field name, so "TIS Consortium" is not split into first and last.
    return f"{c.name or c.last_name}," if c.name or not c.first_name else f"{c.last_name}, {c.first_name}"


def ris_entry(item: Item, ctx: ExportContext) -> str:
    """One record, TY to ER, CRLF line ends, and the blank line that follows it in the file."""
    lines: list[str] = []
    for tag, value in item_to_ris(item, ctx, ctx.export_dir):
        for part in str(value).splitlines() or [""]:
            if part or tag == "ER":
                lines.append(f"{tag}  - {part}\r\n")
            if tag not in ("N1", "AB", EXTRA_TAG):
                break  # only notes, abstracts and Extra keep their line breaks (as continuation lines)
    lines.append("\r\n")
    return "".join(lines)


def item_to_ris(item: Item, ctx: ExportContext, export_dir: Path | None) -> list[tuple[str, str]]:
    t = item.item_type
    f = item.fields
    out: list[tuple[str, str]] = [("TY", EXPORT_TYPES.get(t, "GEN"))]
    editor_tag = "A3" if t == "book" else ("A2" if t in ("journalArticle", "bookSection", "conferencePaper") else "ED")
    for c in item.creators:
        tag = {"author": "AU", "editor": editor_tag, "translator": "A4", "bookAuthor": "C2",
               "seriesEditor": "A3" if t in ("bookSection", "conferencePaper") else "A2"}.get(c.creator_type, "AU")
        out.append((tag, _name(c)))
    out.append(("TI", f.get("title", "")))
    pub = item.publication
    if t == "conferencePaper":
        out += [("C3", pub), ("T2", f.get("conferenceName", "")), ("C1", f.get("place", ""))]
    else:
        out.append(("T2", pub))
        out.append(("CY", f.get("place", "")))
    out.append(("T3", f.get("series", "") or f.get("seriesTitle", "")))
    out.append(("J2", f.get("journalAbbreviation", "")))
    parts = date_parts(f.get("date", ""))
    if parts:
        padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:3]]
        out.append(("DA", "/".join(padded + [""] * (3 - len(padded))) + "/"))
        out.append(("PY", padded[0]))
    elif f.get("date"):
        out.append(("DA", f["date"]))
    out += [("VL", f.get("volume", "")), ("IS", f.get("issue", ""))]
    pages = f.get("pages", "")
    if pages:
        sp, ep = ([*re.split(r"\s*[-–—]\s*", pages, maxsplit=1), ""])[:2]
        out.append(("SP", sp))
        if ep:
            out.append(("EP", ep))
    elif f.get("numPages") and t in ("book", "thesis", "manuscript"):
        out.append(("SP", f["numPages"]))
    publisher = f.get("publisher") or f.get("university") or f.get("institution") or f.get("company", "")
    out += [("PB", publisher), ("ET", f.get("edition", "")), ("NV", f.get("numberOfVolumes", "")),
            ("M1", f.get("seriesNumber", "")),
            ("M3", f.get("thesisType") or f.get("reportType") or f.get("genre") or f.get("type", ""))]
    isbn = item.identifiers.get("isbn") or f.get("ISBN", "")
    out.append(("SN", f.get("ISSN", "") if t == "journalArticle" else isbn or f.get("reportNumber", "") or f.get("ISSN", "")))
    out.append(("DO", item.identifiers.get("doi", "")))
    out += [("UR", f.get("url", "")), ("Y2", f.get("accessDate", "")), ("AB", f.get("abstractNote", "")),
            ("ST", f.get("shortTitle", "")), ("LA", f.get("language", "")), ("DB", f.get("archive", "")),
            ("AN", f.get("archiveLocation", "")), ("DP", f.get("libraryCatalog", "")), ("CN", f.get("callNumber", ""))]
    kept_ids = ("doi",) + (("isbn",) if t != "journalArticle" else ())
    out.append((EXTRA_TAG, extra_with_identifiers(item, kept_ids)))
    out += [("KW", tag.tag) for tag in item.tags]
    for att in item.attachments:
        location = exported_path(att, ctx, export_dir)
        if location:
            out.append(("L1" if att.content_type == "application/pdf" or location.lower().endswith(".pdf") else "L4", location))
        elif att.url:
            out.append(("L2", att.url))
    out += [("N1", note.html) for note in item.notes]
    out.append(("ER", ""))
    return [(tag, value) for tag, value in out if value or tag == "ER"]
