"""senref items <-> Zotero Web API data objects: round trips, Extra lines, children, hostile input."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from senref.core.model import AUTOMATIC, Attachment, Creator, Item, Note
from senref.zotero.extra_lines import split_extra
from senref.zotero.mapping import (
    STANDALONE,
    api_to_collection,
    api_to_item,
    collection_to_api,
    data_equal,
    item_to_api,
    split_children,
)
from tests.factories import flagship_crossref

USER_EXTRA = "Read for the 2022 review\nsenref is great: really"


def flagship() -> Item:
    item = flagship_crossref()
    item.set_identifier("hal", "inserm-03547029v2")
    item.set_identifier("pmid", "33792717")
    item.set_identifier("arxiv", "2101.00001")
    item.fields["extra"] = USER_EXTRA
    item.add_tag("senescence")
    item.add_tag("Neoplasms", AUTOMATIC)
    item.add_tag("Oncology", AUTOMATIC)
    item.collections = ["ABCD2345"]
    item.relations = {"dc:relation": ["http://zotero.org/users/1/items/QRST6789"]}
    item.notes.append(Note("<p>Key review of <b>TIS</b>.</p>"))
    pdf = Attachment(title="Full Text PDF", content_type="application/pdf", size=2048, sha256="e3b0c442" * 8,
                     source="unpaywall")
    pdf.path = f"files/{pdf.key}/Prasanna 2021.pdf"
    item.attachments.append(pdf)
    item.attachments.append(Attachment(title="Publisher page", link_mode="linked_url",
                                       url="https://academic.oup.com/jnci/article/113/10/1285/6187360"))
    item.provenance = {"title": "crossref", "abstractNote": "hal"}
    item.extras["topicEvidence"] = {"Oncology": [{"field": "title", "term": "anticancer", "weight": 1.5}]}
    item.extras["tagSources"] = {"Neoplasms": "mesh"}
    item.extras["rejectedTopics"] = ["Geriatrics"]
    return item


def state(item: Item) -> dict[str, Any]:
    return vars(copy.deepcopy(item))


def test_flagship_round_trips_twice_with_every_field_equal() -> None:
    item = flagship()
    first = item_to_api(item)
    back = api_to_item(first[0], first[1:])
    assert state(back) == state(item)
    second = item_to_api(back)
    assert second == first  # no Extra growth, nothing reordered
    assert state(api_to_item(second[0], second[1:])) == state(item)


def test_flagship_api_shape() -> None:
    parent, note, pdf, link = item_to_api(flagship())
    assert parent["itemType"] == "journalArticle" and parent["DOI"] == "10.1093/JNCI/djab064"
    assert parent["PMID"] == "33792717"  # journalArticle has a PMID field in this schema
    assert (parent["volume"], parent["issue"]) == ("113", "10")
    assert parent["abstractNote"] == "" and parent["ISSN"] == ""  # every field of the type, empty when unset
    assert {"tag": "Neoplasms", "type": 1} in parent["tags"] and {"tag": "senescence"} in parent["tags"]
    lines = parent["extra"].splitlines()
    assert parent["extra"].startswith(USER_EXTRA)
    assert "HAL: inserm-03547029v2" in lines and "arXiv: 2101.00001" in lines
    assert not any(line.startswith("DOI:") for line in lines)
    assert any(line.startswith('senref.topicEvidence: {"Oncology"') for line in lines)
    assert note["itemType"] == "note" and note["parentItem"] == parent["key"] and "TIS" in note["note"]
    assert pdf["linkMode"] == "imported_file" and pdf["filename"] == "Prasanna 2021.pdf"
    assert pdf["md5"] is None and pdf["parentItem"] == parent["key"] and "path" not in pdf
    assert link["linkMode"] == "linked_url" and "filename" not in link


def test_identifier_without_a_field_goes_to_extra() -> None:
    book = Item(item_type="book", fields={"title": "Senescence"})
    book.set_identifier("doi", "10.1000/xyz123")
    book.set_identifier("isbn", "9780306406157")
    book.set_identifier("pmid", "33792717")
    data = item_to_api(book)[0]
    assert (data["ISBN"], data["DOI"]) == ("9780306406157", "10.1000/xyz123")
    assert "PMID: 33792717" in data["extra"].splitlines() and "PMID" not in data
    assert api_to_item(data).identifiers == book.identifiers


def test_user_extra_kept_verbatim_and_senref_lines_not_duplicated() -> None:
    item = flagship()
    data = item_to_api(item)[0]
    for _ in range(3):
        data = item_to_api(api_to_item(data))[0]
    text, ours = split_extra(data["extra"])
    assert text.startswith(USER_EXTRA)
    assert data["extra"].count("senref.provenance:") == 1 and data["extra"].count(USER_EXTRA) == 1
    assert ours["rejectedTopics"] == ["Geriatrics"]


def test_server_data_senref_has_no_slot_for_survives() -> None:
    parent = {"key": "PARE2345", "version": 12, "itemType": "book", "title": "T", "inPublications": True,
              "extra": "", "deleted": 1, "dateAdded": "2020-01-01T00:00:00Z", "dateModified": "2020-01-02T00:00:00Z"}
    child = {"key": "ATTA2345", "version": 11, "itemType": "attachment", "parentItem": "PARE2345",
             "linkMode": "imported_url", "title": "Snapshot", "url": "https://example.org", "charset": "utf-8",
             "contentType": "text/html", "filename": "page.html", "md5": "a" * 32, "mtime": 1400000000000,
             "accessDate": "2020-01-01T00:00:00Z", "tags": [{"tag": "x"}], "note": "<p>n</p>",
             "dateAdded": "2020-01-01T00:00:00Z", "dateModified": "2020-01-03T00:00:00Z"}
    note = {"key": "NTEE2345", "version": 10, "itemType": "note", "parentItem": "PARE2345", "note": "<p>x</p>",
            "tags": [{"tag": "todo", "type": 0}], "relations": {"dc:relation": "http://x/y"},
            "dateAdded": "2020-01-01T00:00:00Z", "dateModified": "2020-01-01T00:00:00Z"}
    item = api_to_item(parent, [child, note])
    assert item.deleted and item.version == 12
    assert item.attachments[0].path == "files/ATTA2345/page.html"
    out = item_to_api(item)
    assert data_equal(out[0], parent)
    assert out[0]["deleted"] == 1 and out[1]["version"] == 10
    assert data_equal(out[1], note) and data_equal(out[2], child)
    assert out[2]["mtime"] == 1400000000000 and out[2]["version"] == 11


def test_unknown_fields_go_to_extra() -> None:
    item = api_to_item({"itemType": "journalArticle", "title": "T", "numPages": "12", "extra": "mine"})
    data = item_to_api(item)[0]
    assert "numPages" not in data and data["extra"].splitlines()[:2] == ["mine", "numPages: 12"]


def test_standalone_note_and_attachment_round_trip() -> None:
    note = {"key": "STNQ2345", "version": 3, "itemType": "note", "note": "<h1>Ideas</h1><p>more</p>",
            "collections": ["CLLL2345"], "tags": [{"tag": "idea"}], "relations": {}, "dateAdded": "2020-01-01T00:00:00Z",
            "dateModified": "2020-01-01T00:00:00Z"}
    item = api_to_item(note)
    assert item.extras[STANDALONE] == "note" and item.title == "Ideas" and item.key == "STNQ2345"
    assert item.collections == ["CLLL2345"] and item.notes[0].html == note["note"]
    (out,) = item_to_api(item)
    assert out["version"] == 3 and "parentItem" not in out and data_equal(out, note)
    assert api_to_item(out).notes[0].key == item.notes[0].key  # the same wrapper child every fetch
    att = {"key": "STAT2345", "itemType": "attachment", "linkMode": "linked_file", "title": "scan",
           "path": "/home/me/scan.pdf", "contentType": "application/pdf", "dateAdded": "2020-01-01T00:00:00Z"}
    (back,) = item_to_api(api_to_item(att))
    assert data_equal(back, att) and back["path"] == "/home/me/scan.pdf"


@pytest.mark.parametrize("data", [
    {},
    {"itemType": "spaceshipManual", "title": "T", "warpFactor": "9"},
    {"itemType": "book", "creators": [{"name": "WHO"}, {"creatorType": None}, "Smith", None]},
    {"itemType": "book", "tags": [{"tag": "a"}, {"tag": "b", "type": "1"}, {"tag": "c", "type": "x"}, "d", {}, 5]},
    {"itemType": "book", "tags": "not-a-list", "collections": "CLLL2345", "creators": {"name": "x"}},
    {"itemType": "book", "relations": {"owl:sameAs": "http://a", "dc:relation": ["http://b", 3], "x": 4}},
    {"itemType": "book", "relations": "http://a"},
    {"itemType": "book", "relations": ["http://a"], "version": "abc", "parentItem": False},
    {"itemType": "note", "parentItem": False},
    {"itemType": "attachment"},
    {"itemType": "book", "extra": ["BBT", "lines"], "title": 5, "volume": None, "abstractNote": {"x": 1}},
    {"itemType": "book", "extra": "senref.provenance: {not json"},
    {"data": {"itemType": "book", "title": "wrapped"}, "key": "WRAP2345"},
    "not a dict",
])
def test_hostile_parents_never_raise(data: Any) -> None:
    item = api_to_item(data, [{"itemType": "note"}, {"itemType": "attachment", "linkMode": "idk"},
                              {"itemType": "annotation"}, "junk", {"note": 3, "itemType": "note"}])
    out = item_to_api(item)
    assert out[0]["itemType"] == item.extras.get(STANDALONE, item.item_type)
    again = api_to_item(out[0], out[1:])
    assert data_equal(item_to_api(again)[0], out[0])


def test_hostile_tags_and_relations_read_sensibly() -> None:
    item = api_to_item({"itemType": "book", "tags": [{"tag": "a"}, {"tag": "b", "type": "1"}, "c"],
                        "relations": {"owl:sameAs": "http://a", "dc:relation": ["http://b", "http://c"]}})
    assert [(t.tag, t.type) for t in item.tags] == [("a", 0), ("b", 1), ("c", 0)]
    assert item.relations == {"owl:sameAs": ["http://a"], "dc:relation": ["http://b", "http://c"]}
    assert item_to_api(item)[0]["relations"]["owl:sameAs"] == "http://a"
    assert api_to_item({"itemType": "book", "creators": [{"name": "WHO"}]}).creators == [Creator("author", name="WHO")]


def test_collections() -> None:
    assert api_to_collection(collection_to_api("CLLL2345", "Lab", None)) == ("CLLL2345", "Lab", None)
    assert api_to_collection(collection_to_api("SUBC2345", "Sub", "CLLL2345")) == ("SUBC2345", "Sub", "CLLL2345")
    assert collection_to_api("CLLL2345", "Lab", None, version=4)["parentCollection"] is False
    assert api_to_collection({"data": {"key": "K", "name": "n", "parentCollection": ""}}) == ("K", "n", None)
    assert api_to_collection({}) == ("", "", None)


def test_split_children() -> None:
    objects = [{"key": "PARE2345", "itemType": "book"},
               {"key": "NTEE2345", "itemType": "note", "parentItem": "PARE2345"},
               {"data": {"key": "QRPH2345", "itemType": "attachment", "parentItem": "GQNE2345"}},
               {"key": "STNQ2345", "itemType": "note", "parentItem": False}]
    parents, children, orphans = split_children(objects)
    assert [p["key"] for p in parents] == ["PARE2345", "STNQ2345"]
    assert [c["key"] for c in children["PARE2345"]] == ["NTEE2345"]
    assert list(orphans) == ["GQNE2345"] and orphans["GQNE2345"][0]["key"] == "QRPH2345"


def test_data_equal() -> None:
    a = {"key": "K", "version": 3, "title": "T", "tags": [{"tag": "x"}, {"tag": "y", "type": 1}],
         "relations": {"owl:sameAs": "http://a"}, "collections": ["B", "A"], "dateModified": "2020"}
    b = {"collections": ["A", "B"], "relations": {"owl:sameAs": ["http://a"]}, "title": "T", "extra": "",
         "tags": [{"tag": "y", "type": 1}, {"tag": "x", "type": 0}], "key": "K", "version": 9, "deleted": 0}
    assert data_equal(a, b)
    assert not data_equal(a, {**b, "title": "U"})
    assert not data_equal(a, {**b, "tags": [{"tag": "x", "type": 1}, {"tag": "y", "type": 1}]})
    assert not data_equal(a, {**b, "deleted": 1})
