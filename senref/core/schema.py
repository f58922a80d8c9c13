"""Zotero's item types, fields, base-field mappings and creator types, loaded from the schema senref ships.

The data is derived from Zotero's published global schema (`resources/schema/zotero-schema.json`, made by
`packaging/derive_zotero_schema.py`); nothing here is typed by hand except senref's identifier schemes.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

#: Zotero types that are not bibliographic records (children and annotations).
NON_REGULAR_TYPES = frozenset({"note", "attachment", "annotation"})


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("senref.resources").joinpath("schema/zotero-schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


SCHEMA_VERSION: int = int(_schema()["version"])
_TYPES: dict[str, Any] = {t: d for t, d in _schema()["itemTypes"].items() if t not in NON_REGULAR_TYPES}

#: itemType -> fields in Zotero's display order (Zotero field names), for the 37 regular item types.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {t: tuple(d["fields"]) for t, d in _TYPES.items()}

#: itemType -> creator types it accepts; the first one is the primary creator type.
CREATOR_TYPES: dict[str, tuple[str, ...]] = {t: tuple(d["creatorTypes"]) for t, d in _TYPES.items()}

ITEM_TYPES: tuple[str, ...] = tuple(sorted(ITEM_FIELDS))

#: Zotero's base-field mapping: a type-specific field -> the base field it stands for
#: (bookTitle/proceedingsTitle -> publicationTitle, university -> publisher, reportNumber -> number...).
#: Zotero maps each such field to one base field whatever the type, so one table serves every type.
BASE_FIELDS: dict[str, str] = {f: b for d in _TYPES.values() for f, b in d["baseFields"].items()}

#: Every field name any regular type has.
ALL_FIELDS: frozenset[str] = frozenset(f for fields in ITEM_FIELDS.values() for f in fields)

#: Zotero's own Zotero -> CSL maps (types, text fields, dates, creator types).
CSL_TYPES: dict[str, list[str]] = dict(_schema()["csl"]["types"])
CSL_TEXT_FIELDS: dict[str, list[str]] = dict(_schema()["csl"]["fields"]["text"])
CSL_DATE_FIELDS: dict[str, str] = dict(_schema()["csl"]["fields"]["date"])
CSL_NAMES: dict[str, str] = dict(_schema()["csl"]["names"])

#: Fields whose values Zotero treats as dates (its `meta.fields` table).
DATE_FIELDS: frozenset[str] = frozenset(
    name for name, spec in _schema()["fieldTypes"].items() if spec.get("type") == "date"
) | frozenset(f for f, b in BASE_FIELDS.items() if b == "date") | {"accessDate", "originalDate"}

#: Identifier schemes senref treats as first-class (order = display order).
IDENTIFIER_SCHEMES: tuple[str, ...] = ("doi", "hal", "pmid", "pmcid", "arxiv", "isbn", "nct")

#: Identifier scheme -> Zotero field that carries it where the item type has that field.
IDENTIFIER_FIELDS: dict[str, str] = {"doi": "DOI", "isbn": "ISBN", "pmid": "PMID", "pmcid": "PMCID"}

#: Labels Zotero (and Better BibTeX) use for identifiers written as `Label: value` lines in Extra.
EXTRA_LABELS: dict[str, str] = {
    "doi": "DOI", "hal": "HAL", "pmid": "PMID", "pmcid": "PMCID", "arxiv": "arXiv", "isbn": "ISBN",
    # ClinicalTrials.gov registry ids: Zotero has no field for them; the label is the id's own prefix.
    "nct": "NCT",
}


def fields_for(item_type: str) -> tuple[str, ...]:
    """Fields valid for *item_type*; unknown types get the journal-article list."""
    return ITEM_FIELDS.get(item_type, ITEM_FIELDS["journalArticle"])


def base_field(name: str) -> str:
    """The base field *name* stands for (itself when it is a base field)."""
    return BASE_FIELDS.get(name, name)


def type_field(item_type: str, base: str) -> str:
    """The field of *item_type* that holds base field *base* (publicationTitle -> bookTitle...), or ""."""
    valid = fields_for(item_type)
    if base in valid:
        return base
    wanted = base_field(base)
    if wanted in valid:  # reportNumber asked of a standard, which holds the base field `number` itself
        return wanted
    for name in valid:
        if BASE_FIELDS.get(name) == wanted:
            return name
    return ""


def publication_field(item_type: str) -> str | None:
    """The field holding the container title for *item_type* (journal, book, proceedings...)."""
    return type_field(item_type, "publicationTitle") or None


@cache
def _extra_labels() -> dict[str, str]:
    """Folded label -> field: Zotero field names, their English labels, and CSL variable names."""
    fold = _fold_label
    out: dict[str, str] = {}
    for variable, fields in CSL_TEXT_FIELDS.items():
        out.setdefault(fold(variable), fields[0])
    for variable, name in CSL_DATE_FIELDS.items():
        out.setdefault(fold(variable), name)
    labels: dict[str, str] = _schema()["labels"]["fields"]
    out.update({fold(label): name for name, label in labels.items() if name in ALL_FIELDS})
    out.update({fold(name): name for name in ALL_FIELDS})
    return out


def _fold_label(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def field_for_label(item_type: str, label: str) -> str:
    """The field of *item_type* a `Label: value` line of Extra names, as Zotero reads Extra, or "".

    Zotero accepts its field names, their labels ("Original Date") and CSL variables ("original-date"),
    case-insensitively.
    """
    name = _extra_labels().get(_fold_label(label), "")
    return type_field(item_type, name) if name else ""


def field_label(name: str) -> str:
    """Zotero's English label for a field ("publicationTitle" -> "Publication")."""
    labels: dict[str, str] = _schema()["labels"]["fields"]
    return labels.get(name, name)


def type_label(item_type: str) -> str:
    """Zotero's English label for an item type ("bookSection" -> "Book Section")."""
    labels: dict[str, str] = _schema()["labels"]["itemTypes"]
    return labels.get(item_type, item_type)


def creator_label(creator_type: str) -> str:
    labels: dict[str, str] = _schema()["labels"]["creatorTypes"]
    return labels.get(creator_type, creator_type)
