"""RIS records -> Items, with RIS.js's rules: type-dependent tags, deferred non-standard tags, backups.

Nothing a record holds is dropped, whatever its type: a value lands in a field of the type, a creator, a
tag, an identifier, an attachment, Extra or the import note. A field the item type lacks goes to Extra as
`field: value` under the Zotero name RIS.js would have used (Zotero moves such lines into the field when
the item type is changed to one that has it); a creator role the type lacks becomes its `contributor`, or
an Extra line `role: Last || First` (how the RIS writer carries creators in M2) when it has none.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from senref.core.model import Creator, Item, Note
from senref.core.schema import (
    ALL_FIELDS,
    CREATOR_TYPES,
    IDENTIFIER_FIELDS,
    ITEM_TYPES,
    base_field,
    fields_for,
    type_field,
)
from senref.formats.base import apply_extra, file_attachment
from senref.formats.ris_clean import ProCite, TagValue, clean_citavi, clean_endnote
from senref.formats.ris_dates import ris_to_zotero
from senref.formats.ris_map import DEFAULT_IMPORT_TYPE, EXPORT_TYPES, IMPORT_TYPES, is_deprecated, meaning, risjs_type

#: tags that carry Extra: M2 (Zotero reads it as Extra) and C8 (what senref wrote before M2)
EXTRA_TAGS = ("M2", "C8")
_DATE_FIELDS = {"date", "accessDate", "filingDate", "issueDate", "dateEnacted", "dateDecided"}
_DOI = re.compile(r"10\.\d{4,9}/\S*[^\s.,;]")
_HTML_TAG = re.compile(r"<[^>]+>")
#: Extra keys that are not restored as fields: identifiers live in `Item.identifiers`
_NOT_FIELDS = frozenset({"extra", *IDENTIFIER_FIELDS.values()})
_TAG_SPLIT = re.compile(r"\s*(?:[\r\n]+\s*)+(?:%K\s+)?|\s*(?:;\s*)+")


def clean_doi(text: str) -> str:
    """The DOI inside *text* ("doi: 10.1/x" -> "10.1/x"), or "" (Zotero's cleanDOI)."""
    match = _DOI.search(text)
    return match.group(0) if match else ""


def type_line(value: str) -> str:
    """The Zotero type named by a `Type: interview` Extra line, or ""."""
    key, sep, rest = value.partition(":")
    rest = rest.strip()
    if sep and key.strip().lower() in ("type", "itemtype") and rest in ITEM_TYPES:
        return rest
    return ""


@dataclass
class _Draft:
    """An item being read: fields by the names RIS.js uses, placed on the item at the end."""

    item: Item
    base_dir: Path
    risjs_type: str = DEFAULT_IMPORT_TYPE  # what RIS.js reads the TY as: its meanings fill senref's gaps
    raw: dict[str, str] = field(default_factory=dict)
    backups: dict[str, tuple[str, str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    @property
    def item_type(self) -> str:
        return self.item.item_type

    def meaning(self, tag: str) -> str:
        """The tag's meaning for the type, else for RIS.js's type; standard tags before non-standard ones."""
        types = (self.item_type, self.risjs_type)
        return next((found for deprecated in (False, True) for t in types
                     if (found := meaning(t, tag, deprecated=deprecated))), "")

    def backup(self, key: str, name: str, value: str) -> None:
        """Set a backup value; one it replaces is kept in the import note."""
        old = self.backups.get(key)
        if old and old[1] != value:
            self.unplaced.append(f"{old[0]}: {old[1]}")
        self.backups[key] = (name, value)


def _note_html(value: str) -> str:
    if _HTML_TAG.search(value):
        return value
    body = html.escape(value, quote=False)
    body = body.replace("\n\n", "</p><p>").replace("\n", "<br/>").replace("\t", "&nbsp;" * 4)
    return "<p>" + body.replace("  ", "&nbsp;&nbsp;") + "</p>"


def parse_creator(value: str, creator_type: str) -> Creator:
    """"Last, First" -> two fields; a name without a comma is a single-field name (RIS.js)."""
    last = re.split(r"\s*,\s*", value, maxsplit=1)[0]
    first = re.sub(r"^\s*,\s*", "", value[len(last):])
    if not first:
        return Creator(creator_type, name=last.strip())
    return Creator(creator_type, first_name=first.strip(), last_name=last.strip())


def _process(draft: _Draft, tv: TagValue, allow_deprecated: bool) -> bool:
    """Place one tag's value; False when it must wait for the second pass (or is empty)."""
    tag, value = tv.tag, tv.value.strip()
    if not value or (not allow_deprecated and is_deprecated(tag)):
        return False
    zfield = draft.meaning(tag)
    raw_line = f"{tag}  - {value}"
    if tag not in ("N1", "RN", "AB") and "&" in value:
        value = html.unescape(value)
    if tag in ("N1", "RN"):
        if draft.raw.get("title") == value:
            return True  # EndNote repeats the title as a note
        value = _note_html(value)
    elif tag == "EP":
        pages = draft.raw.get("pages")
        if pages:
            if "-" in pages:
                draft.backup("numPages", "numPages", value)
            else:
                draft.raw["pages"] = f"{pages}-{value}"
        else:
            draft.backup("endPage", "pages", value)
        return True
    elif tag in ("M1", "VL") and zfield == "accessDate":
        if tag == "M1" or "accessDate" not in draft.backups:
            draft.backup("accessDate", "accessDate", _date(draft, value, "accessDate", raw_line))
        else:
            draft.unplaced.append(raw_line)
        return True
    elif tag == "M3" and zfield == "DOI":
        value = clean_doi(value)
        if not value:
            draft.unplaced.append(raw_line)
            return True
    elif tag == "PY":
        draft.backup("date", zfield, _date(draft, value, zfield, raw_line))
        return True
    elif tag == "UR" and "PM:" in value:
        zfield, value = "extra", "PMID: " + value[3:].strip()
    if tag in EXTRA_TAGS:
        zfield = "extra"
    _apply(draft, zfield, value, raw_line)
    return True


def _apply(draft: _Draft, zfield: str, value: str, raw_line: str) -> None:
    item = draft.item
    if not zfield:
        draft.unplaced.append(raw_line)
    elif zfield.startswith("?"):
        draft.unplaced.append(f"{zfield[1:]}: {value}")
    elif zfield == "backupTitle":
        if draft.raw.get("backupTitle", value) != value:
            draft.unplaced.append(f"publicationTitle: {draft.raw['backupTitle']}")
        draft.raw["backupTitle"] = value
    elif zfield.startswith("@"):
        _add_creator(draft, parse_creator(value, zfield[1:]))
    elif zfield == "tags":
        draft.tags.extend(t for t in _TAG_SPLIT.split(value) if t)
    elif zfield == "note":
        item.notes.append(Note(html=value))
    elif zfield.startswith("file:"):
        for part in value.split("\n"):
            found = file_attachment(re.sub(r"^internal-pdf://", "PDF/", part.strip(), flags=re.I), draft.base_dir)
            if found is not None:
                item.attachments.append(found)
            elif part.strip():  # a file that is not there: its path is still worth keeping
                draft.unplaced.append(f"{raw_line[:6]}{part.strip()}")
    elif zfield == "extra":
        draft.extra.append(value)
    elif zfield == "DOI":
        doi = clean_doi(value)
        if not (doi and item.set_identifier("doi", doi)):
            draft.unplaced.append(raw_line)
    else:
        if zfield in _DATE_FIELDS:
            value = _date(draft, value, zfield, raw_line)
        old = draft.raw.get(zfield)
        if not old:
            draft.raw[zfield] = value
        elif old != value:
            draft.unplaced.append(f"{zfield}: {value}")


def _date(draft: _Draft, value: str, zfield: str, raw_line: str) -> str:
    """The Zotero form of a RIS date; the raw line goes to the import note when that form drops words."""
    date = ris_to_zotero(value, zfield)
    # a time is rewritten (10:05 pm -> 22:05:00), not dropped
    words = re.findall(r"[^\W_]+", re.sub(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]m)?", " ", value, flags=re.I))
    if any(w.casefold() not in date.casefold() for w in words):
        draft.unplaced.append(raw_line)
    return date


def _add_creator(draft: _Draft, creator: Creator) -> None:
    """A creator in a role of the item type: an author is its primary role, another its contributor."""
    roles = CREATOR_TYPES.get(draft.item_type, ("author",))
    if creator.creator_type not in roles:
        if creator.creator_type == "author":
            creator.creator_type = roles[0]
        elif "contributor" in roles:
            creator.creator_type = "contributor"
        else:
            name = creator.name or f"{creator.last_name} || {creator.first_name}"
            draft.extra.append(f"{creator.creator_type}: {name}")
            return
    draft.item.creators.append(creator)


def _complete(draft: _Draft) -> None:
    """RIS.js's completeItem: backups fill what is still empty, then fields find their type's names."""
    raw = draft.raw
    backup_title = raw.pop("backupTitle", "")
    if backup_title and not raw.get("publicationTitle"):
        raw["publicationTitle"] = backup_title
    elif backup_title and raw["publicationTitle"] != backup_title:
        draft.unplaced.append(f"publicationTitle: {backup_title}")
    if "numPages" in draft.backups:
        _fill(draft, "numPages", draft.backups["numPages"][1])
    if "endPage" in draft.backups:
        end = draft.backups["endPage"][1]
        if not raw.get("pages"):
            raw["pages"] = end
        elif "-" not in raw["pages"]:
            raw["pages"] += f"-{end}"
        else:
            _fill(draft, "numPages", end)
    for key in ("date", "accessDate"):
        if key in draft.backups:
            name, value = draft.backups[key]
            if key == "date" and re.search(r"\b0000\b", raw.get(name, "")):
                raw[name] = re.sub(r"\b0000\b", value, raw[name], count=1)
            elif not _covers(raw.get(name, ""), value):
                _fill(draft, name, value)
    # RIS.js tests the literal names here, and so overwrites a blog's, a book section's or a case's own
    # container title or name with these fallbacks; the test is made on the type's own field instead.
    # Only for a type that has a container title: elsewhere the copy would just repeat J2 in Extra.
    if raw.get("journalAbbreviation") and type_field(draft.item_type, "publicationTitle") \
            and not _has(draft, "publicationTitle"):
        raw["publicationTitle"] = raw["journalAbbreviation"]  # Nature and others give only JA
    if raw.get("shortTitle") and not _has(draft, "title"):
        raw["title"] = raw["shortTitle"]  # EndNote exports without the full title
    tags = draft.tags
    if len(tags) == 1:
        tags = [t for t in re.split(r"\s*(?:,\s*)+", tags[0]) if t]
    for name in tags:
        draft.item.add_tag(name)
    _place_fields(draft)
    _place_extra(draft)
    if draft.unplaced:
        body = "<br/>".join(html.escape(u, quote=False) for u in draft.unplaced)
        draft.item.notes.append(Note(html=f"<p>The following values have no corresponding Zotero field:<br/>{body}</p>"))


def _fill(draft: _Draft, name: str, value: str) -> None:
    """*value* in field *name* if it is empty, else in the import note."""
    if not draft.raw.get(name):
        draft.raw[name] = value
    elif draft.raw[name] != value:
        draft.unplaced.append(f"{name}: {value}")


def _covers(date: str, backup: str) -> bool:
    """True when *date* already says what the backup (PY, or an EndNote access year) says."""
    year = re.match(r"(?!0000)\d{4}", backup)
    return bool(date) and (backup in date or bool(year and date.startswith(year.group(0))))


def _has(draft: _Draft, base: str) -> bool:
    """Whether the draft already holds a value for the item type's field standing for *base*."""
    target = type_field(draft.item_type, base)
    return any(value and type_field(draft.item_type, name) == target for name, value in draft.raw.items())


def _target(item_type: str, name: str) -> str:
    """The type's field for *name*, the base field itself included (institution -> a standard's publisher)."""
    base = base_field(name)
    return type_field(item_type, name) or (base if base in fields_for(item_type) else "")


def _place_fields(draft: _Draft) -> None:
    item = draft.item
    valid = fields_for(item.item_type)
    # Names valid for the type first, so a base-field alias (publicationTitle for a book section) only fills gaps.
    for name, value in sorted(draft.raw.items(), key=lambda kv: kv[0] not in valid):
        if name == "ISBN" and item.set_identifier("isbn", value):
            continue
        target = _target(item.item_type, name)
        if not target and name in ALL_FIELDS:
            draft.extra.append(f"{name}: {value}")  # the item type lacks it: kept as Zotero keeps fields
        elif not target or target in ("DOI",):
            draft.unplaced.append(f"{name}: {value}")
        elif not item.fields.get(target):
            item.fields[target] = value
        elif item.fields[target] != value:
            draft.unplaced.append(f"{name}: {value}")


def _place_extra(draft: _Draft) -> None:
    """Extra lines that name a field or creator type of the item (senref writes them) go back in place."""
    item = draft.item
    valid = fields_for(item.item_type)
    creator_types = CREATOR_TYPES.get(item.item_type, ())
    kept: list[str] = []
    for line in "\n".join(draft.extra).splitlines():
        key, sep, value = line.partition(": ")
        key = key.strip()
        if sep and type_line(line):
            continue
        if sep and key in valid and key not in _NOT_FIELDS and not item.fields.get(key):
            item.fields[key] = value
        elif sep and key in creator_types and value.strip():
            last, bar, first = value.partition(" || ")
            item.creators.append(Creator(key, first_name=first.strip(), last_name=last.strip()) if bar
                                 else Creator(key, name=value.strip()))
        else:
            kept.append(line)
    if kept:
        apply_extra(item, "\n".join(kept))


def record_to_item(entry: list[TagValue], base_dir: Path, procite: ProCite | None = None) -> Item:
    """One record (TY first, ER left out) as an Item."""
    ris_type = entry[0].value.strip().upper() if entry and entry[0].tag == "TY" else ""
    item_type = IMPORT_TYPES.get(ris_type, DEFAULT_IMPORT_TYPE)
    for tv in entry:  # a `Type:` line senref wrote for a type RIS has no TY of its own for
        named = type_line(tv.value) if tv.tag in EXTRA_TAGS else ""
        if named and EXPORT_TYPES.get(named) == ris_type:
            item_type = named
    draft = _Draft(Item(item_type=item_type), base_dir, risjs_type(ris_type))
    (procite or ProCite()).clean(entry, item_type)
    clean_endnote(entry)
    clean_citavi(entry)
    deferred = [tv for tv in entry if tv.tag not in ("TY", "ER") and not _process(draft, tv, False)]
    for tv in deferred:
        _process(draft, tv, True)
    _complete(draft)
    return draft.item
