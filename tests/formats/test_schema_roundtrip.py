"""Every regular Zotero item type, with every field and creator role, survives JSON, CSL-JSON and Zotero RDF.

Generated from the schema: one test per item type and format (`csl-json-film`, `zotero-rdf-statute`...).
The item is written by the real format writer to a file and read back by the real reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import Creator, Item
from senref.core.schema import ITEM_TYPES
from senref.formats import registry
from senref.formats.base import ExportContext, ImportRecord
from tests.formats.schema_items import schema_item

#: test id -> (format name, file name)
FORMATS = {"json": ("json", "items.json"), "csl-json": ("csljson", "items.csl.json"),
           "zotero-rdf": ("zotero-rdf", "items.rdf")}
#: CSL-JSON keeps one name list per role, so only the order within each role can survive it.
ORDER_WITHIN_ROLE = {"csl-json"}


def round_trip(label: str, item: Item, tmp_path: Path) -> Item:
    name, file_name = FORMATS[label]
    fmt = registry.get(name)
    assert fmt is not None, name
    path = tmp_path / file_name
    assert fmt.write([item], path, ExportContext(library_dir=tmp_path / "lib")) == 1
    records = list(fmt.read(path))
    assert all(isinstance(r, ImportRecord) for r in records), records
    assert len(records) == 1
    record = records[0]
    assert isinstance(record, ImportRecord)
    return record.item


def by_role(creators: list[Creator]) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for c in creators:
        out.setdefault(c.creator_type, []).append((c.first_name, c.last_name, c.name))
    return out


CASES = [pytest.param(label, item_type, id=f"{label}-{item_type}") for label in FORMATS for item_type in ITEM_TYPES]


@pytest.mark.parametrize(("label", "item_type"), CASES)
def test_every_field_and_creator_round_trips(label: str, item_type: str, tmp_path: Path) -> None:
    item = schema_item(item_type)
    back = round_trip(label, item, tmp_path)
    assert back.item_type == item.item_type
    assert back.fields == item.fields
    assert back.identifiers == item.identifiers
    if label in ORDER_WITHIN_ROLE:
        assert by_role(back.creators) == by_role(item.creators)
    else:
        assert back.creators == item.creators


def test_builder_fills_every_field_and_role() -> None:
    from senref.core.schema import CREATOR_TYPES, IDENTIFIER_FIELDS, ITEM_FIELDS

    for item_type in ITEM_TYPES:
        item = schema_item(item_type)
        id_fields = set(IDENTIFIER_FIELDS.values())
        assert set(item.fields) == set(ITEM_FIELDS[item_type]) - id_fields
        assert {IDENTIFIER_FIELDS[s] for s in item.identifiers} == set(ITEM_FIELDS[item_type]) & id_fields
        assert len(set(item.fields.values())) == len(item.fields), f"{item_type}: values must be distinct"
        assert {c.creator_type for c in item.creators} == set(CREATOR_TYPES[item_type])
