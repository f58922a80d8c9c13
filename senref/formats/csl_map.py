"""Zotero <-> CSL-JSON mapping built from Zotero's own CSL maps in the schema, plus Zotero's Extra-line syntax.

Types, text variables, dates and names come from `senref.core.schema` (`CSL_TYPES`, `CSL_TEXT_FIELDS`,
`CSL_DATE_FIELDS`, `CSL_NAMES`) and are resolved per item type through base fields. What CSL cannot say (the
exact Zotero type where several share one CSL type, fields and creator roles with no CSL variable) travels as
lines in CSL `note`, in the syntax Zotero reads back from Extra (`extractExtraFields`): `type: film`,
`Field Name: value`, `Creator Type: Last || First`, and citeproc-js's older `{:csl-var: value}`.
"""

from __future__ import annotations

import re
from functools import cache

from senref.core.schema import (
    CREATOR_TYPES,
    CSL_DATE_FIELDS,
    CSL_NAMES,
    CSL_TEXT_FIELDS,
    CSL_TYPES,
    ITEM_FIELDS,
    fields_for,
    type_field,
)


def _words(text: str) -> list[str]:
    return text.split()


#: Every variable of the CSL 1.0.2 data schema (csl-data.json); anything else is written as a note line so
#: the export validates. A test compares this list with the schema file when the shared fixtures are there.
CSL_VARIABLES: frozenset[str] = frozenset(_words("""
DOI ISBN ISSN PMCID PMID URL abstract accessed annote archive archive-place archive_collection archive_location
author authority available-date call-number categories chair chapter-number citation-key citation-label
citation-number collection-editor collection-number collection-title compiler composer container-author
container-title container-title-short contributor curator custom dimensions director division edition editor
editorial-director event event-date event-place event-title executive-producer first-reference-note-number
genre guest host id illustrator interviewer issue issued journalAbbreviation jurisdiction keyword language
locator medium narrator note number number-of-pages number-of-volumes organizer original-author original-date
original-publisher original-publisher-place original-title page page-first part part-title performer printing
producer publisher publisher-place recipient references reviewed-author reviewed-genre reviewed-title scale
script-writer section series-creator shortTitle source status submitted supplement title title-short
translator type version volume volume-title volume-title-short year-suffix
"""))

#: CSL name variables (the CSL 1.0.2 list): an unknown one becomes a contributor on import.
CSL_NAME_VARIABLES: frozenset[str] = frozenset(_words("""
author chair collection-editor compiler composer container-author contributor curator director editor
editorial-director executive-producer guest host illustrator interviewer narrator organizer original-author
performer producer recipient reviewed-author script-writer series-creator translator
"""))

#: CSL types that are not in Zotero's map, read the closest way (Zotero itself falls back to `document`).
EXTRA_IMPORT_TYPES: dict[str, str] = {
    "entry": "encyclopediaArticle", "review": "journalArticle", "review-book": "journalArticle",
    "collection": "book", "periodical": "journalArticle", "pamphlet": "book", "classic": "book",
    "musical_score": "book", "figure": "artwork", "treaty": "document", "regulation": "statute",
    "performance": "presentation", "event": "presentation",
}

#: Every CSL 1.0.2 item type: Zotero's map plus the types it has no Zotero type for.
CSL_TYPE_NAMES: frozenset[str] = frozenset(CSL_TYPES) | frozenset(EXTRA_IMPORT_TYPES)
#: Zotero item type -> CSL type (every regular type has one).
CSL_TYPE_OF: dict[str, str] = {z: csl for csl, ztypes in CSL_TYPES.items() for z in ztypes}
#: CSL type -> the Zotero type it reads as when nothing else tells (Zotero's first mapping).
ZOTERO_TYPE_OF: dict[str, str] = {csl: ztypes[0] for csl, ztypes in CSL_TYPES.items()
                                  if ztypes and ztypes[0] in ITEM_FIELDS} | EXTRA_IMPORT_TYPES


def import_type(obj: dict[str, object]) -> str:
    """The Zotero type for a CSL item, with Zotero's own tie-breakers (`itemFromCSLJSON`)."""
    csl = str(obj.get("type") or "")
    has = obj.get
    if csl == "bill" and (has("publisher") or has("number-of-volumes")):
        return "hearing"
    if csl == "broadcast" and any(has(v) for v in ("archive", "archive_location", "container-title",
                                                   "event-place", "publisher", "publisher-place", "source")):
        return "tvBroadcast"
    if csl == "book" and has("version"):
        return "computerProgram"
    if csl == "song" and has("number"):
        return "podcast"
    if csl == "motion_picture" and any(has(v) for v in ("collection-title", "publisher-place", "event-place",
                                                        "volume", "number-of-volumes", "ISBN")):
        return "videoRecording"
    return ZOTERO_TYPE_OF.get(csl, "document")


@cache
def text_variables(item_type: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(CSL variable, the item type's fields it stands for, import target first) for every text variable."""
    valid = set(fields_for(item_type))
    out: list[tuple[str, tuple[str, ...]]] = []
    for var, bases in CSL_TEXT_FIELDS.items():
        names: list[str] = []
        for base in bases:
            name = base if base in valid else type_field(item_type, base)
            if name and name in valid and name not in names:
                names.append(name)
        if names:
            out.append((var, tuple(names)))
    return tuple(out)


@cache
def date_variables(item_type: str) -> tuple[tuple[str, str], ...]:
    """(CSL date variable, the item type's field) pairs."""
    valid = set(fields_for(item_type))
    out = []
    for var, base in CSL_DATE_FIELDS.items():
        name = base if base in valid else type_field(item_type, base)
        if name and name in valid:
            out.append((var, name))
    return tuple(out)


@cache
def name_variables(item_type: str) -> dict[str, str]:
    """Creator type -> CSL name variable for *item_type*; roles CSL cannot tell apart are left out.

    As Zotero does, the primary creator type is written as `author` (a film's director, a patent's inventor).
    """
    types = CREATOR_TYPES.get(item_type, ("author",))
    out: dict[str, str] = {}
    taken: set[str] = set()
    for index, creator_type in enumerate(types):
        var = "author" if index == 0 else CSL_NAMES.get(creator_type, "")
        if var and var not in taken and var in CSL_VARIABLES:
            out[creator_type] = var
            taken.add(var)
    return out


def creator_type_for(item_type: str, var: str) -> str:
    """The creator type a CSL name variable reads as for *item_type*."""
    for creator_type, name in name_variables(item_type).items():
        if name == var:
            return creator_type
    types = CREATOR_TYPES.get(item_type, ("author",))
    if CSL_NAMES.get(types[0]) == var:
        return types[0]  # a film's `director` (as Better BibTeX writes it) is its primary creator
    return "contributor" if "contributor" in types else types[0]


# -- Zotero's Extra-line syntax ------------------------------------------------------------------

_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9 ._-]*?)\s*:\s*(.+?)\s*$")
_CHEATER = re.compile(r"^\{:([A-Za-z][A-Za-z0-9 _-]*):\s*(.+?)\s*\}$")


def normalize_key(key: str) -> str:
    """Zotero's `_normalizeExtraKey`: "Original Date", "originalDate" and "original-date" are one key."""
    key = re.sub(r"([a-z])([A-Z])", r"\1-\2", key.strip()).lower()
    return re.sub(r"[\s_-]", "-", key)


def split_line(line: str) -> tuple[str, str] | None:
    """(normalized key, value) of a `Key: value` or `{:key: value}` line, or None."""
    match = _LINE.match(line) or _CHEATER.match(line.strip())
    if not match or not match.group(2).strip():
        return None
    return normalize_key(match.group(1)), match.group(2).strip()


def title_key(name: str) -> str:
    """Zotero's `camelToTitleCase`, the label it writes Extra lines with ("numPages" -> "Num Pages")."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return spaced[:1].upper() + spaced[1:]


@cache
def _field_keys() -> dict[str, tuple[str, ...]]:
    """Normalized key -> Zotero fields it may name: field names and CSL variables (Zotero's table)."""
    keys: dict[str, list[str]] = {}
    for fields in ITEM_FIELDS.values():
        for name in fields:
            keys.setdefault(normalize_key(name), []).append(name)
    for var, bases in CSL_TEXT_FIELDS.items():
        keys.setdefault(normalize_key(var), []).extend(bases)
    for var, base in CSL_DATE_FIELDS.items():
        keys.setdefault(normalize_key(var), []).append(base)
    return {k: tuple(dict.fromkeys(v)) for k, v in keys.items()}


@cache
def _creator_keys() -> dict[str, str]:
    keys = {normalize_key(t): t for types in CREATOR_TYPES.values() for t in types}
    for creator_type, var in CSL_NAMES.items():
        keys.setdefault(var.lower(), creator_type)
    return keys


def field_for_key(item_type: str, key: str) -> str:
    """The field of *item_type* a normalized Extra key names ("" when none)."""
    if key in ("type", "note", "event-place", "publisher-place"):
        return ""  # type: is the item type; Zotero skips the two place keys (zotero-bits#6)
    valid = fields_for(item_type)
    for name in _field_keys().get(key, ()):
        resolved = name if name in valid else type_field(item_type, name)
        if resolved and resolved in valid:
            return resolved
    return ""


def creator_for_key(item_type: str, key: str) -> str:
    """The creator type a normalized Extra key names, if *item_type* accepts it ("" otherwise)."""
    creator_type = _creator_keys().get(key, "")
    return creator_type if creator_type in CREATOR_TYPES.get(item_type, ()) else ""


def type_from_line(value: str) -> str:
    """The Zotero type a `type:` line names: a Zotero type, or a CSL type ("" if neither)."""
    if value in ITEM_FIELDS:
        return value
    # Zotero ignores `type: article` (it predates the preprint type and meant too many things)
    return "" if value == "article" else ZOTERO_TYPE_OF.get(value, "")
