"""Two-way merge of an edited target file into the library (BibTeX, BibLaTeX, CSL-JSON, RIS).

Three versions of each entry are compared in the format's own terms: the base (what senref last
wrote, from the manifest's copy), the file (what is on disk now) and the library (the item as it is
now, rendered and read back the same way, so what the format cannot carry compares equal on every
side). A unit (a field, the creator list, an identifier, the tags) changed only in the file is
merged into the library; changed on both sides to different values it is a conflict; an entry
gone from the file is reported, never deleted.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from senref.core.model import Item, Tag
from senref.sync.conflicts import Conflict
from senref.sync.entries import EntryCodec
from senref.sync.manifest import Entry, Manifest, entry_hash

#: Identifier schemes tried, in order, to match an entry that lost its citation key.
_MATCH_SCHEMES = ("doi", "hal", "pmid", "pmcid", "arxiv", "isbn")


class MergeLibrary(Protocol):
    def find_by_identifier(self, scheme: str, value: str, *, include_trash: bool = False) -> str | None: ...
    def get_item(self, key: str) -> Item: ...


def units(item: Item) -> dict[str, str]:
    """The comparable pieces of an item, as display strings (empty pieces left out)."""
    out: dict[str, str] = {"itemType": item.item_type}
    for name, value in item.fields.items():
        if value and name != "citationKey":
            out[f"field:{name}"] = value
    if item.creators:
        out["creators"] = "; ".join(
            f"{c.creator_type}: " + (c.name or f"{c.last_name}, {c.first_name}".strip(", ")) for c in item.creators)
    for scheme, value in item.identifiers.items():
        if value:
            out[f"id:{scheme}"] = value
    if item.tags:
        out["tags"] = json.dumps(sorted(t.tag for t in item.tags), ensure_ascii=False)
    return out


def apply_unit(target: Item, source: Item, unit: str) -> None:
    """Copy one unit from *source* (parsed from the file) onto *target* (the library item)."""
    if unit == "itemType":
        target.item_type = source.item_type
    elif unit.startswith("field:"):
        name = unit[6:]
        value = source.fields.get(name, "")
        if value:
            target.fields[name] = value
        else:
            target.fields.pop(name, None)
        target.provenance[name] = "sync"
    elif unit == "creators":
        target.creators = list(source.creators)
    elif unit.startswith("id:"):
        scheme = unit[3:]
        if source.identifiers.get(scheme):
            target.identifiers[scheme] = source.identifiers[scheme]
        else:
            target.identifiers.pop(scheme, None)
    elif unit == "tags":
        kinds = {t.tag: t.type for t in target.tags}
        target.tags = [Tag(t.tag, kinds.get(t.tag, t.type)) for t in source.tags]


def unit_label(unit: str) -> str:
    """The name a user sees for a unit.

    >>> unit_label("field:title")
    'title'
    """
    return unit.split(":", 1)[1] if ":" in unit else unit


@dataclass
class MergePlan:
    """What reading the file back found; nothing is applied until `apply` in the engine."""

    #: item key -> (file item, units to take from it)
    updates: dict[str, tuple[Item, list[str]]] = field(default_factory=dict)
    new_items: list[Item] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    #: keys of deleted entries the user agreed to take out of the target
    removals: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def open_conflicts(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.resolution]


def parse_entries(fmt: Any, codec: EntryCodec, texts: list[bytes]) -> list[Item | None]:
    """Read entries back with the format's reader, one Item (or None) per text."""
    if not texts:
        return []
    items = _read(fmt, codec.assemble(texts)[0])
    if len(items) == len(texts):
        return list(items)
    out: list[Item | None] = []
    for text in texts:
        one = _read(fmt, codec.assemble([text])[0])
        out.append(one[0] if len(one) == 1 else None)
    return out


def _read(fmt: Any, data: bytes) -> list[Item]:
    ext = fmt.extensions[0] if getattr(fmt, "extensions", None) else ".txt"
    with tempfile.TemporaryDirectory(prefix="senref-merge-") as tmp:
        path = Path(tmp) / f"entries{ext}"
        path.write_bytes(data)
        return [r.item for r in fmt.read(path) if hasattr(r, "item")]


def plan_merge(lib: MergeLibrary, fmt: Any, codec: EntryCodec, *, target_id: str, manifest: Manifest,
               base: bytes | None, current: bytes, render: Callable[[list[Item]], list[bytes | None]],
               resolved: list[Conflict]) -> MergePlan:
    """Compare the file on disk with what senref wrote and with the library; see the module docstring."""
    plan = MergePlan()
    spans = codec.split(current)
    texts = [current[s:e] for s, e in spans]
    parsed = parse_entries(fmt, codec, [codec.normalise(t) for t in texts])
    by_hash = {e.hash: e for e in manifest.entries}
    by_citekey = {e.citekey: e for e in manifest.entries if e.citekey}
    by_key = manifest.by_key()
    seen: set[str] = set()
    # One slot per readable file entry, in file order: the manifest entry it stands for (None: new),
    # and whether it is byte-for-byte what senref wrote.
    slots: list[_Slot] = []
    for text, item in zip(texts, parsed, strict=True):
        if item is None:
            plan.problems.append(f"an entry could not be read: {text[:60].decode('utf-8', 'replace')!r}")
            continue
        entry = by_hash.get(entry_hash(text))
        if entry is not None and entry.key not in seen:
            seen.add(entry.key)
            slots.append(_Slot(entry, item, same=True, keyless=False))
            continue
        citekey = codec.citekey(codec.normalise(text))
        entry = _match(lib, item, citekey, by_citekey=by_citekey, by_key=by_key, seen=seen)
        if entry is not None:
            seen.add(entry.key)
        slots.append(_Slot(entry, item, same=False, keyless=not citekey and not item.fields.get("citationKey")))
    if base:
        _match_by_place(slots, manifest, seen, lambda entries: parse_entries(
            fmt, codec, [base[e.start:e.end] for e in entries]))
    changed = [(s.entry, s.item) for s in slots if s.entry is not None and not s.same]
    plan.new_items.extend(s.item for s in slots if s.entry is None)

    base_items = parse_entries(fmt, codec, [base[e.start:e.end] for e, _ in changed]) if base else []
    lib_items: dict[str, Item] = {}
    for entry, _ in changed:
        try:
            lib_items[entry.key] = lib.get_item(entry.key)
        except KeyError:
            continue
    # The library side in the format's own terms: render the items edited since the write, read back.
    edited = [lib_items[e.key] for e, _ in changed if e.key in lib_items and lib_items[e.key].version != e.version]
    rendered = render(edited)
    views = dict(zip([i.key for i in edited], parse_entries(fmt, codec, [r or b"" for r in rendered]), strict=True))
    decisions = {c.id: c for c in resolved if c.resolution}

    for index, (entry, file_item) in enumerate(changed):
        lib_item = lib_items.get(entry.key)
        if lib_item is None:
            plan.new_items.append(file_item)  # deleted for good in the library meanwhile: keep the entry's data
            continue
        base_item = base_items[index] if index < len(base_items) else None
        base_u = units(base_item) if base_item is not None else {}
        file_u = units(file_item)
        lib_view = views.get(entry.key)
        lib_u = units(lib_view) if lib_view is not None else base_u
        take: list[str] = []
        for unit in sorted(set(base_u) | set(file_u)):
            b, f = base_u.get(unit, ""), file_u.get(unit, "")
            if f == b:
                continue
            lv = lib_u.get(unit, "")
            if lv in (b, f):
                take.append(unit)
                continue
            conflict = Conflict(id=Conflict.make_id(target_id, "field", entry.key, unit), target_id=target_id,
                                kind="field", item_key=entry.key, field=unit_label(unit), title=lib_item.title,
                                library_value=lv, file_value=f, base_value=b)
            decided = decisions.get(conflict.id)
            if decided is not None and decided.same_values(conflict):
                conflict.resolution = decided.resolution
                if decided.resolution == "file":
                    take.append(unit)
            plan.conflicts.append(conflict)
        if take:
            plan.updates[entry.key] = (file_item, take)

    for entry in manifest.entries:
        if entry.key in seen:
            continue
        title = lib_items[entry.key].title if entry.key in lib_items else ""
        if not title:
            try:
                title = lib.get_item(entry.key).title
            except KeyError:
                continue  # gone from the library too: nothing to ask
        conflict = Conflict(id=Conflict.make_id(target_id, "deleted", entry.key, ""), target_id=target_id,
                            kind="deleted", item_key=entry.key, title=title, library_value=title,
                            file_value="(entry deleted from the file)")
        decided = decisions.get(conflict.id)
        if decided is not None:
            conflict.resolution = decided.resolution
            if decided.resolution == "file":
                plan.removals.append(entry.key)
        plan.conflicts.append(conflict)
    return plan


@dataclass
class _Slot:
    entry: Entry | None
    item: Item
    same: bool  # byte-for-byte what senref wrote
    keyless: bool  # carries no citation key (RIS): only identifiers or its place can match it


def _match_by_place(slots: list[_Slot], manifest: Manifest, seen: set[str],
                    read_base: Callable[[list[Entry]], list[Item | None]]) -> None:
    """Match keyless entries that stand where written entries now missing stood (RIS has no key field).

    A run of unmatched file entries between two matched neighbours is paired, in order, with the
    unseen manifest entries between the same neighbours, when the counts agree and each entry still
    resembles what senref wrote there; otherwise they stay new entries and the old ones deletions,
    which the user is asked about, so a wrong guess here can never delete anything silently.
    """
    order = {e.key: n for n, e in enumerate(manifest.entries)}
    i = 0
    while i < len(slots):
        if slots[i].entry is not None:
            i += 1
            continue
        j = i
        while j < len(slots) and slots[j].entry is None:
            j += 1
        before, after = slots[i - 1].entry if i else None, slots[j].entry if j < len(slots) else None
        lo = order[before.key] if before is not None else -1
        hi = order[after.key] if after is not None else len(manifest.entries)
        gap = [e for e in manifest.entries[lo + 1:hi] if e.key not in seen]
        run = slots[i:j]
        if gap and len(gap) == len(run) and all(s.keyless for s in run):
            for slot, entry, written in zip(run, gap, read_base(gap), strict=True):
                if written is not None and _resembles(written, slot.item):
                    slot.entry = entry
                    seen.add(entry.key)
        i = j


def _resembles(written: Item, edited: Item) -> bool:
    """True when at most half of the comparable pieces differ (a title edit, not another work).

    >>> from senref.core.model import Creator
    >>> a = Item(fields={"title": "A", "date": "2020"}, creators=[Creator("author", "Ana", "Gil")])
    >>> b = Item(fields={"title": "B", "date": "2020"}, creators=[Creator("author", "Ana", "Gil")])
    >>> _resembles(a, b), _resembles(a, Item(fields={"title": "C", "date": "1999"}))
    (True, False)
    """
    before, after = units(written), units(edited)
    names = set(before) | set(after)
    differing = sum(before.get(n) != after.get(n) for n in names)
    return differing * 2 <= len(names)


def _match(lib: MergeLibrary, item: Item, citekey: str, *, by_citekey: dict[str, Entry], by_key: dict[str, Entry],
           seen: set[str]) -> Entry | None:
    """The manifest entry a changed file entry stands for: citation key, then item key, then identifiers."""
    for candidate in (item.fields.get("citationKey", ""), citekey):
        entry = by_citekey.get(candidate) if candidate else None
        if entry is not None and entry.key not in seen:
            return entry
    entry = by_key.get(item.key)
    if entry is not None and entry.key not in seen:
        return entry
    for scheme in _MATCH_SCHEMES:
        value = item.identifiers.get(scheme)
        key = lib.find_by_identifier(scheme, value) if value else None
        if key and key in by_key and key not in seen:
            return by_key[key]
    return None
