"""Zotero's Extra "cheater syntax" read for export: lines that name a CSL variable, a creator or the CSL type.

Zotero (`extractExtraFields`) and Better BibTeX read Extra lines such as `original-date: 1996-09-16`,
`editor: Family || Given`, `{:volume: 3}` or `type: review-book` as the CSL variables they name. Lines that
name a Zotero field the item can hold were already applied when the item was read (`Item.from_json`); what
is left here are variables the item has no field for (or whose field is filled: as in Better BibTeX, the
Extra line then wins for CSL). Lines used this way are not repeated in `note`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from senref.core.model import Creator
from senref.core.schema import ALL_FIELDS, CREATOR_TYPES, CSL_DATE_FIELDS, CSL_NAMES, CSL_TEXT_FIELDS, base_field
from senref.formats.csl_map import CSL_NAME_VARIABLES, CSL_TYPE_NAMES, CSL_VARIABLES, normalize_key, split_line

CSL_DATE_VARIABLES = frozenset({"accessed", "available-date", "event-date", "issued", "original-date",
                                "submitted"})
#: variables an Extra line never sets: bookkeeping, identifiers (kept in `Item.identifiers`) and `note` itself
_NOT_FROM_EXTRA = frozenset({"id", "type", "note", "citation-key", "citation-label", "citation-number",
                             "first-reference-note-number", "locator", "year-suffix", "custom", "DOI", "ISBN",
                             "PMID", "PMCID"})


@dataclass
class CslExtra:
    """Extra split for export: the CSL type, text and date variables, creators, and the lines left over."""

    csl_type: str = ""
    text: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    #: (CSL name variable, the creator as Zotero has it: creator type "" when Zotero has none for it)
    names: list[tuple[str, Creator]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


@cache
def _variable_keys() -> dict[str, str]:
    """Normalized Extra key -> CSL variable: the variables themselves, then Zotero fields and labels."""
    keys = {normalize_key(var): var for var in sorted(CSL_VARIABLES - _NOT_FROM_EXTRA - CSL_NAME_VARIABLES)}
    for var, bases in CSL_TEXT_FIELDS.items():
        if var in _NOT_FROM_EXTRA or var not in CSL_VARIABLES:
            continue
        for name in ALL_FIELDS:
            if name in bases or base_field(name) in bases:
                keys.setdefault(normalize_key(name), var)
    for var, base in CSL_DATE_FIELDS.items():
        for name in ALL_FIELDS:
            if base in (name, base_field(name)):
                keys.setdefault(normalize_key(name), var)
    return keys


@cache
def _name_keys() -> dict[str, tuple[str, str]]:
    """Normalized Extra key -> (CSL name variable, Zotero creator type or "")."""
    zotero_of: dict[str, str] = {}
    for creator_type, var in CSL_NAMES.items():
        zotero_of.setdefault(var, creator_type)
    zotero_of["author"] = "author"
    keys = {normalize_key(var): (var, zotero_of.get(var, "")) for var in CSL_NAME_VARIABLES}
    for creator_type in sorted({t for types in CREATOR_TYPES.values() for t in types}):
        var = CSL_NAMES.get(creator_type, "")
        if var in CSL_NAME_VARIABLES:
            keys.setdefault(normalize_key(creator_type), (var, creator_type))
    return keys


def extra_creator(creator_type: str, value: str) -> Creator:
    """`Family || Given` as a two-field creator, anything else as a single-field one (Zotero's rule)."""
    parts = re.split(r"\s*\|\|\s*", value.strip())
    if len(parts) == 2:
        return Creator(creator_type, first_name=parts[1], last_name=parts[0])
    return Creator(creator_type, name=value.strip())


def csl_extra(extra: str) -> CslExtra:
    """Split *extra* into what CSL has variables for and the lines left for `note`."""
    out = CslExtra()
    for line in extra.splitlines():
        pair = split_line(line)
        if pair is None:
            out.kept.append(line)
            continue
        key, value = pair
        if key == "type":
            if value in CSL_TYPE_NAMES and not out.csl_type:
                out.csl_type = value
            else:
                out.kept.append(line)
        elif key in _name_keys():
            var, creator_type = _name_keys()[key]
            out.names.append((var, extra_creator(creator_type, value)))
        elif key in _variable_keys():
            var = _variable_keys()[key]
            target = out.dates if var in CSL_DATE_VARIABLES else out.text
            if var in target:
                out.kept.append(line)  # Zotero uses the first line for a variable and keeps the others
            else:
                target[var] = value
        else:
            out.kept.append(line)
    while out.kept and not out.kept[-1].strip():
        out.kept.pop()
    return out
