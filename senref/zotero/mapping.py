"""senref items and collections <-> Zotero Web API `data` objects (one parent plus its child objects).

The parent is `Item.to_json`'s data (every field of the type, "" when unset; identifiers in their
fields or as `DOI:`/`HAL:`/`PMID:`... lines of Extra) with senref-only data added to Extra as
`senref.<name>: <json>` lines (see extra_lines). Notes and attachments become child objects with
`parentItem`. A top-level note or attachment, which senref's model has no place for, becomes a
`document` item holding it as its one child, marked so that it goes back to Zotero as it came.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from typing import Any

from senref.core.model import KEY_ALPHABET, Item, Note
from senref.zotero.children import (
    CHILD_DATA,
    attachment_files,
    attachment_from_api,
    attachment_to_api,
    note_from_api,
    note_to_api,
)
from senref.zotero.extra_lines import join_extra, split_extra

#: item.extras key: parent API fields the item model drops (Zotero's `inPublications`).
PARENT_DATA = "zoteroData"
#: item.extras key: "note" or "attachment" when the item stands for a top-level Zotero child object.
STANDALONE = "zoteroStandalone"
#: Extras keys that map back onto API objects and so never ride in Extra lines.
_STRUCTURAL = frozenset({CHILD_DATA, PARENT_DATA, STANDALONE})
_PARENT_KEEP = ("inPublications",)
CHILD_TYPES = frozenset({"note", "attachment"})
_TAGS = re.compile(r"<[^>]*>")


def _data(obj: Any) -> dict[str, Any]:
    """The `data` of an API object, whether given whole (`{key, version, data...}`) or bare."""
    if not isinstance(obj, dict):
        return {}
    inner = obj.get("data")
    return inner if isinstance(inner, dict) else obj


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """A copy with the structured parts in the shapes Item.from_json expects (hostile input tolerated)."""
    out = dict(data)
    out["version"] = _int(data.get("version"))
    raw_tags = data.get("tags")
    tags: list[dict[str, Any]] = []
    for tag in raw_tags if isinstance(raw_tags, list) else []:
        name = tag.get("tag") if isinstance(tag, dict) else tag
        if isinstance(name, str | int | float) and str(name).strip():
            kind = _int(tag.get("type")) if isinstance(tag, dict) else 0
            tags.append({"tag": str(name), "type": 1 if kind == 1 else 0})
    out["tags"] = tags
    creators = data.get("creators")
    out["creators"] = [c for c in creators if isinstance(c, dict)] if isinstance(creators, list) else []
    colls = data.get("collections")
    out["collections"] = [str(c) for c in colls if c] if isinstance(colls, list) else \
        [colls] if isinstance(colls, str) and colls else []
    relations = data.get("relations")
    out["relations"] = {str(k): [str(x) for x in v if isinstance(x, str)] if isinstance(v, list) else [v]
                        for k, v in relations.items() if isinstance(v, str | list)} \
        if isinstance(relations, dict) else {}
    out["relations"] = {k: v for k, v in out["relations"].items() if v}
    return out


def _extra_text(value: Any) -> str:
    if isinstance(value, list):  # Better BibTeX's form
        return "\n".join(map(str, value))
    return value if isinstance(value, str) else ""


def _derived_key(key: str, role: str) -> str:
    """A stable key for the child a standalone object's wrapper item holds (same every fetch)."""
    digest = hashlib.sha256(f"{key}:{role}".encode()).digest()
    return "".join(KEY_ALPHABET[b % len(KEY_ALPHABET)] for b in digest[:8])


# -- senref -> API ---------------------------------------------------------------------------------
def _senref_payload(item: Item) -> dict[str, Any]:
    payload: dict[str, Any] = {k: v for k, v in item.extras.items() if k not in _STRUCTURAL}
    payload["provenance"] = dict(item.provenance)
    payload["files"] = {a.key: f for a in item.attachments if (f := attachment_files(a))}
    return payload


def item_to_api(item: Item) -> list[dict[str, Any]]:
    """The API `data` objects for *item*: the parent first, then one per note and per attachment."""
    kept: dict[str, Any] = item.extras.get(CHILD_DATA) or {}
    standalone = item.extras.get(STANDALONE)
    if standalone in CHILD_TYPES:
        return [_standalone_to_api(item, str(standalone), kept)]
    data = item.to_json()["data"]
    parent_kept = item.extras.get(PARENT_DATA)
    if isinstance(parent_kept, dict):
        data.update(parent_kept)
    data["extra"] = join_extra(data.get("extra", ""), _senref_payload(item))
    out = [data]
    out += [note_to_api(n, item.key, kept.get(n.key) or {}) for n in item.notes]
    out += [attachment_to_api(a, item.key, kept.get(a.key) or {}) for a in item.attachments]
    return out


def _standalone_to_api(item: Item, kind: str, kept: dict[str, Any]) -> dict[str, Any]:
    if kind == "note":
        note = item.notes[0] if item.notes else Note(html="", key=item.key)
        out = note_to_api(note, None, kept.get(note.key) or {})
    else:
        if not item.attachments:
            raise ValueError(f"item {item.key} stands for a Zotero attachment but has none")
        att = item.attachments[0]
        out = attachment_to_api(att, None, kept.get(att.key) or {})
    out.update(key=item.key, version=item.version, collections=list(item.collections),
               tags=[t.to_json() for t in item.tags],
               relations={k: v[0] if len(v) == 1 else list(v) for k, v in item.relations.items()},
               dateAdded=item.date_added, dateModified=item.date_modified)
    if item.deleted:
        out["deleted"] = 1
    return out


# -- API -> senref ---------------------------------------------------------------------------------
def api_to_item(parent_data: dict[str, Any], children_data: Iterable[dict[str, Any]] = ()) -> Item:
    """The senref item for one API parent object and its children (never raises on odd input)."""
    data = _clean(_data(parent_data))
    kind = str(data.get("itemType") or "")
    if kind in CHILD_TYPES:
        return _standalone_from_api(data, kind)
    user_extra, payload = split_extra(_extra_text(data.get("extra")))
    data["extra"] = user_extra
    item = Item.from_json({"data": data})
    provenance = payload.pop("provenance", None)
    if isinstance(provenance, dict):
        item.provenance = {str(k): str(v) for k, v in provenance.items()}
    files = payload.pop("files", None)
    item.extras.update(payload)
    parent_kept = {k: data[k] for k in _PARENT_KEEP if data.get(k) not in (None, "", False)}
    if parent_kept:
        item.extras[PARENT_DATA] = parent_kept
    _attach_children(item, children_data, files if isinstance(files, dict) else {})
    return item


def _attach_children(item: Item, children: Iterable[dict[str, Any]], files: dict[str, Any]) -> None:
    kept: dict[str, Any] = {}
    for child in children:
        data = _data(child)
        kind = data.get("itemType")
        if kind == "note":
            note, extra = note_from_api(data)
            item.notes.append(note)
            key = note.key
        elif kind == "attachment":
            att, extra = attachment_from_api(data, files)
            item.attachments.append(att)
            key = att.key
        else:
            continue  # annotations belong to attachments, not to items; the caller reports them
        if extra:
            kept[key] = extra
    if kept:
        item.extras[CHILD_DATA] = kept


def _standalone_from_api(data: dict[str, Any], kind: str) -> Item:
    wrapper = {k: data.get(k) for k in ("key", "version", "tags", "collections", "relations",
                                        "dateAdded", "dateModified", "deleted")}
    wrapper["itemType"] = "document"
    item = Item.from_json({"data": wrapper})
    child = {k: v for k, v in data.items() if k not in ("tags", "collections", "relations", "deleted")}
    child["key"] = _derived_key(item.key, kind)
    if kind == "note":
        note, extra = note_from_api(child)
        extra.pop("version", None)  # the wrapper item carries the object's version
        item.notes.append(note)
        item.fields["title"] = note_title(note.html)
        key = note.key
    else:
        att, extra = attachment_from_api(child, {})
        extra.pop("version", None)
        item.attachments.append(att)
        item.fields["title"] = att.title or "Attachment"
        key = att.key
    item.extras[STANDALONE] = kind
    if extra:
        item.extras[CHILD_DATA] = {key: extra}
    return item


def note_title(note_html: str) -> str:
    """A note's first line as plain text, as Zotero titles notes.

    >>> note_title("<p>First <b>line</b></p><p>second</p>")
    'First line'
    """
    text = re.sub(r"</(p|div|h\d|li)>|<br\s*/?>", "\n", note_html, flags=re.IGNORECASE)
    lines = [ln.strip() for ln in html.unescape(_TAGS.sub("", text)).splitlines() if ln.strip()]
    return lines[0][:120] if lines else "Note"


# -- collections -------------------------------------------------------------------------------------
def collection_to_api(key: str, name: str, parent_key: str | None, version: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "name": name, "parentCollection": parent_key or False, "relations": {}}
    if version is not None:
        out["version"] = version
    return out


def api_to_collection(data: dict[str, Any]) -> tuple[str, str, str | None]:
    """(key, name, parent key or None) of an API collection object."""
    inner = _data(data)
    parent = inner.get("parentCollection")
    return (str(inner.get("key") or ""), str(inner.get("name") or ""),
            parent if isinstance(parent, str) and parent else None)


# -- batches and comparison ----------------------------------------------------------------------------
def split_children(objects: Iterable[dict[str, Any]]) -> tuple[
        list[dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """(parents, children by parent key, orphans by parent key) of a fetched batch of `data` objects.

    Orphans are children whose parent is not in the batch (already local, or fetched later).
    """
    datas = [_data(o) for o in objects]
    parents = [d for d in datas if not isinstance(d.get("parentItem"), str) or not d.get("parentItem")]
    present = {str(d.get("key")) for d in parents}
    children: dict[str, list[dict[str, Any]]] = {}
    orphans: dict[str, list[dict[str, Any]]] = {}
    for d in datas:
        parent = d.get("parentItem")
        if isinstance(parent, str) and parent:
            (children if parent in present else orphans).setdefault(parent, []).append(d)
    return parents, children, orphans


_IGNORED = frozenset({"version", "dateModified"})


def _normal_value(name: str, value: Any) -> Any:
    if name == "tags" and isinstance(value, list):
        return sorted((str(t.get("tag")), _int(t.get("type"))) if isinstance(t, dict) else (str(t), 0)
                      for t in value)
    if name == "collections" and isinstance(value, list):
        return sorted(map(str, value))
    if name == "relations" and isinstance(value, dict):
        return {k: sorted([v] if isinstance(v, str) else map(str, v)) for k, v in value.items() if v}
    if name == "deleted":
        return 1
    return value


def _normal(data: dict[str, Any]) -> dict[str, Any]:
    # 0 == False, so `deleted: 0` and a zero mtime count as missing, as the server treats them
    return {name: _normal_value(name, value) for name, value in data.items()
            if name not in _IGNORED and value not in ("", None, [], {}, False)}


def data_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two API `data` objects are the same object state, as the server decides "unchanged".

    Versions, key order, empty against missing fields, tag/collection order and a one-element
    relation list against its string do not count; nor does `dateModified`, which the server
    stamps itself on every real change (Zotero's client leaves it out of its diffs the same way).
    """
    return _normal(_data(a)) == _normal(_data(b))
