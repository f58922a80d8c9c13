"""The item model: Zotero JSON in and out, keys, identifiers, tags."""

from __future__ import annotations

from senref.core.model import AUTOMATIC, MANUAL, Creator, Item, is_key, new_key
from senref.core.schema import CREATOR_TYPES, ITEM_FIELDS


def test_required_item_types_exist() -> None:
    for name in ("journalArticle", "book", "bookSection", "thesis", "report", "preprint",
                 "conferencePaper", "manuscript", "webpage", "dataset"):
        assert "title" in ITEM_FIELDS[name]
        assert ITEM_FIELDS[name][-1] == "extra"
        assert CREATOR_TYPES[name]


def test_keys_are_zotero_shaped() -> None:
    keys = {new_key() for _ in range(500)}
    assert len(keys) == 500
    assert all(is_key(k) and len(k) == 8 and not set(k) & set("01O") for k in keys)


def test_identifiers_are_normalised_and_hal_version_kept_apart() -> None:
    item = Item()
    assert item.set_identifier("doi", "https://dx.doi.org/10.1093/JNCI/DJAB064")
    assert item.set_identifier("hal", "inserm-03547029v3")
    assert not item.set_identifier("pmid", "PMID: abc")
    assert item.identifiers == {"doi": "10.1093/JNCI/DJAB064", "hal": "inserm-03547029"}  # DOI case kept
    assert item.hal_version == 3


def test_json_round_trip_keeps_everything() -> None:
    item = Item(item_type="journalArticle", fields={"title": "T", "date": "2021-10-01", "volume": "113",
                                                     "extra": "Original note line"})
    item.creators = [Creator("author", "Jörg", "Goronzy"), Creator("author", name="NCI Workshop Group")]
    item.set_identifier("doi", "10.1093/jnci/djab064")
    item.set_identifier("hal", "inserm-03547029v2")
    item.set_identifier("pmid", "33792717")
    item.set_identifier("arxiv", "arXiv:1605.08386v1")
    item.add_tag("review")
    item.add_tag("TIS", AUTOMATIC)
    item.provenance["title"] = "crossref"
    data = item.to_json()
    assert data["data"]["DOI"] == "10.1093/jnci/djab064"
    assert data["data"]["PMID"] == "33792717"
    assert "HAL: inserm-03547029v2" in data["data"]["extra"]
    assert "arXiv: 1605.08386" in data["data"]["extra"]
    assert data["data"]["creators"][1] == {"creatorType": "author", "name": "NCI Workshop Group"}
    assert {"tag": "TIS", "type": 1} in data["data"]["tags"]
    back = Item.from_json(data)
    assert back.key == item.key
    assert back.identifiers == item.identifiers
    assert back.hal_version == 2
    assert back.fields["extra"] == "Original note line"
    assert back.creators == item.creators
    assert back.tags == item.tags
    assert back.provenance == {"title": "crossref"}


def test_identifiers_read_from_zotero_extra_lines() -> None:
    item = Item.from_json({"itemType": "book", "title": "B", "extra": "HAL: hal-01234567\nPMID: 123\nOther: x",
                           "ISBN": "0-306-40615-2"})
    assert item.identifiers == {"hal": "hal-01234567", "pmid": "123", "isbn": "0-306-40615-2"}  # as written
    assert item.fields["extra"] == "Other: x"


def test_manual_tag_replaces_automatic_of_same_name() -> None:
    item = Item()
    item.add_tag("SASP", AUTOMATIC)
    item.add_tag("SASP", MANUAL)
    item.add_tag("SASP", AUTOMATIC)
    assert [(t.tag, t.type) for t in item.tags] == [("SASP", MANUAL)]
