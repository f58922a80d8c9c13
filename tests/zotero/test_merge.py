"""Three-way merge of one item: one-sided changes taken, both-sided ones kept as clashes, sets merged."""

from __future__ import annotations

import copy

from senref.core.model import Creator, Item, Note, Tag
from senref.zotero.merge import merge_items, merge_sets


def base_item() -> Item:
    item = Item(fields={"title": "Therapy-induced senescence", "date": "2021", "volume": "113"})
    item.creators = [Creator("author", "Pataje G.", "Prasanna")]
    item.tags = [Tag("SASP"), Tag("radiation")]
    item.collections = ["AAAA2222"]
    item.notes = [Note("<p>first</p>", key="NOTE2222")]
    return item


def test_one_sided_changes_are_taken_from_either_side() -> None:
    base = base_item()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    local.fields["volume"] = "114"
    remote.fields["date"] = "2021-10"
    merged = merge_items(base, local, remote)
    assert merged.clashes == []
    assert merged.item.fields["volume"] == "114" and merged.item.fields["date"] == "2021-10"


def test_the_same_field_changed_on_both_sides_keeps_local_and_notes_both() -> None:
    base = base_item()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    local.fields["title"] = "Therapy-Induced Senescence: Opportunities"
    remote.fields["title"] = "Therapy-induced senescence in cancer"
    merged = merge_items(base, local, remote)
    assert merged.item.title == "Therapy-Induced Senescence: Opportunities"
    assert [(c.field, c.local, c.remote) for c in merged.clashes] == [
        ("title", "Therapy-Induced Senescence: Opportunities", "Therapy-induced senescence in cancer")]


def test_a_tag_renamed_on_one_side_and_a_tag_added_on_the_other_both_arrive() -> None:
    base = base_item()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    local.tags = [Tag("SASP"), Tag("Radiation-induced")]  # renamed "radiation"
    remote.tags = [*remote.tags, Tag("senolytics")]
    merged = merge_items(base, local, remote)
    assert {t.tag for t in merged.item.tags} == {"SASP", "Radiation-induced", "senolytics"}
    assert merged.clashes == []


def test_notes_merge_by_key_and_a_note_edited_on_both_sides_is_a_clash() -> None:
    base = base_item()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    local.notes.append(Note("<p>mine</p>", key="MINE2222"))
    remote.notes.append(Note("<p>theirs</p>", key="THEM2222"))
    merged = merge_items(base, local, remote)
    assert [n.key for n in merged.item.notes] == ["NOTE2222", "MINE2222", "THEM2222"]
    local.notes[0].html, remote.notes[0].html = "<p>edit A</p>", "<p>edit B</p>"
    clashed = merge_items(base, local, remote)
    assert [c.field for c in clashed.clashes] == ["note NOTE2222"]
    assert clashed.item.notes[0].html == "<p>edit A</p>"


def test_without_an_agreed_copy_every_difference_is_a_clash() -> None:
    local, remote = base_item(), base_item()
    remote.fields["volume"] = "9"
    merged = merge_items(None, local, remote)
    assert [c.field for c in merged.clashes] == ["volume"]


def test_sets_drop_what_either_side_removed() -> None:
    assert merge_sets(["a", "b", "c"], ["a", "c", "d"], ["a", "b", "e"], key=lambda x: x) == ["a", "d", "e"]
    assert merge_sets(None, ["a"], ["b"], key=lambda x: x) == ["a", "b"]


def test_what_another_copy_found_in_extras_arrives_without_asking() -> None:
    base = base_item()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    local.fields["volume"] = "114"
    remote.extras["integrity"] = {"status": "retracted", "notices": []}
    merged = merge_items(base, local, remote)
    assert merged.item.extras["integrity"]["status"] == "retracted" and merged.clashes == []
    local.extras["topicEvidence"], remote.extras["topicEvidence"] = {"a": ["x"]}, {"a": ["y"]}
    both = merge_items(base, local, remote)
    assert both.item.extras["topicEvidence"] == {"a": ["x"]} and both.clashes == []
