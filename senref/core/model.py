"""The item model: Zotero's data model (types, fields, creators, tags, collections) plus senref's extras."""

from __future__ import annotations

import functools
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from senref.core import identifiers as ids
from senref.core.schema import (
    CREATOR_TYPES,
    EXTRA_LABELS,
    IDENTIFIER_FIELDS,
    IDENTIFIER_SCHEMES,
    ITEM_FIELDS,
    field_for_label,
    publication_field,
    type_field,
)

#: Zotero's key alphabet (no 0, 1 or O, which are easily confused when keys are retyped).
KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
_KEY_RE = re.compile(rf"^[{KEY_ALPHABET}]{{8}}$")
MANUAL, AUTOMATIC = 0, 1
#: os.urandom behind `random`'s interface: what `secrets` uses, without `secrets`, which loads hmac and OpenSSL's
#: libcrypto (~3.5 MB resident) into a window that makes one key (the item pane's blank item) at start.
_OS_RANDOM = random.SystemRandom()

#: Keys other programs' item JSON carries that are bookkeeping, not bibliographic fields
#: (Better BibTeX's `itemID`/`uri`/`citekey`, the Web API's `parentItem`...).
BOOKKEEPING = frozenset({"itemID", "uri", "libraryID", "itemKey", "citekey", "multi", "attachments", "notes",
                         "seeAlso", "inPublications", "select"})


def new_key() -> str:
    """A random 8-character Zotero-style key (one draw from the OS's random source, not eight)."""
    n = _OS_RANDOM.randrange(len(KEY_ALPHABET) ** 8)
    out = []
    for _ in range(8):
        n, digit = divmod(n, len(KEY_ALPHABET))
        out.append(KEY_ALPHABET[digit])
    return "".join(out)


def is_key(value: str) -> bool:
    return bool(_KEY_RE.match(value))


def now_iso() -> str:
    """UTC timestamp in Zotero's JSON form (`2021-05-04T10:00:00Z`)."""
    return _iso_second(int(time.time()))


@functools.lru_cache(maxsize=4)
def _iso_second(second: int) -> str:
    # An import makes thousands of items a second: format each second once.
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Creator:
    """One creator: two-field (first/last) or single-field (`name`, e.g. a consortium)."""

    creator_type: str = "author"
    first_name: str = ""
    last_name: str = ""
    name: str = ""

    @property
    def display(self) -> str:
        if self.name:
            return self.name
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_name(self) -> str:
        return self.name or self.last_name or self.first_name

    def to_json(self) -> dict[str, str]:
        if self.name:
            return {"creatorType": self.creator_type, "name": self.name}
        return {"creatorType": self.creator_type, "firstName": self.first_name, "lastName": self.last_name}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Creator:
        return cls(
            creator_type=str(data.get("creatorType") or "author"),
            first_name=str(data.get("firstName") or "").strip(),
            last_name=str(data.get("lastName") or "").strip(),
            name=str(data.get("name") or "").strip(),
        )


@dataclass
class Tag:
    """A tag as Zotero stores it: name plus type (0 manual, 1 automatic)."""

    tag: str
    type: int = MANUAL

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "type": self.type} if self.type else {"tag": self.tag}


@dataclass
class Attachment:
    """A stored file (path relative to the library folder) or a link (url / absolute path)."""

    key: str = field(default_factory=new_key)
    title: str = ""
    link_mode: str = "imported_file"  # imported_file | imported_url | linked_file | linked_url
    path: str = ""
    url: str = ""
    content_type: str = ""
    size: int | None = None
    sha256: str = ""
    source: str = ""
    date_added: str = field(default_factory=now_iso)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key, "title": self.title, "linkMode": self.link_mode,
            "contentType": self.content_type,
        }
        for name, value in (("path", self.path), ("url", self.url), ("sha256", self.sha256),
                            ("source", self.source), ("size", self.size)):
            if value:
                out[name] = value
        out["dateAdded"] = self.date_added
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        size = data.get("size")
        return cls(
            key=str(data.get("key") or new_key()),
            title=str(data.get("title") or ""),
            link_mode=str(data.get("linkMode") or "imported_file"),
            path=str(data.get("path") or ""),
            url=str(data.get("url") or ""),
            content_type=str(data.get("contentType") or ""),
            size=int(size) if isinstance(size, int | str) and str(size).isdigit() else None,
            sha256=str(data.get("sha256") or ""),
            source=str(data.get("source") or ""),
            date_added=str(data.get("dateAdded") or now_iso()),
        )


@dataclass
class Note:
    """A child note (HTML, as Zotero keeps notes)."""

    html: str
    key: str = field(default_factory=new_key)
    date_added: str = field(default_factory=now_iso)
    date_modified: str = field(default_factory=now_iso)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "note": self.html, "dateAdded": self.date_added,
                "dateModified": self.date_modified}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Note:
        stamp = str(data.get("dateAdded") or now_iso())
        return cls(html=str(data.get("note") or data.get("html") or ""),
                   key=str(data.get("key") or new_key()), date_added=stamp,
                   date_modified=str(data.get("dateModified") or stamp))


@dataclass
class Item:
    """A bibliographic record. `fields` holds Zotero fields except identifiers, which live in `identifiers`."""

    item_type: str = "journalArticle"
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[Creator] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    hal_version: int | None = None
    attachments: list[Attachment] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    relations: dict[str, list[str]] = field(default_factory=dict)
    #: field name -> source that supplied it ("crossref", "hal", "user", "import:bibtex", ...)
    provenance: dict[str, str] = field(default_factory=dict)
    #: free-form extras kept with the item (topic evidence, rejected topics, why-no-PDF reasons)
    extras: dict[str, Any] = field(default_factory=dict)
    key: str = field(default_factory=new_key)
    version: int = 0
    date_added: str = field(default_factory=now_iso)
    date_modified: str = field(default_factory=now_iso)
    deleted: bool = False

    # -- convenience -------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def year(self) -> int | None:
        match = re.search(r"\b(1[5-9]\d\d|20\d\d|21\d\d)\b", self.fields.get("date", ""))
        return int(match.group(1)) if match else None

    @property
    def publication(self) -> str:
        name = publication_field(self.item_type)
        return self.fields.get(name, "") if name else ""

    def set_identifier(self, scheme: str, value: str) -> bool:
        """Store a normalised identifier; returns False (and stores nothing) if *value* is malformed."""
        if scheme == "hal":
            hal = ids.normalize_hal(value)
            if not hal:
                return False
            self.identifiers["hal"] = hal[0]
            if hal[1] is not None:
                self.hal_version = hal[1]
            return True
        norm = ids.normalize(scheme, value)
        if not norm:
            return False
        self.identifiers[scheme] = norm
        return True

    def tag_names(self, tag_type: int | None = None) -> list[str]:
        return [t.tag for t in self.tags if tag_type is None or t.type == tag_type]

    def add_tag(self, name: str, tag_type: int = MANUAL) -> None:
        """Add a tag; a manual tag replaces an automatic one of the same name."""
        name = name.strip()
        if not name:
            return
        for existing in self.tags:
            if existing.tag == name:
                if tag_type == MANUAL:
                    existing.type = MANUAL
                return
        self.tags.append(Tag(name, tag_type))

    # -- Zotero Web API JSON -----------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """Zotero Web API item JSON (`key`, `version`, `data`) plus senref's `meta`."""
        known = ITEM_FIELDS.get(self.item_type)
        # A type this schema does not know (film, artwork...) keeps every field it came with.
        valid = known if known is not None else ("title", *(f for f in self.fields if f != "title"), "extra")
        data: dict[str, Any] = {"key": self.key, "version": self.version, "itemType": self.item_type}
        extra_lines: list[str] = []
        for name in valid:
            if name in IDENTIFIER_FIELDS.values() or name == "extra":
                continue
            data[name] = self.fields.get(name, "")
        # Fields the type has no column for travel in Extra as "name: value", as Zotero does.
        for name, value in self.fields.items():
            if value and name not in valid and name != "extra":
                extra_lines.append(f"{name}: {value}")
        for scheme in IDENTIFIER_SCHEMES:
            ident = self.identifiers.get(scheme)
            if not ident:
                continue
            zfield = IDENTIFIER_FIELDS.get(scheme)
            if zfield and zfield in valid:
                data[zfield] = ident
            else:
                shown = f"{ident}v{self.hal_version}" if scheme == "hal" and self.hal_version else ident
                extra_lines.append(f"{EXTRA_LABELS[scheme]}: {shown}")
        for name in ("DOI", "ISBN", "PMID", "PMCID"):
            if name in valid:
                data.setdefault(name, "")
        extra = self.fields.get("extra", "")
        extra_lines = [line for line in extra_lines if line not in extra.splitlines()]
        data["extra"] = "\n".join(filter(None, [extra, *extra_lines]))
        data["creators"] = [c.to_json() for c in self.creators]
        data["tags"] = [t.to_json() for t in self.tags]
        data["collections"] = list(self.collections)
        # Zotero writes one related URI as a string and several as an array.
        data["relations"] = {k: v[0] if len(v) == 1 else list(v) for k, v in self.relations.items()}
        data["dateAdded"] = self.date_added
        data["dateModified"] = self.date_modified
        if self.deleted:
            data["deleted"] = 1
        identifiers = dict(self.identifiers)
        if self.hal_version is not None and "hal" in identifiers:
            identifiers["halVersion"] = str(self.hal_version)
        meta: dict[str, Any] = {
            "identifiers": identifiers,
            "attachments": [a.to_json() for a in self.attachments],
            "notes": [n.to_json() for n in self.notes],
            "provenance": dict(self.provenance),
            "creatorSummary": creator_summary(self.creators),
            "numChildren": len(self.attachments) + len(self.notes),
        }
        if self.year:
            meta["parsedDate"] = str(self.year)
        meta.update(self.extras)
        return {"key": self.key, "version": self.version, "data": data, "meta": meta}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Item:
        """Read Zotero Web API JSON (wrapped or bare `data`) or senref's own export.

        Identifiers come from `meta.identifiers`, the DOI/ISBN/PMID/PMCID fields, and `Label: value`
        lines in Extra (the way Zotero carries fields it has no column for).
        """
        data = obj.get("data", obj)
        if not isinstance(data, dict):
            raise ValueError("item JSON has no data object")
        raw_meta = obj.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        item = cls(item_type=str(data.get("itemType") or "journalArticle"))
        key = str(obj.get("key") or data.get("key") or "")
        if is_key(key):
            item.key = key
        item.version = int(obj.get("version") or data.get("version") or 0)
        reserved = {"key", "version", "itemType", "creators", "tags", "collections", "relations",
                    "dateAdded", "dateModified", "deleted", "parentItem", "extra"}
        rejected: list[str] = []
        for name, value in data.items():
            if name in reserved or name in BOOKKEEPING or value in (None, ""):
                continue
            if name in IDENTIFIER_FIELDS.values():
                scheme = next(s for s, f in IDENTIFIER_FIELDS.items() if f == name)
                if not item.set_identifier(scheme, str(value)):
                    rejected.append(f"{name}: {value}")  # not a valid identifier, but the record's text: kept
                continue
            if isinstance(value, str | int | float):
                # A base-field name (publicationTitle in a bookSection) lands in the type's own field.
                item.fields[type_field(item.item_type, name) or name] = str(value)
        bbt_key = data.get("citekey")
        if isinstance(bbt_key, str) and bbt_key.strip() and not item.fields.get("citationKey"):
            item.fields["citationKey"] = bbt_key.strip()
        extra_kept: list[str] = []
        labels = {label.lower(): scheme for scheme, label in EXTRA_LABELS.items()}
        raw_extra = data.get("extra") or ""
        # Better BibTeX's JSON keeps Extra as a list of lines.
        extra_text = "\n".join(map(str, raw_extra)) if isinstance(raw_extra, list) else str(raw_extra)
        for line in extra_text.splitlines():
            label, sep, rest = line.partition(":")
            found = labels.get(label.strip().lower())
            if sep and found and item.set_identifier(found, rest.strip()):
                continue
            if sep and label.strip() in BOOKKEEPING:
                continue
            # Zotero migrates `field: value` lines of Extra into the field when the type has it and it is empty.
            home = field_for_label(item.item_type, label) if sep and len(label) <= 40 else ""
            if home in IDENTIFIER_FIELDS.values() or label.strip().casefold() in ("type", "itemtype"):
                home = ""  # a malformed identifier stays visible in Extra; `type:` names an item type, not a field
            if home and rest.strip() and not item.fields.get(home):
                item.fields[home] = rest.strip()
                continue
            extra_kept.append(line)
        extra_kept = [line for line in rejected if line not in extra_kept] + extra_kept
        if any(line.strip() for line in extra_kept):
            item.fields["extra"] = "\n".join(extra_kept).strip("\n")
        for scheme, value in (meta.get("identifiers") or {}).items():
            if scheme == "halVersion":
                item.hal_version = int(value) if str(value).isdigit() else None
            elif scheme in IDENTIFIER_SCHEMES and value:
                hal_version = item.hal_version
                item.set_identifier(scheme, str(value))
                if scheme == "hal" and hal_version is not None:
                    item.hal_version = hal_version
        item.creators = [Creator.from_json(c) for c in data.get("creators") or [] if isinstance(c, dict)]
        for tag in data.get("tags") or []:
            if isinstance(tag, dict) and tag.get("tag"):
                item.add_tag(str(tag["tag"]), AUTOMATIC if int(tag.get("type") or 0) == 1 else MANUAL)
            elif isinstance(tag, str):
                item.add_tag(tag)
        item.collections = [str(c) for c in data.get("collections") or []]
        relations = data.get("relations") or {}
        if isinstance(relations, dict):
            item.relations = {str(k): [v] if isinstance(v, str) else [str(x) for x in v]
                              for k, v in relations.items()}
        item.date_added = str(data.get("dateAdded") or item.date_added)
        item.date_modified = str(data.get("dateModified") or item.date_modified)
        item.deleted = bool(data.get("deleted"))
        item.attachments = [Attachment.from_json(a) for a in meta.get("attachments") or []]
        item.notes = [Note.from_json(n) for n in meta.get("notes") or []]
        item.provenance = {str(k): str(v) for k, v in (meta.get("provenance") or {}).items()}
        for name in ("topicEvidence", "rejectedTopics", "pdfReasons", "tagSources"):
            if name in meta:
                item.extras[name] = meta[name]
        return item


def creator_summary(creators: list[Creator]) -> str:
    """Zotero's short creator line: "Smith", "Smith and Jones", "Smith et al."."""
    authors = [c for c in creators if c.creator_type in CREATOR_PRIMARY] or creators
    names = [c.sort_name for c in authors if c.sort_name]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


CREATOR_PRIMARY = frozenset(types[0] for types in CREATOR_TYPES.values())
