"""CSL-JSON import and export (format `csljson`), valid against the CSL 1.0.2 data schema.

The maps are Zotero's own (see `csl_map`); what CSL has no variable for travels in `note` as Zotero's
Extra lines, so a round trip gives back the exact item type, every field and every creator role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from senref.core.model import AUTOMATIC, MANUAL, Creator, Item, Tag
from senref.core.records import ImportProblem, ImportRecord
from senref.core.schema import CREATOR_TYPES, CSL_TYPES, IDENTIFIER_FIELDS, fields_for
from senref.formats.base import ExportContext, Format, apply_extra, extra_with_identifiers
from senref.formats.csl_dates import csl_date, date_from_csl
from senref.formats.csl_extra import CSL_DATE_VARIABLES, csl_extra
from senref.formats.csl_map import (
    CSL_NAME_VARIABLES,
    CSL_TYPE_NAMES,
    CSL_TYPE_OF,
    CSL_VARIABLES,
    creator_for_key,
    creator_type_for,
    date_variables,
    field_for_key,
    import_type,
    name_variables,
    split_line,
    text_variables,
    title_key,
    type_from_line,
)
from senref.formats.jsonstream import JsonStreamError, iter_array
from senref.formats.textio import open_text

#: CSL identifier variables -> senref identifier schemes (kept out of `Item.fields`)
ID_VARS: dict[str, str] = {field: scheme for scheme, field in IDENTIFIER_FIELDS.items()}
#: CSL types whose primary creators Better BibTeX writes as `director` (#365): for a film or broadcast whose
#: Zotero primary creator is the director, CSL styles then label them "(Director)".
_DIRECTED = ("motion_picture", "broadcast")
#: variables read elsewhere (or bookkeeping): never kept as Extra lines on import
_NOT_KEPT = frozenset({"id", "type", "note", "custom", "keyword", "citation-key", "container-title-short",
                       "categories"})


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
                    except (ValueError, TypeError, KeyError, AttributeError) as exc:
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


# -- names ----------------------------------------------------------------------------------------

def _csl_name(creator: Creator) -> dict[str, str]:
    if creator.name:
        return {"literal": creator.name}
    return {"family": creator.last_name, "given": creator.first_name}


def _creator(creator_type: str, name: dict[str, Any]) -> Creator | None:
    if name.get("literal") or not name.get("family"):
        literal = str(name.get("literal") or name.get("given") or "").strip()
        return Creator(creator_type, name=literal) if literal else None
    family = " ".join(filter(None, [str(name.get("non-dropping-particle") or ""), str(name["family"])]))
    given = " ".join(filter(None, [str(name.get("given") or ""), str(name.get("dropping-particle") or "")]))
    if name.get("suffix"):
        given = f"{given}, {name['suffix']}"
    return Creator(creator_type, first_name=given.strip(), last_name=family.strip())


def _creator_line(creator: Creator) -> str:
    if creator.name:
        return f"{title_key(creator.creator_type)}: {creator.name}"
    return f"{title_key(creator.creator_type)}: {creator.last_name} || {creator.first_name}"


# -- export ---------------------------------------------------------------------------------------

def item_to_csl(item: Item, ctx: ExportContext) -> dict[str, Any]:
    item_type = item.item_type
    fields = {k: v for k, v in item.fields.items() if v}
    out: dict[str, Any] = {"id": fields.get("citationKey") or item.key, "type": CSL_TYPE_OF.get(item_type, "document")}
    lines: list[str] = []
    used: set[str] = {"extra"}
    for var, names in text_variables(item_type):
        # `shortTitle` is read but only `title-short` written (Zotero); identifiers come from item.identifiers
        if var in ("shortTitle", "note") or var in ID_VARS:
            continue
        present = [n for n in names if fields.get(n) and n not in used]
        if not present:
            continue
        source = present[0]
        used.add(source)
        if var not in CSL_VARIABLES:
            lines.append(f"{var}: {fields[source]}")  # citeproc-js reads CSL variables from note lines too
            continue
        out[var] = fields[source]
        if source != names[0]:
            lines.append(f"{title_key(source)}: {fields[source]}")  # says which field the variable came from
    if fields.get("journalAbbreviation"):
        out["container-title-short"] = fields["journalAbbreviation"]
    for var, name in date_variables(item_type):
        if fields.get(name):
            out[var] = csl_date(fields[name])
            used.add(name)
    valid = fields_for(item_type)
    for name in [n for n in valid if n in fields] + [n for n in fields if n not in valid]:
        if name not in used:
            lines.append(f"{title_key(name) if name in valid else name}: {fields[name]}")
    for var, scheme in ID_VARS.items():
        if item.identifiers.get(scheme):
            out[var] = item.identifiers[scheme]
    roles = name_variables(item_type)
    for creator in item.creators:
        role = roles.get(creator.creator_type)
        if role:
            out.setdefault(role, []).append(_csl_name(creator))
        else:
            lines.append(_creator_line(creator))
    cheat = csl_extra(fields.get("extra", ""))
    _apply_extra(out, cheat.text, cheat.dates, cheat.names)
    if cheat.csl_type:
        out["type"] = cheat.csl_type
    primary = CREATOR_TYPES.get(item_type, ("author",))[0]
    if out["type"] in _DIRECTED and primary == "director" and "author" in out and "director" not in out:
        out["director"] = out.pop("author")
    if import_type(out) != item_type:
        lines.insert(0, f"type: {item_type}")
    kept = replace(item, fields={**item.fields, "extra": "\n".join(cheat.kept)})
    extra = extra_with_identifiers(kept, tuple(ID_VARS.values()))
    note = "\n".join(filter(None, ["\n".join(lines), extra]))
    if note:
        out["note"] = note
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


def _apply_extra(out: dict[str, Any], text: dict[str, str], dates: dict[str, str],
                 names: list[tuple[str, Creator]]) -> None:
    """Extra's CSL variables into *out*: as in Better BibTeX they win over the item's own fields, and
    creators join those of their variable."""
    out.update(text)
    for var, value in dates.items():
        out[var] = csl_date(value)
    for var, creator in names:
        out.setdefault(var, []).append(_csl_name(creator))


# -- import ---------------------------------------------------------------------------------------

def _note_type(lines: list[str], item_type: str) -> tuple[str, list[str]]:
    """The item type a `type:` line in note sets (Zotero's rule), and the other lines."""
    kept: list[str] = []
    found = False
    for line in lines:
        pair = split_line(line)
        if pair and pair[0] == "type" and not found:
            named = type_from_line(pair[1])
            if named:
                found = True
                # a CSL type that already covers the current type leaves it alone
                if item_type not in CSL_TYPES.get(pair[1], ()):
                    item_type = named
                continue
        kept.append(line)
    return item_type, kept


def csl_to_item(obj: dict[str, Any]) -> tuple[Item, list[tuple[str, ...]]]:
    item_type, lines = _note_type(str(obj.get("note") or "").splitlines(), import_type(obj))
    item = Item(item_type=item_type)
    # note lines: (line, field it names, creator it is)
    parsed: list[tuple[str, str, Creator | None]] = []
    note_fields: dict[str, str] = {}
    for line in lines:
        pair = split_line(line)
        name, creator = "", None
        if pair:
            name = field_for_key(item_type, pair[0])
            if name in note_fields:
                name = ""
            elif name:
                note_fields[name] = pair[1]
            elif creator_for_key(item_type, pair[0]):
                last, sep, first = pair[1].partition("||")
                creator_type = creator_for_key(item_type, pair[0])
                creator = (Creator(creator_type, first_name=first.strip(), last_name=last.strip()) if sep
                           else Creator(creator_type, name=pair[1]))
        parsed.append((line, name, creator))
    for var, names in text_variables(item_type):
        if var not in obj or var in ID_VARS or var == "note" or isinstance(obj[var], dict | list):
            continue
        value = str(obj[var]).strip()
        if not value or any(note_fields.get(n) == value for n in names):
            continue  # a note line says which field this variable came from
        target = next((n for n in names if not item.fields.get(n)), None)
        if target:
            item.fields[target] = value
    short = obj.get("container-title-short")
    if isinstance(short, str) and short and "journalAbbreviation" in fields_for(item_type):
        item.fields.setdefault("journalAbbreviation", short)
    for var, name in date_variables(item_type):
        if var in obj and not item.fields.get(name):
            text = date_from_csl(obj[var])
            if text:
                item.fields[name] = text
    for var, scheme in ID_VARS.items():
        if obj.get(var) and not item.set_identifier(scheme, str(obj[var])) and var in fields_for(item_type):
            item.fields[var] = str(obj[var])
    for var, value in obj.items():
        if var in CSL_NAME_VARIABLES and isinstance(value, list):
            creator_type = creator_type_for(item_type, var)
            for name in value:
                made = _creator(creator_type, name) if isinstance(name, dict) else None
                if made is not None:
                    item.creators.append(made)
    kept = _homeless(obj, item_type)
    for line, name, creator in parsed:
        if creator is not None:
            item.creators.append(creator)
        elif name and name in IDENTIFIER_FIELDS.values():
            scheme = next(s for s, f in IDENTIFIER_FIELDS.items() if f == name)
            if scheme in item.identifiers or not item.set_identifier(scheme, note_fields[name]):
                kept.append(line)
        elif name and not item.fields.get(name):
            item.fields[name] = note_fields[name]
        else:
            kept.append(line)  # Zotero keeps a line whose field is already filled
    if kept:
        apply_extra(item, "\n".join(kept))
    _read_tags(item, obj)
    senref = _senref(obj)
    collections = [tuple(str(n) for n in p) for p in senref.get("collections") or [] if isinstance(p, list) and p]
    return item, collections


def _homeless(obj: dict[str, Any], item_type: str) -> list[str]:
    """Extra lines for what *item_type* has no field for: CSL variables (`volume: 3` on a TV broadcast) in
    the cheater syntax export reads back, and a CSL type other than the item type's (`type: review-book`)."""
    csl_type = obj.get("type")
    lines = [f"type: {csl_type}"] if csl_type in CSL_TYPE_NAMES and csl_type != CSL_TYPE_OF.get(item_type) else []
    texts = {var for var, _names in text_variables(item_type)}
    dates = {var for var, _name in date_variables(item_type)}
    for var, value in obj.items():
        if var in _NOT_KEPT or var in ID_VARS or var in CSL_NAME_VARIABLES or var not in CSL_VARIABLES:
            continue
        if var in CSL_DATE_VARIABLES:
            text = date_from_csl(value) if var not in dates else ""
        else:
            text = str(value).strip() if var not in texts and isinstance(value, str | int | float) else ""
        if text:
            lines.append(f"{var}: {text}")
    return lines


def _senref(obj: dict[str, Any]) -> dict[str, Any]:
    """senref's own data in `custom.senref` ({} when absent)."""
    custom = obj.get("custom")
    data = custom.get("senref") if isinstance(custom, dict) else None
    return data if isinstance(data, dict) else {}


def _read_tags(item: Item, obj: dict[str, Any]) -> None:
    senref = _senref(obj)
    if isinstance(senref.get("tags"), list):
        for tag in senref["tags"]:
            if isinstance(tag, dict) and tag.get("tag"):
                item.tags.append(Tag(str(tag["tag"]), AUTOMATIC if tag.get("type") == 1 else MANUAL))
    elif obj.get("keyword"):
        for name in re.split(r"\s*[,;]\s*", str(obj["keyword"])):
            item.add_tag(name)
