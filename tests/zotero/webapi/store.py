"""In-memory Zotero libraries: one version counter each, versioned objects, a deletion log, write tokens, files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.zotero.webapi.objects import (
    ENVELOPE_KEYS,
    KEY_RE,
    KINDS,
    SINGULAR,
    Obj,
    WriteError,
    creator_summary,
    new_key,
    normalise,
    now_iso,
    parsed_date,
)

#: Zotero keeps successful write tokens for 12 hours.
WRITE_TOKEN_TTL = 12 * 3600


@dataclass
class StoredFile:
    """An attachment's file as Zotero storage holds it."""

    md5: str
    filename: str
    mtime: int
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass
class WriteResult:
    """Index (as uploaded) -> outcome, the shape of a 200 write response before JSON."""

    successful: dict[str, Obj] = field(default_factory=dict)
    unchanged: dict[str, str] = field(default_factory=dict)
    failed: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Library:
    """One user or group library."""

    type: str  # "user" | "group"
    id: int
    name: str
    version: int = 0
    objects: dict[str, dict[str, Obj]] = field(default_factory=lambda: {k: {} for k in KINDS})
    #: kind ("items", "collections", "searches", "tags", "settings") -> key or tag -> library version of the deletion
    deleted: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in (*KINDS, "tags", "settings")})
    write_tokens: dict[str, float] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"/{self.type}s/{self.id}"

    @property
    def items(self) -> dict[str, Obj]:
        return self.objects["items"]

    @property
    def collections(self) -> dict[str, Obj]:
        return self.objects["collections"]

    @property
    def searches(self) -> dict[str, Obj]:
        return self.objects["searches"]

    def get(self, kind: str, key: str) -> Obj | None:
        return self.objects[kind].get(key)

    def add(self, kind: str, data: dict[str, Any]) -> Obj:
        """Seed one object as if a client had created it (a test shortcut; bumps the library version)."""
        result = self.write(kind, [{**data, "version": 0} if data.get("key") else data], header_version=self.version)
        if result.failed:
            raise WriteError(result.failed["0"]["code"], result.failed["0"]["message"])
        return result.successful["0"]

    def check_library_version(self, header_version: int | None) -> None:
        if header_version is not None and header_version < self.version:
            raise WriteError(412, f"Library has been modified since specified version "
                                  f"(expected {header_version}, found {self.version})")

    def use_write_token(self, token: str | None) -> None:
        if not token:
            return
        cutoff = time.time() - WRITE_TOKEN_TTL
        self.write_tokens = {t: when for t, when in self.write_tokens.items() if when > cutoff}
        if token in self.write_tokens:
            raise WriteError(412, "Write token already used")

    def write(self, kind: str, objects: list[Any], *, header_version: int | None, replace: bool = False) -> WriteResult:
        """Save a batch the way `POST <prefix>/<kind>` does: one new library version for everything saved."""
        result = WriteResult()
        new_version = self.version + 1
        for index, raw in enumerate(objects):
            try:
                obj = self._save(kind, raw, header_version, replace, new_version)
            except WriteError as error:
                key = raw.get("key", "") if isinstance(raw, dict) else ""
                result.failed[str(index)] = {"key": key, "code": error.code, "message": error.message}
                continue
            if obj is None:
                result.unchanged[str(index)] = raw["key"]
            else:
                result.successful[str(index)] = obj
        if result.successful:
            self.version = new_version
        return result

    def _save(self, kind: str, raw: Any, header_version: int | None, replace: bool, new_version: int) -> Obj | None:
        if not isinstance(raw, dict):
            raise WriteError(400, "Invalid value; expected JSON object")
        key = raw.get("key")
        given = raw.get("version")
        noun = SINGULAR[kind]
        if key is not None and (not isinstance(key, str) or not KEY_RE.match(key)):
            raise WriteError(400, "'key' must be an 8-character string")
        existing = self.get(kind, key) if key else None
        if existing is not None:
            if given is not None and given != existing.version:
                raise WriteError(412, f"{noun} has been modified since specified version "
                                      f"(expected {given}, found {existing.version})")
            if given is None and header_version is None:
                raise WriteError(428, "Either If-Unmodified-Since-Version or object version property must be provided "
                                      "for key-based writes")
            if "dateAdded" in raw and raw["dateAdded"] != existing.data.get("dateAdded"):
                raise WriteError(400, "'dateAdded' cannot be modified for existing objects")
            base = {} if replace else {k: v for k, v in existing.data.items() if k not in ENVELOPE_KEYS}
        else:
            if key and given not in (None, 0):
                raise WriteError(404, f"{noun} doesn't exist (expected version {given}; use 0 instead)")
            if key and given is None and header_version is None:
                raise WriteError(428, "Either If-Unmodified-Since-Version or object version property must be provided "
                                      "for key-based writes")
            base = {}
        key = key or new_key()
        merged = {**base, **{k: v for k, v in raw.items() if k not in ENVELOPE_KEYS}}
        if replace and existing is not None and "deleted" not in raw:
            merged.pop("deleted", None)
        stored = normalise(kind, merged, self.get, key)
        if existing is not None:
            old = {k: v for k, v in existing.data.items() if k not in ENVELOPE_KEYS}
            if old == stored:
                return None
        data: dict[str, Any] = {"key": key, "version": new_version, **stored}
        if kind == "items":
            data["dateAdded"] = existing.data["dateAdded"] if existing else raw.get("dateAdded") or now_iso()
            data["dateModified"] = raw.get("dateModified") or now_iso()
        obj = Obj(kind, key, new_version, data)
        self.objects[kind][key] = obj
        self.deleted[kind].pop(key, None)
        return obj

    def delete(self, kind: str, keys: list[str]) -> None:
        """Delete objects (items with their children, collections with their subcollections) at one new version."""
        version = self.version + 1
        doomed = set(keys) & set(self.objects[kind])
        if kind == "items":
            doomed |= {k for k, o in self.items.items() if o.data.get("parentItem") in doomed}
        elif kind == "collections":
            grew = True
            while grew:
                more = {k for k, o in self.collections.items() if o.data["parentCollection"] in doomed} - doomed
                doomed |= more
                grew = bool(more)
            for item in self.items.values():
                kept = [c for c in item.data.get("collections", []) if c not in doomed]
                if kept != item.data.get("collections", kept):
                    item.data["collections"] = kept
                    item.version = item.data["version"] = version
        for key in doomed:
            del self.objects[kind][key]
            self.files.pop(key, None)
            self.deleted[kind][key] = version
        self.version = version

    def delete_tags(self, names: list[str]) -> None:
        """`DELETE <prefix>/tags?tag=…`: the tags leave every item, which gets the new version."""
        version = self.version + 1
        for item in self.items.values():
            tags = [t for t in item.data.get("tags", []) if t["tag"] not in names]
            if tags != item.data.get("tags", tags):
                item.data["tags"] = tags
                item.version = item.data["version"] = version
        for name in names:
            self.deleted["tags"][name] = version
        self.version = version

    def children(self, key: str) -> list[Obj]:
        return [o for o in self.items.values() if o.data.get("parentItem") == key]

    def envelope(self, obj: Obj, base: str) -> dict[str, Any]:
        """The `format=json` object: `{key, version, library, links, meta, data}`."""
        api, web = f"{base}{self.prefix}", f"{base}/web{self.prefix}"
        links: dict[str, Any] = {"self": {"href": f"{api}/{obj.kind}/{obj.key}", "type": "application/json"},
                                 "alternate": {"href": f"{web}/{obj.kind}/{obj.key}", "type": "text/html"}}
        meta: dict[str, Any] = {}
        data = obj.data
        if obj.kind == "items":
            if data.get("parentItem"):
                links["up"] = {"href": f"{api}/items/{data['parentItem']}", "type": "application/json"}
            stored = self.files.get(obj.key)
            if stored is not None:
                links["enclosure"] = {"type": stored.content_type, "href": f"{api}/items/{obj.key}/file/view",
                                      "title": stored.filename, "length": len(stored.content)}
            if data.get("creators"):
                meta["creatorSummary"] = creator_summary(data["creators"])
            if parsed := parsed_date(data.get("date", "")):
                meta["parsedDate"] = parsed
            if not data.get("parentItem") and data["itemType"] not in ("note", "attachment", "annotation"):
                meta["numChildren"] = sum(1 for c in self.children(obj.key) if not c.data.get("deleted"))
        elif obj.kind == "collections":
            if data["parentCollection"]:
                links["up"] = {"href": f"{api}/collections/{data['parentCollection']}", "type": "application/json"}
            meta["numCollections"] = sum(1 for c in self.collections.values() if c.data["parentCollection"] == obj.key)
            meta["numItems"] = sum(1 for i in self.items.values() if obj.key in i.data.get("collections", []))
        library = {"type": self.type, "id": self.id, "name": self.name,
                   "links": {"alternate": {"href": f"{web}", "type": "text/html"}}}
        return {"key": obj.key, "version": obj.version, "library": library, "links": links, "meta": meta,
                "data": data}
