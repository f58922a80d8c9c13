"""Two-way merge of an edited target file into the library (BibTeX, BibLaTeX, CSL-JSON, RIS).

Three versions of each entry are compared in the format's own terms: the base (what senref last
wrote, from the manifest's copy), the file (what is on disk now) and the library (the item as it is
now, rendered and read back the same way, so what the format cannot carry compares equal on every
side). A unit (a field, the creator list, an identifier, the tags) changed only in the file is
merged into the library; changed on both sides to different values it is a conflict; an entry
gone from the file is reported, never deleted.

The file is read whole, by the format's own reader, before anything is compared: `@string` macros
resolve as they do on import, and the first problem the reader reports stops the merge with
`UnreadableFile` (the file stays exactly as the user left it until they fix it). What lies between
the entries is returned as a `Layout`, to be written back verbatim.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from senref.core.model import Item, Tag
from senref.sync.conflicts import Conflict
from senref.sync.content import Content
from senref.sync.entries import EntryCodec, Layout, line_numbers
from senref.sync.journal import Imported
from senref.sync.manifest import Entry, Manifest, entry_hash

#: Identifier schemes tried, in order, to match an entry that lost its citation key.
_MATCH_SCHEMES = ("doi", "hal", "pmid", "pmcid", "arxiv", "isbn")


#: The reader's way of saying what it did with a bad entry; in sync nothing is skipped, the run stops.
_SKIPPED = re.compile(r";\s*(?:entry\s+)?(?:skipped|ignored)\s*$")


class MergeLibrary(Protocol):
    def find_by_identifier(self, scheme: str, value: str, *, include_trash: bool = False) -> str | None: ...
    def get_item(self, key: str) -> Item: ...
    def has_item(self, key: str) -> bool: ...


class UnreadableFile(ValueError):
    """The reader rejects part of the file: nothing is merged or written until the user fixes it."""

    #: How the message starts (front ends recognise it to add advice).
    PREFIX = "file has an error"

    def __init__(self, line: int, reason: str, more: int = 0) -> None:
        where = f" at line {line}" if line else ""
        also = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{self.PREFIX}{where}: {reason}{also}")
        self.line = line
        self.reason = reason


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
    #: the user's text between entries, tied to the item keys of the entries (new items' keys included)
    layout: Layout | None = None
    #: for each new item: the entry it comes from, for the import journal (keys chosen before saving)
    imports: list[Imported] = field(default_factory=list)

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


def _parse_some(fmt: Any, codec: EntryCodec, texts: list[bytes | None]) -> list[Item | None]:
    """Like parse_entries, with None for the texts that are missing."""
    present = [t for t in texts if t is not None]
    parsed = iter(parse_entries(fmt, codec, present))
    return [next(parsed) if t is not None else None for t in texts]


def _read(fmt: Any, data: bytes) -> list[Item]:
    return [item for _, item in _read_all(fmt, data)[0]]


def _read_all(fmt: Any, data: bytes) -> tuple[list[tuple[int, Item]], list[Any]]:
    """(line, item) of every record the reader yields for *data*, and the problems it reports."""
    ext = fmt.extensions[0] if getattr(fmt, "extensions", None) else ".txt"
    records: list[tuple[int, Item]] = []
    problems: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="senref-merge-") as tmp:
        path = Path(tmp) / f"entries{ext}"
        path.write_bytes(data)
        for result in fmt.read(path):
            if hasattr(result, "item"):
                records.append((int(getattr(result, "line", 0)), result.item))
            else:
                problems.append(result)
    return records, problems


def read_file(fmt: Any, data: bytes) -> list[tuple[int, Item]]:
    """Every entry of a target file with its line; UnreadableFile at the first problem the reader reports."""
    try:
        records, problems = _read_all(fmt, data)
    except RecursionError:
        raise UnreadableFile(0, "it is nested too deeply to be read") from None
    except UnicodeDecodeError as exc:
        line = line_numbers(data, [exc.start])[0] if exc.object == data else 0
        raise UnreadableFile(line, "the text is not valid UTF-8") from None
    if problems:
        first = problems[0]
        reason = _SKIPPED.sub("", str(getattr(first, "message", first))).strip()
        raise UnreadableFile(int(getattr(first, "line", 0)), reason, len(problems) - 1)
    return records


def _pair(data: bytes, spans: list[tuple[int, int]], records: list[tuple[int, Item]]) -> list[Item]:
    """The record read for each span, matched by the line the entry starts on (the reader may reorder)."""
    lines = line_numbers(data, [start for start, _ in spans])
    waiting: dict[int, list[Item]] = {}
    for line, item in records:
        waiting.setdefault(line, []).append(item)
    out: list[Item] = []
    for line in lines:
        queue = waiting.get(line)
        if not queue:
            raise UnreadableFile(line, "senref cannot read this entry back")
        out.append(queue.pop(0))
    left = sorted(line for line, queue in waiting.items() if queue)
    if left:
        raise UnreadableFile(left[0], "senref cannot tell where this entry starts; begin it on a line of its own")
    return out


@dataclass
class _Known:
    """The entries the file is compared with: the manifest's, plus entries imported but not yet written."""

    entries: list[Entry]
    base: bytes | Content | None
    imported: dict[str, bytes]  # item key -> its entry as it was imported (its merge base)
    preset: dict[str, str]  # entry hash -> key chosen for an import that never reached the library

    def base_text(self, entry: Entry) -> bytes | None:
        if entry.key in self.imported:
            return self.imported[entry.key]
        return self.base[entry.start:entry.end] if self.base is not None else None


def _known(lib: MergeLibrary, manifest: Manifest, base: bytes | Content | None, journal: list[Imported]) -> _Known:
    written = manifest.by_key()
    entries = list(manifest.entries)
    imported: dict[str, bytes] = {}
    preset: dict[str, str] = {}
    for record in journal:
        if record.key in written:
            continue  # written since (the journal outlived a kill): the manifest knows it
        if lib.has_item(record.key):
            # Version -1: the library side is always rendered afresh, as for an item edited since.
            entries.append(Entry(record.key, -1, record.citekey, 0, 0, record.hash))
            imported[record.key] = record.text
        else:
            preset[record.hash] = record.key
    return _Known(entries, base, imported, preset)


def plan_merge(lib: MergeLibrary, fmt: Any, codec: EntryCodec, *, target_id: str, manifest: Manifest,
               base: bytes | Content | None, current: bytes, render: Callable[[list[Item]], list[bytes | None]],
               resolved: list[Conflict], journal: list[Imported] | None = None) -> MergePlan:
    """Compare the file on disk with what senref wrote and with the library; see the module docstring."""
    plan = MergePlan()
    # An emptied file has no entries to read: what it lacks is asked about as deletions.
    records = read_file(fmt, current) if current.strip() else []
    spans = codec.split(current)
    texts = [current[s:e] for s, e in spans]
    parsed = _pair(current, spans, records)
    known = _known(lib, manifest, base, journal or [])
    by_hash = {e.hash: e for e in known.entries}
    by_citekey = {e.citekey: e for e in known.entries if e.citekey}
    by_key = {e.key: e for e in known.entries}
    seen: set[str] = set()
    # One slot per file entry, in file order: the manifest entry it stands for (None: new),
    # and whether it is byte-for-byte what senref wrote.
    slots: list[_Slot] = []
    for text, item in zip(texts, parsed, strict=True):
        entry = by_hash.get(entry_hash(text))
        if entry is not None and entry.key not in seen:
            seen.add(entry.key)
            slots.append(_Slot(entry, item, text, same=True, keyless=False))
            continue
        citekey = codec.citekey(codec.normalise(text))
        entry = _match(lib, item, citekey, by_citekey=by_citekey, by_key=by_key, seen=seen)
        if entry is not None:
            seen.add(entry.key)
        slots.append(_Slot(entry, item, text, same=False,
                           keyless=not citekey and not item.fields.get("citationKey")))
    _match_by_place(slots, known.entries, seen, lambda entries: _parse_some(
        fmt, codec, [known.base_text(e) for e in entries]))
    changed = [s for s in slots if s.entry is not None and not s.same]
    for slot in slots:
        if slot.entry is None:
            _add_new(plan, codec, slot.item, slot.text, known.preset)

    base_items = _parse_some(fmt, codec, [known.base_text(s.entry) for s in changed if s.entry is not None])
    lib_items: dict[str, Item] = {}
    for slot in changed:
        assert slot.entry is not None
        try:
            lib_items[slot.entry.key] = lib.get_item(slot.entry.key)
        except KeyError:
            continue
    # The library side in the format's own terms: render the items edited since the write, read back.
    edited = [lib_items[s.entry.key] for s in changed
              if s.entry is not None and s.entry.key in lib_items and lib_items[s.entry.key].version != s.entry.version]
    rendered = render(edited)
    views = dict(zip([i.key for i in edited], parse_entries(fmt, codec, [r or b"" for r in rendered]), strict=True))
    decisions = {c.id: c for c in resolved if c.resolution}

    for index, slot in enumerate(changed):
        entry, file_item = slot.entry, slot.item
        assert entry is not None
        lib_item = lib_items.get(entry.key)
        if lib_item is None:
            # Deleted for good in the library meanwhile: keep the entry's data, under the same key.
            file_item.key = entry.key
            _add_new(plan, codec, file_item, slot.text, known.preset)
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

    for entry in known.entries:
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
    if codec.keeps_text:
        plan.layout = _layout(codec, current, spans, slots)
    return plan


def _add_new(plan: MergePlan, codec: EntryCodec, item: Item, text: bytes, preset: dict[str, str]) -> None:
    """A file entry that becomes a new item; its key is fixed now, so a rerun finds the same item."""
    digest = entry_hash(text)
    if digest in preset:
        item.key = preset[digest]
    plan.new_items.append(item)
    plan.imports.append(Imported(item.key, codec.citekey(codec.normalise(text)), digest, text))


def _layout(codec: EntryCodec, data: bytes, spans: list[tuple[int, int]], slots: list[_Slot]) -> Layout:
    keys = [s.entry.key if s.entry is not None else s.item.key for s in slots]
    gaps = codec.gaps(data, spans)
    blocks = [(key, gap) for key, gap in zip([*keys, ""], gaps, strict=True) if gap]
    return Layout(blocks, keys)


@dataclass
class _Slot:
    entry: Entry | None
    item: Item
    text: bytes  # the entry's bytes in the file
    same: bool  # byte-for-byte what senref wrote
    keyless: bool  # carries no citation key (RIS): only identifiers or its place can match it


def _match_by_place(slots: list[_Slot], known: list[Entry], seen: set[str],
                    read_base: Callable[[list[Entry]], list[Item | None]]) -> None:
    """Match keyless entries that stand where written entries now missing stood (RIS has no key field).

    A run of unmatched file entries between two matched neighbours is paired, in order, with the
    unseen manifest entries between the same neighbours, when the counts agree and each entry still
    resembles what senref wrote there; otherwise they stay new entries and the old ones deletions,
    which the user is asked about, so a wrong guess here can never delete anything silently.
    """
    order = {e.key: n for n, e in enumerate(known)}
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
        hi = order[after.key] if after is not None else len(known)
        gap = [e for e in known[lo + 1:hi] if e.key not in seen]
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
