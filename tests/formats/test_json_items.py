"""senref / Zotero item JSON and Better BibTeX JSON libraries: base-field names and BBT bookkeeping."""

from __future__ import annotations

import json
from pathlib import Path

from senref.formats.json_items import JsonFormat
from tests.formats.conftest import read_items


def bbt_library(tmp_path: Path, items: list[dict[str, object]]) -> Path:
    path = tmp_path / "library.bbt.json"
    doc = {"config": {"id": "36a3b0b5-bad0-4a04-b79b-441c7cef77db", "label": "BetterBibTeX JSON"},
           "collections": {"C1": {"key": "C1", "name": "Ageing", "parent": False, "collections": [], "items": [7]}},
           "items": items}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_bbt_bookkeeping_never_reaches_extra_and_citekey_is_the_citation_key(tmp_path: Path) -> None:
    path = bbt_library(tmp_path, [{
        "itemType": "bookSection", "itemID": 7, "citekey": "garcia2020ageing", "key": "ABCD2345",
        "uri": "http://zotero.org/users/1/items/ABCD2345", "select": "zotero://select/items/1_ABCD2345",
        "libraryID": 1, "itemKey": "ABCD2345", "seeAlso": [], "title": "Ageing cells",
        "publicationTitle": "Handbook of Ageing", "publisher": "Elsevier", "extra": ["Original Date: 1990"],
        "creators": [{"creatorType": "author", "lastName": "García", "firstName": "Ana"}],
        "relations": {"dc:relation": ["http://zotero.org/users/1/items/WXYZ2345"]},
    }])
    (item,) = read_items(JsonFormat(), path)
    assert item.fields["bookTitle"] == "Handbook of Ageing"  # the base field's name, in the type's field
    assert "publicationTitle" not in item.fields
    assert item.fields["citationKey"] == "garcia2020ageing"
    # Zotero moves an Extra line into the field when the type has it (bookSection has originalDate).
    assert item.fields["originalDate"] == "1990"
    assert item.to_json()["data"]["extra"] == ""
    assert item.relations == {"dc:relation": ["http://zotero.org/users/1/items/WXYZ2345"]}


def test_a_legacy_citation_key_line_becomes_the_field(tmp_path: Path) -> None:
    path = bbt_library(tmp_path, [{"itemType": "journalArticle", "itemID": 7, "title": "T",
                                   "extra": "Citation Key: lee2019\nPMID: 31234567"}])
    (item,) = read_items(JsonFormat(), path)
    assert item.fields["citationKey"] == "lee2019"
    assert "extra" not in item.fields and item.identifiers["pmid"] == "31234567"


def test_the_collection_membership_follows_bbt_item_ids(tmp_path: Path) -> None:
    path = bbt_library(tmp_path, [{"itemType": "book", "itemID": 7, "title": "In"},
                                  {"itemType": "book", "itemID": 8, "title": "Out"}])
    records = list(JsonFormat().read(path))
    assert [r.collections for r in records] == [[("Ageing",)], []]  # type: ignore[union-attr]
