"""senref / Zotero Web API item JSON (an array of `Item.to_json()` objects), and Better BibTeX's JSON library."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from senref.core.atomic import atomic_write
from senref.core.model import Attachment, Item, Note
from senref.core.records import ImportProblem, ImportRecord
from senref.core.schema import fields_for, type_field
from senref.formats.base import ExportContext, Format, file_attachment
from senref.formats.jsonstream import JsonStreamError, iter_array
from senref.formats.textio import open_text


class JsonFormat(Format):
    name = "json"
    label = "senref / Zotero item JSON"
    extensions = (".json",)

    def sniff(self, head: str) -> bool:
        text = head.lstrip()
        return text[:1] in "[{" and bool(text) and '"itemType"' in head

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        with open_text(path, errors="strict") as handle:
            try:
                for line, value in iter_array(handle):
                    if isinstance(value, dict) and isinstance(value.get("items"), list) and "data" not in value:
                        yield from _read_bbt(value, path.parent)
                    elif isinstance(value, dict):
                        yield _record(value, line)
                    else:
                        yield ImportProblem(line, f"expected an item object, found {type(value).__name__}")
            except JsonStreamError as exc:
                yield ImportProblem(exc.line, f"invalid JSON: {exc}")

    def write(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        count = 0
        with atomic_write(path) as out:
            out.write("[")
            for item in items:
                obj = item.to_json()
                paths = [list(ctx.collection_path(k)) for k in item.collections]
                obj["meta"]["collectionPaths"] = [p for p in paths if p]
                out.write(",\n" if count else "\n")
                out.write(json.dumps(obj, ensure_ascii=False))
                count += 1
                ctx.report(count)
            out.write("\n]\n")
        return count


def _record(obj: dict[str, Any], line: int) -> ImportRecord | ImportProblem:
    try:
        item = Item.from_json(obj)
    except (ValueError, TypeError) as exc:
        return ImportProblem(line, f"unreadable item: {exc}")
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    assert isinstance(meta, dict)
    # Collection keys belong to the exporting library; the names travel in collectionPaths.
    item.collections = []
    paths = [tuple(str(n) for n in p) for p in meta.get("collectionPaths") or [] if isinstance(p, list) and p]
    return ImportRecord(item, paths, line)


#: Better BibTeX / Zotero bookkeeping in a BBT JSON item: never fields (so never `name: value` lines in Extra).
BBT_BOOKKEEPING = frozenset({"itemID", "itemKey", "uri", "libraryID", "select", "citekey", "notes", "attachments",
                             "seeAlso", "multi", "collections", "relations", "key", "version", "dateAdded",
                             "dateModified", "parentItem", "deleted"})
_CITATION_KEY_LINE = re.compile(r"^\s*citation\s*key\s*:\s*(\S+)\s*$", re.I)


def bbt_item_data(raw: dict[str, Any]) -> dict[str, Any]:
    """A BBT JSON item as Zotero item data: base-field names resolved for the type, the citation key in
    `citationKey` (BBT's `citekey`, or a legacy `Citation Key:` line in Extra), BBT bookkeeping dropped."""
    item_type = str(raw.get("itemType") or "journalArticle")
    valid = set(fields_for(item_type))
    data: dict[str, Any] = {k: v for k, v in raw.items() if k in ("key", "version", "dateAdded", "dateModified")
                            or k not in BBT_BOOKKEEPING}
    if isinstance(raw.get("relations"), dict):
        data["relations"] = raw["relations"]
    for name in list(data):
        if name in valid or name in _ITEM_KEYS or name in ("creators", "tags"):
            continue
        target = type_field(item_type, name)
        if target and not data.get(target):
            data[target] = data.pop(name)  # `publicationTitle` in a bookSection is its bookTitle
    extra = raw.get("extra")
    lines = [str(x) for x in extra] if isinstance(extra, list) else str(extra or "").splitlines()
    citekey = str(raw.get("citationKey") or raw.get("citekey") or "").strip()
    kept: list[str] = []
    for line in lines:
        match = _CITATION_KEY_LINE.match(line)
        if match and (not citekey or citekey == match.group(1)):
            citekey = match.group(1)
            continue
        kept.append(line)
    data["extra"] = "\n".join(kept)
    if citekey:
        data["citationKey"] = citekey
    return data


_ITEM_KEYS = frozenset({"itemType", "key", "version", "dateAdded", "dateModified", "relations", "extra"})


def _read_bbt(doc: dict[str, Any], base_dir: Path) -> Iterator[ImportRecord | ImportProblem]:
    """Better BibTeX JSON: Zotero fields at the top of each item, collections as a keyed tree."""
    colls: dict[str, dict[str, Any]] = doc.get("collections") or {}
    parent: dict[str, str] = {}
    for key, coll in colls.items():
        for child in coll.get("collections") or []:
            parent[str(child)] = key
    membership: dict[str, list[tuple[str, ...]]] = {}
    for key, coll in colls.items():
        names: list[str] = []
        current: str | None = key
        seen: set[str] = set()
        while current and current in colls and current not in seen:
            seen.add(current)
            names.append(str(colls[current].get("name") or current))
            current = parent.get(current)
        for member in coll.get("items") or []:
            membership.setdefault(str(member), []).append(tuple(reversed(names)))
    for index, raw in enumerate(doc.get("items") or [], start=1):
        if not isinstance(raw, dict) or raw.get("itemType") in ("note", "attachment"):
            continue
        data = bbt_item_data(raw)
        try:
            item = Item.from_json(data)
        except (ValueError, TypeError) as exc:
            yield ImportProblem(0, f"item {index}: {exc}")
            continue
        item.collections = []
        for note in raw.get("notes") or []:
            html = note.get("note") if isinstance(note, dict) else note
            if html:
                item.notes.append(Note(html=str(html)))
        for att in raw.get("attachments") or []:
            if not isinstance(att, dict):
                continue
            found = file_attachment(str(att.get("path") or att.get("url") or ""), base_dir,
                                    title=str(att.get("title") or ""), content_type=str(att.get("contentType") or ""))
            if found is None and att.get("url"):
                found = Attachment(title=str(att.get("title") or ""), link_mode="linked_url", url=str(att["url"]))
            if found is not None:
                item.attachments.append(found)
        ident = str(raw.get("itemID") or raw.get("itemKey") or raw.get("key") or "")
        yield ImportRecord(item, membership.get(ident, []), 0)
