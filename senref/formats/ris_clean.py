"""Fix-ups RIS.js makes before mapping: ProCite's data-in-notes, EndNote's edited books, Citavi's H1/H2."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from senref.formats.ris_map import reverse_lookup


@dataclass
class TagValue:
    """One tag of a record, with the line it started on (for messages)."""

    tag: str
    value: str
    line: int = 0


#: ProCite note label -> Zotero field (RIS.js proCiteMap)
PROCITE_FIELDS = {
    "Call Number": "callNumber", "Edition": "edition", "ISBN": "ISBN", "Language": "language",
    "Publisher Name": "publisher", "Series Title": "series", "Proceedings Title": "proceedingsTitle",
    "Page(s)": "pages", "Volume ID": "volume", "Issue ID": "issue", "Issue Identification": "issue",
    "Series Volume ID": "seriesNumber", "Scale": "scale", "Place of Publication": "place",
    "Histroy": "history",  # sic: ProCite's export filter spells it so
    "Size": "artworkSize",
}
#: ProCite author role word -> Zotero creator type
PROCITE_ROLES = {
    "actor": "castMember", "author": "author", "cartographer": "cartographer", "composer": "composer",
    "composed": "composer", "director": "director", "directed": "director", "performer": "performer",
    "performed": "performer", "producer": "producer", "produced": "producer", "editor": "editor", "ed": "editor",
    "edited": "editor", "editor-in-chief": "editor", "compiler": "editor", "compiled": "editor",
    "collected": "editor", "assembled": "editor", "presenter": "presenter", "presented": "presenter",
    "translator": "translator", "translated": "translator", "introduction": "contributor",
}
_ROLE_LABELS = {"Artist Role", "Series Editor Role", "Editor/Compiler Role", "Cartographer Role", "Composer Role",
                "Producer Role", "Director Role", "Performer Role", "Author Role"}
_NOTE_DATA = re.compile(r"([A-Za-z,\s]+)\s*:\s*([\s\S]*)")
_EXTENT = re.compile(r"^(\d+)\s*(pages?|p(?:p|gs?)?|vols?|volumes?)\.?$", re.IGNORECASE)
_PACKAGING = re.compile(r":\s*(pages?|p(?:p|gs?)?|vols?|volumes?)\.?\s*$", re.IGNORECASE)


def _first(entry: list[TagValue], tag: str) -> TagValue | None:
    return next((tv for tv in entry if tv.tag == tag), None)


def _retag_all(entry: list[TagValue], old: str, new: str) -> None:
    for tv in entry:
        if tv.tag == old:
            tv.tag = new


def _fix_author(name: str) -> str:
    """ProCite writes "First Last"; RIS wants "Last, First"."""
    name = name.strip()
    if "," in name or " " not in name:
        return name
    first, _, last = name.rpartition(" ")
    return f"{last}, {first}"


def _roles(text: str) -> list[str]:
    text = re.sub(r"s\b|\.|\s+by\b|with an\s*", "", text.lower())
    return re.split(r"\s*(?:,|and)\s*", text)


class ProCite:
    """ProCite puts data in `N1 - Label: value` notes; they become the tags they stand for."""

    def __init__(self) -> None:
        self.mode = False  # set once a note has been re-tagged: the file is ProCite's

    def clean(self, entry: list[TagValue], item_type: str) -> None:
        ty = entry[0].value.strip() if entry and entry[0].tag == "TY" else ""
        if self.mode and ty in ("CHAP", "BOOK") and _first(entry, "VL"):
            _retag_all(entry, "VL", "ET")
        extent: TagValue | None = None
        packaging: TagValue | None = None
        i = 0
        while i < len(entry):
            tv = entry[i]
            match = _NOTE_DATA.match(tv.value.strip()) if tv.tag == "N1" else None
            if not match:
                i += 1
                continue
            label, data = match.group(1), match.group(2)
            if label in ("Author, Subsidiary", "Author, Monographic"):
                has_a1 = any(t.tag == "A1" for t in entry)
                tag = ("A3" if any(t.tag == "A2" for t in entry) else "A2") if has_a1 else "A1"
                names = re.split(r";\s*", data)
                self.mode = True
                tv.tag, tv.value = tag, _fix_author(names[0])
                for offset, name in enumerate(names[1:], start=1):
                    entry.insert(i + offset, TagValue(tag, name, tv.line))
                i += len(names)
                continue
            if label in _ROLE_LABELS:
                tags: list[str] = []
                failed = False
                for role in _roles(data):
                    creator_type = PROCITE_ROLES.get(role)
                    if not creator_type:
                        continue
                    tag = reverse_lookup(item_type, f"@{creator_type}")
                    if not tag:
                        failed = True
                        break
                    if tag not in tags:
                        tags.append(tag)
                if failed or not tags:
                    i += 1
                    continue
                added = self._retag_preceding(entry, i, ("A1", "A2", "A3"), tags)
                if added is not None:
                    del entry[i + added]  # the role note itself
                    i += added
                    continue
                i += 1
                continue
            if label in ("Record ID", "Record Number"):
                self.mode = True
                tv.tag, tv.value = "ID", data
            elif label == "Notes":
                tv.value = data
            elif label == "Connective Phrase":
                if data.strip().lower() == "in":
                    self.mode = True
                    del entry[i]
                    continue
            elif label == "Extent of Work":
                extent = tv
            elif label == "Packaging Method":
                packaging = tv
            elif label in PROCITE_FIELDS:
                tag = reverse_lookup(item_type, PROCITE_FIELDS[label])
                if tag:
                    self.mode = True
                    tv.tag, tv.value = tag, data
            i += 1
        if extent is not None:
            self._extent(entry, item_type, extent, packaging)
        if self.mode:
            self._retype(entry, ty)

    def _extent(self, entry: list[TagValue], item_type: str, extent: TagValue, packaging: TagValue | None) -> None:
        found = _NOTE_DATA.match(extent.value)
        amount = found.group(2) if found else extent.value
        units = ""
        drop_packaging = False
        match = _EXTENT.match(amount)
        if match:
            units = "numPages" if match.group(2)[0].lower() == "p" else "numberOfVolumes"
            amount = match.group(1)
        elif packaging is not None and amount.strip().isdigit():
            unit = _PACKAGING.search(packaging.value)
            if unit:
                units = "numPages" if unit.group(1)[0].lower() == "p" else "numberOfVolumes"
                amount = amount.strip()
                drop_packaging = True
        tag = reverse_lookup(item_type, units) if units else ""
        if tag:
            self.mode = True
            extent.tag, extent.value = tag, amount
            if drop_packaging and packaging in entry:
                entry.remove(packaging)

    def _retag_preceding(self, entry: list[TagValue], start: int, allowed: tuple[str, ...],
                         tags: list[str]) -> int | None:
        """Re-tag the run of creator tags just before *start*; returns how many pairs were added."""
        run_tag = ""
        added = 0
        i = start - 1
        while i >= 0:
            if run_tag and entry[i].tag != run_tag:
                break
            run_tag = entry[i].tag
            if run_tag not in allowed:
                return None  # only the first tag looked at can be foreign: the run stops at a change
            source = entry[i]
            source.tag = tags[0]
            for offset, extra in enumerate(tags[1:], start=1):
                entry.insert(i + offset, TagValue(extra, source.value, source.line))
            added += len(tags) - 1
            self.mode = True
            i -= 1
        return added if run_tag else None

    @staticmethod
    def _retype(entry: list[TagValue], ty: str) -> None:
        if ty == "CHAP":
            order = ["T3", "T2", "TI"]
            for tv in entry:
                if not order:
                    break
                if tv.tag in ("TI", "T1", "T2", "T3"):
                    tv.tag = order.pop()
        present = {tv.tag for tv in entry}
        if ty == "BOOK" and "IS" in present:
            _retag_all(entry, "IS", "VL")
        volumes = [tv for tv in entry if tv.tag == "VL"]
        if ty in ("CHAP", "BOOK") and len(volumes) > 1:
            volumes[0].tag = "ET"
        if ty == "COMP":
            _retag_all(entry, "IS", "ET")
        if ty == "BILL":
            _retag_all(entry, "CY", "T2")
            _retag_all(entry, "VL", "M1")
            _retag_all(entry, "SP", "SE")
        if ty == "ART":
            _retag_all(entry, "M1", "M3")


def clean_endnote(entry: list[TagValue]) -> None:
    """EndNote writes an edited book's editors as AU."""
    if entry and entry[0].tag == "TY" and entry[0].value.strip() == "EDBOOK":
        _retag_all(entry, "AU", "A3")


def clean_citavi(entry: list[TagValue]) -> None:
    """Citavi lists libraries and call numbers as H1/H2 pairs; the first pair becomes DP/CN."""
    tags = {tv.tag for tv in entry}
    if "CN" in tags or "DP" in tags or not tags & {"H1", "H2"}:
        return
    if "H1" not in tags:
        next(tv for tv in entry if tv.tag == "H2").tag = "CN"
        return
    for first, second in itertools.pairwise(entry):
        if first.tag == "H1" and second.tag == "H2":
            first.tag, second.tag = "DP", "CN"
            return
