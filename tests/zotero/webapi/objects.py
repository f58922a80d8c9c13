"""Object rules of the Web API double: validation and defaults for items, collections and searches, and the JSON envelope."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from senref.core.schema import CREATOR_TYPES, ITEM_FIELDS

KINDS = ("items", "collections", "searches")
#: Zotero's key alphabet (no 0, 1, O).
KEY_CHARS = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
KEY_RE = re.compile(f"^[{KEY_CHARS}]{{8}}$")
SINGULAR = {"items": "Item", "collections": "Collection", "searches": "Search"}
#: Non-regular types and their own fields (the schema file lists none for notes, too few for attachments).
CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    "note": ("note",),
    "attachment": ("linkMode", "title", "accessDate", "url", "note", "contentType", "charset", "filename", "md5", "mtime",
                   "path"),
    "annotation": ("annotationType", "annotationAuthorName", "annotationText", "annotationComment", "annotationColor",
                   "annotationPageLabel", "annotationSortIndex", "annotationPosition"),
}
LINK_MODES = {"imported_file", "imported_url", "linked_file", "linked_url", "embedded_image"}
ENVELOPE_KEYS = {"key", "version", "dateAdded", "dateModified"}
ITEM_COMMON = {"itemType", "creators", "tags", "collections", "relations", "deleted", "parentItem", "inPublications"}


class WriteError(Exception):
    """One object (or a whole request) refused, with the HTTP code Zotero gives it."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Obj:
    """One stored object: its `data` carries `key` and `version` too, as Zotero's does."""

    kind: str
    key: str
    version: int
    data: dict[str, Any] = field(default_factory=dict)


def new_key() -> str:
    return "".join(secrets.choice(KEY_CHARS) for _ in range(8))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Lookup = Callable[[str, str], Obj | None]


def normalise(kind: str, data: dict[str, Any], lookup: Lookup, key: str) -> dict[str, Any]:
    """The stored form of `data` (without key/version/dates), or WriteError as the real server would refuse it."""
    if kind == "items":
        return _item(data, lookup)
    if kind == "collections":
        return _collection(data, lookup, key)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise WriteError(400, "Search name cannot be empty")
    conditions = data.get("conditions", [])
    if not isinstance(conditions, list) or not all(isinstance(c, dict) and "condition" in c for c in conditions):
        raise WriteError(400, "'conditions' must be an array of conditions")
    return {"name": name, "conditions": conditions}


def _item(data: dict[str, Any], lookup: Lookup) -> dict[str, Any]:
    item_type = data.get("itemType")
    if not item_type:
        raise WriteError(400, "'itemType' property not provided")
    regular = item_type in ITEM_FIELDS
    fields = ITEM_FIELDS.get(item_type) or CHILD_FIELDS.get(item_type)
    if fields is None:
        raise WriteError(400, f"'{item_type}' is not a valid item type")
    for name in data:
        if name not in fields and name not in ITEM_COMMON and name not in ENVELOPE_KEYS:
            raise WriteError(400, f"'{name}' is not a valid field for type '{item_type}'")
    out: dict[str, Any] = {}
    parent = data.get("parentItem") or ""
    if not isinstance(parent, str):
        raise WriteError(400, "'parentItem' must be a key or false")
    if parent:
        if regular:
            raise WriteError(400, "Only notes, attachments and annotations can have a parent item")
        parent_obj = lookup("items", parent)
        if parent_obj is None or parent_obj.data.get("itemType") not in ITEM_FIELDS:
            raise WriteError(400, f"Parent item {parent} doesn't exist")
        out["parentItem"] = parent
    out["itemType"] = item_type
    for name in fields:
        default = None if name in ("md5", "mtime") else ""
        value = data.get(name, default)
        if not isinstance(value, str) and value is not None and name != "mtime":
            raise WriteError(400, f"'{name}' must be a string")
        out[name] = value
    if item_type == "attachment" and out["linkMode"] not in LINK_MODES:
        raise WriteError(400, f"'{out['linkMode']}' is not a valid linkMode")
    if regular:
        out["creators"] = _creators(data.get("creators", []), item_type)
    out["tags"] = _tags(data.get("tags", []))
    if not parent and item_type != "annotation":
        out["collections"] = _collections_of(data.get("collections", []), lookup)
    elif data.get("collections"):
        raise WriteError(400, "Child items cannot be assigned to collections")
    out["relations"] = _relations(data.get("relations", {}))
    if data.get("deleted"):
        out["deleted"] = 1
    if "inPublications" in data:
        out["inPublications"] = bool(data["inPublications"])
    return out


def _creators(creators: Any, item_type: str) -> list[dict[str, str]]:
    if not isinstance(creators, list):
        raise WriteError(400, "'creators' property must be an array")
    out = []
    for creator in creators:
        if not isinstance(creator, dict) or creator.get("creatorType") not in CREATOR_TYPES[item_type]:
            kind = creator.get("creatorType") if isinstance(creator, dict) else creator
            raise WriteError(400, f"'{kind}' is not a valid creator type for item type '{item_type}'")
        if "name" in creator:
            out.append({"creatorType": creator["creatorType"], "name": str(creator["name"])})
        else:
            out.append({"creatorType": creator["creatorType"], "firstName": str(creator.get("firstName", "")),
                        "lastName": str(creator.get("lastName", ""))})
    return out


def _tags(tags: Any) -> list[dict[str, Any]]:
    if not isinstance(tags, list):
        raise WriteError(400, "'tags' property must be an array")
    out: list[dict[str, Any]] = []
    for tag in tags:
        if not isinstance(tag, dict) or not isinstance(tag.get("tag"), str) or not tag["tag"].strip():
            raise WriteError(400, "Tag must be an object with a non-empty 'tag' string")
        entry: dict[str, Any] = {"tag": tag["tag"]}
        if int(tag.get("type", 0) or 0):
            entry["type"] = int(tag["type"])
        if entry not in out:
            out.append(entry)
    return out


def _collections_of(keys: Any, lookup: Lookup) -> list[str]:
    if not isinstance(keys, list):
        raise WriteError(400, "'collections' property must be an array")
    for key in keys:
        if lookup("collections", key) is None:
            raise WriteError(409, f"Collection {key} doesn't exist")
    return list(dict.fromkeys(keys))


def _relations(relations: Any) -> dict[str, Any]:
    if not isinstance(relations, dict):
        raise WriteError(400, "'relations' property must be an object")
    return dict(relations)


def _collection(data: dict[str, Any], lookup: Lookup, key: str) -> dict[str, Any]:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise WriteError(400, "Collection name cannot be empty")
    parent = data.get("parentCollection") or ""
    if not isinstance(parent, str):
        raise WriteError(400, "'parentCollection' must be a key or false")
    seen = {key}
    cursor = parent
    while cursor:
        if cursor in seen:
            raise WriteError(400, "Cannot move collection into its own descendant")
        parent_obj = lookup("collections", cursor)
        if parent_obj is None:
            raise WriteError(400, f"Parent collection {cursor} doesn't exist")
        seen.add(cursor)
        cursor = parent_obj.data.get("parentCollection") or ""
    return {"name": name, "parentCollection": parent or False, "relations": _relations(data.get("relations", {}))}


def creator_summary(creators: list[dict[str, str]]) -> str:
    names = [c.get("lastName") or c.get("name", "") for c in creators if c["creatorType"] == creators[0]["creatorType"]]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def parsed_date(date: str) -> str | None:
    match = re.search(r"\b(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\b", date)
    if not match:
        return None
    return "-".join(part.zfill(2) for part in match.groups() if part)
