"""Every regular Zotero item type, with every field of its type and every creator type, survives BibLaTeX.

Generated from the schema senref ships: one test per item type, so a new type or field in the schema is
covered without touching this file.
"""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from senref.core.model import Creator, Item
from senref.core.schema import CREATOR_TYPES, DATE_FIELDS, IDENTIFIER_FIELDS, ITEM_FIELDS, ITEM_TYPES, base_field
from senref.formats import registry
from senref.formats.base import ExportContext, ImportRecord

#: values that must look like what they are for the round trip to be meaningful
_VALUES = {
    "language": "fr-FR", "url": "https://example.org/a_b?c=1&d=2", "pages": "10–20", "edition": "2",
    "accessDate": "2021-03-05", "thesisType": "PhD Thesis", "reportType": "Working paper", "ISSN": "0027-8874",
    "numberOfVolumes": "3", "extra": "Original note line", "assignee": "Acme Corp.",
}


def _value(item_type: str, name: str) -> str:
    if name in _VALUES:
        return _VALUES[name]
    if name in DATE_FIELDS or base_field(name) in ("date", "originalDate"):
        return {"originalDate": "1901", "priorityDate": "1999-12"}.get(name, "2010-09-05")
    if base_field(name) == "title":
        return f"The β-{item_type} & its {name} in DNA studies"
    return f"{name} of the {item_type} (100 % µ)"


def full_item(item_type: str) -> Item:
    item = Item(item_type=item_type)
    for name in ITEM_FIELDS[item_type]:
        if name == "citationKey":
            item.fields[name] = f"key_{item_type}"
        elif name not in IDENTIFIER_FIELDS.values():
            item.fields[name] = _value(item_type, name)
    valid = ITEM_FIELDS[item_type]
    if "DOI" in valid:
        item.set_identifier("doi", "10.1234/Example.5678")
    if "ISBN" in valid:
        item.set_identifier("isbn", "978-3-16-148410-0")
    if "PMID" in valid:
        item.set_identifier("pmid", "33792717")
    if "PMCID" in valid:
        item.set_identifier("pmcid", "PMC1234567")
    for index, creator_type in enumerate(CREATOR_TYPES[item_type]):
        item.creators.append(Creator(creator_type, f"Ann{index}", f"Müller-{creator_type}"))
    item.creators.append(Creator(CREATOR_TYPES[item_type][0], name="World Health Organization"))
    return item


def _creators(item: Item) -> list[tuple[str, str, str, str]]:
    # Name lists are per role: the order within a role is kept, not across roles.
    return sorted(((c.creator_type, c.first_name, c.last_name, c.name) for c in item.creators), key=lambda c: c[0])


@pytest.mark.parametrize("unicode", [False, True], ids=["latex", "utf8"])
@pytest.mark.parametrize("item_type", ITEM_TYPES)
def test_every_field_and_creator_survives_biblatex(item_type: str, unicode: bool, tmp_path: Path) -> None:
    fmt = registry.get("biblatex")
    assert fmt is not None
    original = full_item(item_type)
    out = tmp_path / "one.bib"
    ctx = ExportContext(library_dir=tmp_path, options={"bibtex_unicode": "true" if unicode else ""})
    assert fmt.write([original], out, ctx) == 1
    text = out.read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 1 and not library.failed_blocks, text
    if not unicode:
        assert text.isascii(), [ch for ch in text if not ch.isascii()]
    back = [r.item for r in fmt.read(out) if isinstance(r, ImportRecord)]
    assert len(back) == 1
    after = back[0]
    assert after.item_type == item_type, text
    assert after.fields == original.fields, text
    assert after.identifiers == original.identifiers
    assert _creators(after) == _creators(original), text


def test_each_zotero_field_has_one_bib_field_per_type() -> None:
    """Two Zotero fields of one type never share a .bib field (one would overwrite the other)."""
    from senref.formats.biblatex_model import bib_field
    from senref.formats.bibtex_map import export_type

    for dialect in ("biblatex", "bibtex"):
        for item_type in ITEM_TYPES:
            entry_type, _ = export_type(item_type, dialect, {}, set())
            targets = [bib_field(dialect, item_type, entry_type, n) for n in ITEM_FIELDS[item_type]]
            written = [t for t in targets if t]
            assert len(written) == len(set(written)), (dialect, item_type, written)
