"""Merging duplicates on request keeps everything of every item, redirects the merged-away keys, is
undone exactly, and a sync target that held the merged-away item is rewritten with the master."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from senref.actions.duplicates import (
    dismiss_duplicates,
    find_duplicates,
    list_duplicates,
    merge_duplicates,
    undo_merge,
)
from senref.core.library import Library
from senref.core.merge import REPLACES, item_uri
from senref.core.model import Creator, Item


@pytest.fixture
def lib(tmp_path: Path) -> Any:
    library = Library.open(tmp_path / "lib", autotag=False)
    yield library
    library.close()


def _pair(lib: Library) -> tuple[str, str]:
    """Two records of one article as two databases give them (no identifier in common)."""
    first = Item(fields={"title": "Senolytic clearance after radiotherapy", "date": "2020",
                         "publicationTitle": "Aging Cell", "pages": "100-110", "citationKey": "gil2020"})
    first.creators = [Creator("author", "Jesús", "Gil"), Creator("author", "Ana", "Zhou")]
    first.set_identifier("doi", "10.5555/senolytic.2020")
    first.add_tag("to-read")
    first.relations["dc:relation"] = [item_uri("AAAAAAAA")]
    second = Item(fields={"title": "Senolytic Clearance after Radiotherapy", "date": "2020", "pages": "100",
                          "abstractNote": "Cells cleared.", "citationKey": "gil2020b"})
    second.creators = [Creator("author", "Jesus", "Gil")]
    second.set_identifier("hal", "hal-99000001v2")
    second.add_tag("radiation")
    one = lib.create_collection("Radiation")
    two = lib.create_collection("Senolytics")
    a = lib.save_item(first, collections=[one]).key
    b = lib.save_item(second, collections=[two]).key
    lib.add_note(a, "<p>note of A</p>")
    lib.add_note(b, "<p>note of B</p>")
    lib.store_file(a, b"%PDF-1.4 A", filename="a.pdf", content_type="application/pdf")
    lib.store_file(b, b"%PDF-1.4 B", filename="b.pdf", content_type="application/pdf")
    return a, b


def _state(item: Item) -> dict[str, Any]:
    data = asdict(item)
    data.pop("version")
    return data


def test_merge_keeps_everything_redirects_and_undo_restores_exactly(lib: Library) -> None:
    a, b = _pair(lib)
    (group,) = list_duplicates(lib).groups
    assert set(group.keys) == {a, b} and group.reasons and group.score > 0.5
    assert {d.name for d in group.differences} >= {"publicationTitle", "pages", "creators"}
    before = {k: _state(lib.get_item(k)) for k in (a, b)}
    report = merge_duplicates(lib, [a, b], master=a, choices={"pages": b})
    assert not report.failed and report.master == a and report.merged == [b]
    merged = lib.get_item(a)
    assert merged.identifiers == {"doi": "10.5555/senolytic.2020", "hal": "hal-99000001"}
    assert sorted(merged.tag_names()) == ["radiation", "to-read"]
    assert len(merged.collections) == 2
    assert sorted(n.html for n in merged.notes) == ["<p>note of A</p>", "<p>note of B</p>"]
    assert len(merged.attachments) == 2 and all(lib.attachment_path(x) for x in merged.attachments)
    assert merged.fields["pages"] == "100" and merged.fields["abstractNote"] == "Cells cleared."
    assert merged.fields["citationKey"] == "gil2020" and "tex.ids: gil2020b" in merged.fields["extra"]
    assert merged.relations[REPLACES] == [item_uri(b)] and item_uri("AAAAAAAA") in merged.relations["dc:relation"]
    gone = lib.get_item(b)
    assert gone.deleted and not gone.notes and not gone.attachments
    assert lib.resolve_key(b) == a and lib.resolve_key(a) == a
    assert list_duplicates(lib).groups == []

    undone = undo_merge(lib, report.undo_token)
    assert not undone.failed
    after = {k: _state(lib.get_item(k)) for k in (a, b)}
    assert after == before
    assert lib.resolve_key(b) == b
    assert undo_merge(lib, report.undo_token).failed  # once only


def test_undo_is_refused_after_the_master_was_edited(lib: Library) -> None:
    a, b = _pair(lib)
    report = merge_duplicates(lib, [a, b], master=a)
    item = lib.get_item(a)
    item.fields["title"] = "Edited after the merge"
    lib.update_item(item)
    assert undo_merge(lib, report.undo_token).failed
    assert lib.get_item(a).title == "Edited after the merge"


def test_dismissed_pairs_are_never_offered_again(lib: Library) -> None:
    a, b = _pair(lib)
    assert not dismiss_duplicates(lib, [a, b]).failed
    assert list_duplicates(lib).groups == []
    assert find_duplicates(lib).groups == []
    lib.save_item(Item(fields={"title": "Unrelated work on tumour dormancy", "date": "2001"}))
    assert list_duplicates(lib).groups == []


def test_merge_refuses_unknown_or_single_keys(lib: Library) -> None:
    a, _b = _pair(lib)
    assert merge_duplicates(lib, [a]).failed
    assert merge_duplicates(lib, [a, "ZZZZZZZZ"]).failed


def test_a_sync_target_holding_the_merged_away_item_is_rewritten_with_the_master(lib: Library, tmp_path: Path) -> None:
    from senref.cli.main import main

    a, b = _pair(lib)
    out = tmp_path / "out" / "senolytics.bib"
    out.parent.mkdir()
    folder = str(lib.folder)
    # The target holds only the collection the merged-away item was in.
    assert main(["--library", folder, "sync", "add", "--collection", "Senolytics", "--format", "bibtex",
                 "-o", str(out)]) == 0
    assert main(["--library", folder, "sync", "run"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "gil2020b" in text and "Radiotherapy" in text
    merge_duplicates(lib, [a, b], master=a)
    assert main(["--library", folder, "sync", "run"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "{gil2020," in text and "{gil2020b," not in text
    assert "10.5555/senolytic.2020" in text and "Cells cleared." in text


def test_a_merged_away_key_is_never_given_to_another_item(lib: Library) -> None:
    """A record proposing a merged-away key (an export made before the merge, re-imported after Empty
    Trash) gets a fresh key: the old key goes on naming the master."""
    a, b = _pair(lib)
    report = merge_duplicates(lib, [a, b], master=a)
    assert report.master == a and report.merged == [b]
    lib.empty_trash()
    assert not lib.has_item(b)
    stranger = Item(key=b, fields={"title": "An unrelated note on telomeres", "date": "1999"})
    stranger.creators = [Creator("author", "Zoë", "Other")]
    saved = lib.save_item(stranger)
    assert saved.created and saved.key != b
    assert lib.resolve_key(b) == a and lib.resolve_key(saved.key) == saved.key
