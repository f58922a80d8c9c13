"""Three-way merge of one item: what both sides agreed at the last sync, the local copy, the server's.

A field changed on one side only takes that side's value. A field changed on both sides to different
values keeps the local value for now and becomes a Conflict holding both, for the user to choose.
Sets merge: a tag (or collection) added on either side is kept, one removed on either side goes, so
a tag renamed on one side and a tag added on the other both arrive. Notes and attachments merge by key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from senref.core.model import Item

T = TypeVar("T")


@dataclass
class FieldClash:
    field: str
    local: Any
    remote: Any


@dataclass
class Merged:
    item: Item
    clashes: list[FieldClash] = field(default_factory=list)


def merge_items(base: Item | None, local: Item, remote: Item) -> Merged:
    """The merged item (local's key); *base* None (no agreed copy) makes every difference a clash."""
    out = copy.deepcopy(local)
    clashes: list[FieldClash] = []

    def pick(name: str, b: Any, loc: Any, rem: Any) -> Any:
        if loc == rem:
            return loc
        if base is not None and loc == b:
            return rem
        if base is not None and rem == b:
            return loc
        clashes.append(FieldClash(name, loc, rem))
        return loc

    out.item_type = pick("itemType", base.item_type if base else None, local.item_type, remote.item_type)
    def pick_each(b: dict[str, Any] | None, loc: dict[str, Any], rem: dict[str, Any], empty: Any = "",
                  quiet: bool = False) -> dict[str, Any]:
        """Field by field (fields, identifiers, senref's extras): an emptied value is a removal. *quiet*:
        machine data (senref's extras) never asks the user; a change on both sides keeps the local one."""
        merged: dict[str, Any] = {}
        for name in sorted(set(loc) | set(rem) | set(b or {})):
            was = (b or {}).get(name, empty) if b is not None else None
            if quiet:
                value = rem.get(name, empty) if loc.get(name, empty) == was else loc.get(name, empty)
            else:
                value = pick(name, was, loc.get(name, empty), rem.get(name, empty))
            if value not in ("", None):
                merged[name] = value
        return merged

    out.fields = pick_each(base.fields if base else None, local.fields, remote.fields)
    out.creators = pick("creators", base.creators if base else None, local.creators, remote.creators)
    out.identifiers = pick_each(base.identifiers if base else None, local.identifiers, remote.identifiers)
    # What another copy of senref found (an integrity notice, topic evidence) arrives like any field.
    out.extras = pick_each(base.extras if base else None, local.extras, remote.extras, empty=None, quiet=True)
    out.deleted = pick("deleted", base.deleted if base else None, local.deleted, remote.deleted)
    out.tags = merge_sets(base.tags if base else None, local.tags, remote.tags, key=lambda t: (t.tag, t.type))
    out.collections = merge_sets(base.collections if base else None, local.collections, remote.collections,
                                 key=lambda c: c)
    out.relations = {p: merge_sets(base.relations.get(p, []) if base else None, local.relations.get(p, []),
                                   remote.relations.get(p, []), key=lambda u: u)
                     for p in sorted(set(local.relations) | set(remote.relations))}
    out.relations = {p: uris for p, uris in out.relations.items() if uris}
    out.notes = merge_children(base.notes if base else None, local.notes, remote.notes,
                               same=lambda a, b: a.html == b.html, clashes=clashes, what="note")
    out.attachments = merge_children(base.attachments if base else None, local.attachments, remote.attachments,
                                     same=lambda a, b: a.to_json() == b.to_json(), clashes=clashes,
                                     what="attachment")
    return Merged(out, clashes)


def merge_sets(base: list[T] | None, local: list[T], remote: list[T], *, key: Callable[[T], Hashable]) -> list[T]:
    """Local order, then what the server added; what either side removed since *base* is gone."""
    base_keys = {key(x) for x in base} if base is not None else set()
    local_keys, remote_keys = {key(x) for x in local}, {key(x) for x in remote}
    removed = (base_keys - local_keys) | (base_keys - remote_keys)
    out, seen = [], set()
    for x in [*local, *remote]:
        k = key(x)
        if k in removed or k in seen:
            continue
        seen.add(k)
        out.append(x)
    return out


def merge_children(base: list[Any] | None, local: list[Any], remote: list[Any], *,
                   same: Callable[[Any, Any], bool], clashes: list[FieldClash], what: str) -> list[Any]:
    """Notes or attachments by key: added on either side kept; removed on one side and untouched on the
    other removed; changed on one side taken; changed on both sides: local kept, a clash noted."""
    by_base = {c.key: c for c in base or []}
    by_local, by_remote = {c.key: c for c in local}, {c.key: c for c in remote}
    out = []
    for key in [*by_local, *(k for k in by_remote if k not in by_local)]:
        b, loc, rem = by_base.get(key), by_local.get(key), by_remote.get(key)
        if loc is not None and rem is not None:
            if same(loc, rem) or (b is not None and same(rem, b)):
                out.append(loc)
            elif b is not None and same(loc, b):
                out.append(rem)
            else:
                clashes.append(FieldClash(f"{what} {key}", loc.to_json(), rem.to_json()))
                out.append(loc)
        elif loc is not None:  # not on the server: new here, or deleted there
            if b is None or not same(loc, b):
                out.append(loc)  # new here, or edited here after the server deleted it: kept
        elif rem is not None and (b is None or not same(rem, b)):
            out.append(rem)  # new there, or edited there after it was deleted here: kept
    return out
