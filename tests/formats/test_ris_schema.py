"""Every regular Zotero item type, with every field and creator role, survives a senref RIS round trip.

Generated from the schema: one test per item type (`ris-film`, `ris-statute`...). The real writer writes a
file and the real reader reads it back.

What RIS itself cannot carry, and how senref still brings it back:
- Fields without a RIS tag for the type (`codePages` of a bill has SP, but e.g. `originalDate`, `citationKey`,
  `rights`, `seriesText`, `partTitle`, a journal article's `ISSN` beside ISBN...) travel as `name: value`
  lines in M2, which Zotero imports as Extra and senref puts back in the field.
- Creator roles without a tag (`reviewedAuthor`, `scriptwriter`, `guest`, `contributor` of most types...)
  travel as `role: Last || First` lines in M2.
- Types whose TY reads back as another type (interview -> PCOMM = letter, podcast -> SOUND, preprint and
  document -> GEN = journal article...) carry a `Type: podcast` line in M2.
- RIS groups creators by tag, so only the order within each role survives; the test compares per role.
- The access date and dates are written `YYYY/MM/DD/`, so only dates Zotero can split into parts come back
  character for character (the schema sample uses ISO dates; `test_ris.py` covers the other forms).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import Item
from senref.core.schema import ITEM_TYPES
from senref.formats import registry
from senref.formats.base import ExportContext, ImportRecord
from senref.formats.ris_map import EXPORT_TYPES, needs_type_line
from tests.formats.schema_items import schema_item
from tests.formats.test_schema_roundtrip import by_role


def round_trip(item: Item, tmp_path: Path) -> tuple[Item, str]:
    fmt = registry.get("ris")
    assert fmt is not None
    path = tmp_path / "items.ris"
    assert fmt.write([item], path, ExportContext(library_dir=tmp_path / "lib")) == 1
    records = list(fmt.read(path))
    assert len(records) == 1 and isinstance(records[0], ImportRecord), records
    return records[0].item, path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("item_type", ITEM_TYPES, ids=[f"ris-{t}" for t in ITEM_TYPES])
def test_every_field_and_creator_round_trips(item_type: str, tmp_path: Path) -> None:
    item = schema_item(item_type)
    back, text = round_trip(item, tmp_path)
    assert text.startswith(f"TY  - {EXPORT_TYPES[item_type]}\r\n")
    assert back.item_type == item_type
    assert back.fields == item.fields
    assert back.identifiers == item.identifiers
    assert by_role(back.creators) == by_role(item.creators)
    assert not back.notes, "nothing may land in the 'no corresponding Zotero field' note"
    assert (f"M2  - Type: {item_type}\r\n" in text) == needs_type_line(item_type)


def test_types_with_their_own_ty_carry_most_fields_in_real_tags(tmp_path: Path) -> None:
    # The M2 fallback must stay a fallback: the main fields of each type have real RIS tags.
    for item_type in (t for t in ITEM_TYPES if not needs_type_line(t)):
        _back, text = round_trip(schema_item(item_type), tmp_path)
        m2 = [line for line in text.splitlines() if line.startswith("M2  - ")]
        tagged = [line for line in text.splitlines() if line[:2] not in ("M2", "TY", "ER") and "  - " in line]
        assert len(tagged) > len(m2), (item_type, m2)
        assert "TI  - " in text or "T1  - " in text, item_type
