"""The edit rules, through the actions both front ends call: fields, identifiers, creators, type, notes, tags,
collections and the Trash."""

from __future__ import annotations

from typing import Any

import pytest

from senref.actions import collections as collection_actions
from senref.actions import edit as edit_actions
from senref.actions import notes as note_actions
from senref.actions import tags as tag_actions
from senref.actions import trash as trash_actions
from senref.actions.progress import Report
from senref.core.library import Library
from senref.core.model import AUTOMATIC, MANUAL, Creator, Item
from senref.core.query import ItemQuery
from tests.factories import flagship_crossref


@pytest.fixture
def lib(library: Any) -> Library:
    assert isinstance(library, Library)
    return library


@pytest.fixture
def key(lib: Library) -> str:
    return lib.save_item(flagship_crossref()).key


def test_a_typed_field_is_the_users_and_an_unchanged_one_is_no_change(lib: Library, key: str) -> None:
    report = edit_actions.edit_field(lib, key, "volume", "114")
    assert isinstance(report, Report) and not report.failed
    assert report.changed == ["volume"]
    item = lib.get_item(key)
    assert item.fields["volume"] == "114" and item.provenance["volume"] == "user"
    version = item.version
    again = edit_actions.edit_field(lib, key, "volume", "114")
    assert again.changed == [] and not again.failed
    assert lib.get_item(key).version == version  # nothing written


def test_an_empty_value_removes_the_field(lib: Library, key: str) -> None:
    edit_actions.edit_field(lib, key, "issue", "")
    assert "issue" not in lib.get_item(key).fields


def test_identifier_fields_go_to_the_identifiers_normalised(lib: Library, key: str) -> None:
    report = edit_actions.edit_field(lib, key, "DOI", "https://doi.org/10.1093/JNCI/DJAB065")
    assert report.changed == ["DOI"]
    item = lib.get_item(key)
    assert item.identifiers["doi"] == "10.1093/JNCI/DJAB065"  # as typed, resolver prefix dropped
    assert "DOI" not in item.fields
    assert edit_actions.edit_field(lib, key, "DOI", "doi:10.1093/JNCI/DJAB065").changed == []
    edit_actions.edit_field(lib, key, "DOI", "")
    assert "doi" not in lib.get_item(key).identifiers


def test_a_malformed_identifier_is_a_problem_and_the_other_fields_still_apply(lib: Library, key: str) -> None:
    report = edit_actions.edit_item(lib, key, {"DOI": "not a doi", "title": "Renamed", "titel": "typo"})
    assert report.failed
    assert any("DOI" in p for p in report.problems) and any("titel" in p for p in report.problems)
    item = lib.get_item(key)
    assert item.identifiers["doi"] == "10.1093/JNCI/djab064"
    assert item.title == "Renamed"


def test_field_names_are_zoteros_matched_without_case(lib: Library, key: str) -> None:
    assert edit_actions.edit_item(lib, key, {"doi": "10.1093/jnci/djab099", "Pages": "1-2"}).changed == ["DOI", "pages"]


def test_creators_become_the_users_as_a_whole(lib: Library, key: str) -> None:
    creators = [Creator("author", "Judith", "Campisi"), Creator("author", name="ENCODE Consortium")]
    report = edit_actions.set_item_creators(lib, key, creators)
    assert report.changed == ["creators"]
    item = lib.get_item(key)
    assert item.creators == creators and item.provenance["creators"] == "user"
    assert edit_actions.set_item_creators(lib, key, creators).changed == []


def test_change_item_type_and_refuse_an_unknown_one(lib: Library, key: str) -> None:
    assert edit_actions.change_item_type(lib, key, "report").changed == ["itemType"]
    assert lib.get_item(key).item_type == "report"
    bad = edit_actions.change_item_type(lib, key, "podcastEpisode")
    assert bad.failed and lib.get_item(key).item_type == "report"


def test_an_edit_of_a_missing_item_is_a_problem_not_a_crash(lib: Library) -> None:
    assert edit_actions.edit_field(lib, "NOSUCHIT", "title", "x").problems == ["no item NOSUCHIT"]


def test_a_typed_note_is_escaped_html_with_line_breaks(lib: Library, key: str) -> None:
    report = note_actions.add_note(lib, key, "p < 0.05\nsee Fig. 2")
    [note] = lib.get_item(key).notes
    assert note.key == report.note_key
    assert note.html == "<p>p &lt; 0.05<br>see Fig. 2</p>"
    assert note_actions.add_note(lib, key, "   ").failed
    edited = note_actions.edit_note(lib, key, note.key, "<b>not bold</b>")
    assert not edited.failed
    assert lib.get_item(key).notes[0].html == "<p>&lt;b&gt;not bold&lt;/b&gt;</p>"
    assert note_actions.edit_note(lib, key, "NOSUCHNT", "x").failed


def test_accepting_a_topic_makes_it_manual_and_rejecting_one_keeps_it_out(lib: Library, key: str) -> None:
    lib.edit_items([key], lambda item: bool(item.add_tag("Senolytics", AUTOMATIC) or item.add_tag("SASP", AUTOMATIC))
                   or True)
    tag_actions.accept_tag(lib, key, "Senolytics")
    item = lib.get_item(key)
    assert [(t.tag, t.type) for t in item.tags if t.tag == "Senolytics"] == [("Senolytics", MANUAL)]
    tag_actions.reject_tag(lib, key, "SASP")
    item = lib.get_item(key)
    assert "SASP" not in item.tag_names() and item.extras["rejectedTopics"] == ["SASP"]
    assert tag_actions.add_tags(lib, key, ["  "]).failed


def test_renaming_to_an_existing_tag_merges(lib: Library, key: str) -> None:
    other = lib.save_item(Item(fields={"title": "Other"})).key
    tag_actions.add_tags(lib, key, ["senolytics"])
    tag_actions.add_tags(lib, other, ["senolytic"])
    report = tag_actions.rename_tag(lib, "senolytic", "senolytics")
    assert report.merged and report.changed == [other]
    assert sorted(lib.keys(ItemQuery(tags=["senolytics"]))) == sorted([key, other])
    plain = tag_actions.rename_tag(lib, "senolytics", "senotherapy")
    assert not plain.merged and len(plain.changed) == 2
    assert tag_actions.rename_tag(lib, "senotherapy", " ").failed
    assert tag_actions.rename_tag(lib, "nothing-here", "x").failed


def test_tag_colours_and_delete(lib: Library, key: str) -> None:
    tag_actions.add_tags(lib, key, ["to-read"])
    assert not tag_actions.set_tag_color(lib, "to-read", "#5fb236").failed
    assert lib.tag_colors() == {"to-read": "#5fb236"}
    assert tag_actions.set_tag_color(lib, "to-read", "greenish").failed
    assert tag_actions.set_tag_color(lib, "to-read", "red").failed
    tag_actions.set_tag_color(lib, "to-read", "none")
    assert lib.tag_colors() == {}
    assert tag_actions.delete_tag(lib, "to-read").changed == [key]
    assert "to-read" not in lib.get_item(key).tag_names()


def test_collections_create_rename_move_file_and_delete(lib: Library, key: str) -> None:
    tis = collection_actions.create_collection(lib, " TIS ").key
    reviews = collection_actions.create_collection(lib, "Reviews", tis).key
    assert collection_actions.create_collection(lib, "  ").failed
    assert collection_actions.create_collection(lib, "x", "NOSUCHCO").failed
    assert collection_actions.rename_collection(lib, reviews, "Review articles").problems == []
    assert lib.collection_path(reviews) == ["TIS", "Review articles"]
    assert collection_actions.move_collection(lib, tis, reviews).failed  # into its own subcollection
    collection_actions.move_collection(lib, reviews, None)
    assert lib.collection_path(reviews) == ["Review articles"]
    filed = collection_actions.add_to_collection(lib, reviews, [key, "NOSUCHIT"])
    assert filed.changed == [key] and filed.problems == ["no item NOSUCHIT"]
    assert collection_actions.add_to_collection(lib, reviews, [key]).changed == []
    assert collection_actions.remove_from_collection(lib, reviews, [key]).changed == [key]
    collection_actions.add_to_collection(lib, tis, [key])
    assert collection_actions.delete_collection(lib, tis).changed == [key]
    assert lib.get_item(key).collections == [] and lib.has_item(key)


def test_trash_restore_and_empty(lib: Library, key: str) -> None:
    moved = trash_actions.move_to_trash(lib, [key])
    assert moved.changed == [key] and lib.get_item(key).deleted
    again = trash_actions.move_to_trash(lib, [key])  # already in the Trash: nothing happens
    assert again.changed == [] and again.unchanged == [key] and not again.failed
    assert trash_actions.restore(lib, [key]).changed == [key]
    assert not lib.get_item(key).deleted
    trash_actions.move_to_trash(lib, [key])
    assert trash_actions.empty_trash(lib).deleted == 1
    assert not lib.has_item(key)
