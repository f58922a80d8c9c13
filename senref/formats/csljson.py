"""CSL-JSON import and export (format `csljson`), valid against the CSL 1.0.2 data schema."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from senref.core.model import AUTOMATIC, MANUAL, Creator, Item, Tag
from senref.core.records import ImportProblem, ImportRecord
from senref.formats.base import ExportContext, Format, apply_extra, extra_with_identifiers
from senref.formats.bibtex_map import zotero_field
from senref.formats.dates import date_parts, iso_date
from senref.formats.jsonstream import JsonStreamError, iter_array
from senref.formats.textio import open_text

#: Zotero item type -> CSL type (the inverse is used on import, with extra CSL-only types)
TYPES: dict[str, str] = {
    "journalArticle": "article-journal", "magazineArticle": "article-magazine",
    "newspaperArticle": "article-newspaper", "book": "book", "bookSection": "chapter", "thesis": "thesis",
    "report": "report", "preprint": "article", "conferencePaper": "paper-conference", "manuscript": "manuscript",
    "webpage": "webpage", "dataset": "dataset", "encyclopediaArticle": "entry-encyclopedia", "document": "document",
    "presentation": "speech", "computerProgram": "software", "patent": "patent", "letter": "personal_communication",
    "standard": "standard",
}
IMPORT_TYPES: dict[str, str] = {v: k for k, v in TYPES.items()} | {
    "entry-dictionary": "encyclopediaArticle", "entry": "encyclopediaArticle", "post-weblog": "webpage",
    "post": "webpage", "review": "journalArticle", "review-book": "journalArticle", "collection": "book",
    "periodical": "journalArticle", "pamphlet": "book", "classic": "book",
}
#: CSL variable -> Zotero base fields (first one valid for the type wins on import; order matters on export)
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "abstract": ("abstractNote",), "container-title": ("publicationTitle",),
    "container-title-short": ("journalAbbreviation",), "volume": ("volume",), "issue": ("issue",),
    "page": ("pages",), "publisher": ("publisher",), "publisher-place": ("place",), "edition": ("edition",),
    "collection-title": ("seriesTitle", "series"), "collection-number": ("seriesNumber",),
    "number-of-pages": ("numPages",), "number-of-volumes": ("numberOfVolumes",), "genre": ("type",),
    "number": ("number",), "ISSN": ("ISSN",), "URL": ("url",), "language": ("language",),
    "source": ("libraryCatalog",), "title-short": ("shortTitle",), "archive": ("archive",),
    "archive_location": ("archiveLocation",), "call-number": ("callNumber",), "event-title": ("conferenceName",),
    "event-place": ("eventPlace",), "citation-key": ("citationKey",), "section": ("section",),
    "version": ("versionNumber",), "medium": ("medium", "system"), "status": ("status",),
    "part-title": ("partTitle",),
}
NAMES: dict[str, str] = {
    "author": "author", "editor": "editor", "translator": "translator", "bookAuthor": "container-author",
    "seriesEditor": "collection-editor", "contributor": "contributor", "reviewedAuthor": "reviewed-author",
    "recipient": "recipient", "chair": "chair", "organizer": "organizer", "inventor": "author",
    "programmer": "author", "presenter": "author",
}
IMPORT_NAMES: dict[str, str] = {"author": "author", "editor": "editor", "translator": "translator",
                                "container-author": "bookAuthor", "collection-editor": "seriesEditor",
                                "contributor": "contributor", "reviewed-author": "reviewedAuthor",
                                "recipient": "recipient", "chair": "chair", "organizer": "organizer",
                                "composer": "contributor", "director": "contributor", "illustrator": "contributor"}
ID_VARS = {"DOI": "doi", "ISBN": "isbn", "PMID": "pmid", "PMCID": "pmcid"}


class CslJsonFormat(Format):
    name = "csljson"
    label = "CSL-JSON"
    extensions = (".csl.json", ".json")

    def sniff(self, head: str) -> bool:
        text = head.lstrip()
        if not text.startswith(("[", "{")) or '"itemType"' in head:
            return False
        return bool(re.search(r'"type"\s*:\s*"[a-z_-]+"', head)) and bool(
            re.search(r'"(issued|author|container-title|title|DOI|URL|id)"\s*:', head))

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        with open_text(path, errors="strict") as handle:
            try:
                for line, value in iter_array(handle):
                    if not isinstance(value, dict):
                        yield ImportProblem(line, f"expected a CSL item object, found {type(value).__name__}")
                        continue
                    try:
                        item, collections = csl_to_item(value)
                    except (ValueError, TypeError, KeyError) as exc:
                        yield ImportProblem(line, f"unreadable CSL item {value.get('id', '')!r}: {exc}")
                        continue
                    yield ImportRecord(item, collections, line)
            except JsonStreamError as exc:
                yield ImportProblem(exc.line, f"invalid JSON: {exc}")

    # One object per line: `[`, then "\n{...}" entries joined by ",", then "\n]". The newline sits at the
    # start of each entry rather than in the separator so an empty export is still the two-line "[\n]\n".
    per_entry = True
    separator = ","

    def header(self, ctx: ExportContext) -> str:
        return "["

    def footer(self, ctx: ExportContext) -> str:
        return "\n]\n"

    def write(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        return self.write_entries(items, path, ctx)

    def render_entries(self, items: Iterable[Item], ctx: ExportContext) -> Iterator[tuple[str, str]]:
        for item in items:
            yield item.key, "\n" + json.dumps(item_to_csl(item, ctx), ensure_ascii=False)


def _date_from_csl(value: Any) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            nums = [int(str(p)) for p in parts[0][:3] if str(p).strip()]
        except ValueError:
            nums = []
        text = iso_date(nums)
        if len(parts) > 1 and isinstance(parts[1], list) and parts[1]:
            with contextlib.suppress(ValueError):
                text += "/" + iso_date([int(str(p)) for p in parts[1][:3]])
        if text:
            return text
    return str(value.get("literal") or value.get("raw") or "")


def csl_to_item(obj: dict[str, Any]) -> tuple[Item, list[tuple[str, ...]]]:
    csl_type = str(obj.get("type") or "")
    item_type = IMPORT_TYPES.get(csl_type, "document")
    item = Item(item_type=item_type)

    def put(base: str, value: Any) -> None:
        name = zotero_field(item_type, base)
        if name and value not in (None, "") and not item.fields.get(name):
            item.fields[name] = str(value).strip()

    for var, bases in FIELDS.items():
        if var in obj:
            for base in bases:
                if zotero_field(item_type, base):
                    put(base, obj[var])
                    break
    if obj.get("shortTitle"):
        put("shortTitle", obj["shortTitle"])
    if obj.get("journalAbbreviation"):
        put("journalAbbreviation", obj["journalAbbreviation"])
    for var, key in (("issued", "date"), ("accessed", "accessDate")):
        if var in obj:
            put(key, _date_from_csl(obj[var]))
    for var, scheme in ID_VARS.items():
        if obj.get(var) and not item.set_identifier(scheme, str(obj[var])) and var == "ISBN":
            put("ISBN", obj[var])
    for var, creator_type in IMPORT_NAMES.items():
        for name in obj.get(var) or []:
            if not isinstance(name, dict):
                continue
            if name.get("literal") or not name.get("family"):
                literal = str(name.get("literal") or name.get("given") or "").strip()
                if literal:
                    item.creators.append(Creator(creator_type, name=literal))
                continue
            family = " ".join(filter(None, [str(name.get("non-dropping-particle") or ""), str(name["family"])]))
            given = " ".join(filter(None, [str(name.get("given") or ""), str(name.get("dropping-particle") or "")]))
            if name.get("suffix"):
                given = f"{given}, {name['suffix']}"
            item.creators.append(Creator(creator_type, first_name=given.strip(), last_name=family.strip()))
    if obj.get("note"):
        apply_extra(item, str(obj["note"]))
    custom = obj.get("custom") if isinstance(obj.get("custom"), dict) else {}
    assert isinstance(custom, dict)
    senref = custom.get("senref") if isinstance(custom.get("senref"), dict) else {}
    assert isinstance(senref, dict)
    if isinstance(senref.get("tags"), list):
        for tag in senref["tags"]:
            if isinstance(tag, dict) and tag.get("tag"):
                item.tags.append(Tag(str(tag["tag"]), AUTOMATIC if tag.get("type") == 1 else MANUAL))
    elif obj.get("keyword"):
        for name in re.split(r"\s*[,;]\s*", str(obj["keyword"])):
            item.add_tag(name)
    collections = [tuple(str(n) for n in p) for p in senref.get("collections") or [] if isinstance(p, list) and p]
    return item, collections


def item_to_csl(item: Item, ctx: ExportContext) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.fields.get("citationKey") or item.key, "type": TYPES.get(item.item_type, "document")}
    from senref.core.schema import BASE_FIELDS

    by_base: dict[str, str] = {}
    for name, value in item.fields.items():
        if value:
            by_base.setdefault(BASE_FIELDS.get(name, name), value)
            by_base.setdefault(name, value)
    for var, bases in FIELDS.items():
        for base in bases:
            if by_base.get(base):
                out[var] = by_base[base]
                break
    if item.fields.get("shortTitle"):
        out["shortTitle"] = item.fields["shortTitle"]  # legacy key, still read by Zotero and citeproc-js
    if item.fields.get("journalAbbreviation"):
        out["journalAbbreviation"] = item.fields["journalAbbreviation"]
    parts = date_parts(item.fields.get("date", ""))
    if parts:
        out["issued"] = {"date-parts": [parts]}
    elif item.fields.get("date"):
        out["issued"] = {"literal": item.fields["date"]}
    accessed = date_parts(item.fields.get("accessDate", ""))
    if accessed:
        out["accessed"] = {"date-parts": [accessed]}
    for var, scheme in ID_VARS.items():
        if item.identifiers.get(scheme):
            out[var] = item.identifiers[scheme]
    extra = extra_with_identifiers(item, tuple(ID_VARS.values()))
    if extra:
        out["note"] = extra
    for creator in item.creators:
        var = NAMES.get(creator.creator_type, "contributor")
        if creator.name or not creator.first_name:
            csl_name: dict[str, str] = {"literal": creator.name or creator.last_name}
        else:
            csl_name = {"family": creator.last_name, "given": creator.first_name}
        out.setdefault(var, []).append(csl_name)
    if item.tags:
        out["keyword"] = ", ".join(t.tag for t in item.tags)
    senref: dict[str, Any] = {}
    if any(t.type for t in item.tags):
        senref["tags"] = [t.to_json() for t in item.tags]
    paths = [list(ctx.collection_path(k)) for k in item.collections]
    if any(paths):
        senref["collections"] = [p for p in paths if p]
    if senref:
        # `custom` is the schema's place for application data; Zotero and pandoc ignore it.
        out["custom"] = {"senref": senref}
    return out
