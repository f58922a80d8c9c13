"""Two lab members' senref libraries share one Zotero group through the Web API double, as in issue 17."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from senref.actions import zotero as zotero_actions
from senref.core.library import Library
from senref.core.model import Creator, Item, Note, Tag
from senref.core.query import ItemQuery
from senref.core.settings import load_settings
from tests.zotero.webapi_server import ZoteroServer

GROUP = 100


@pytest.fixture
def lab(zotero_server: ZoteroServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    monkeypatch.setenv("SENREF_ZOTERO_API_URL", zotero_server.url)
    zotero_server.add_key("KEYANA", user_id=1, username="ana")
    zotero_server.add_key("KEYBEN", user_id=2, username="ben")
    zotero_server.add_group(GROUP, owner=1, members=[2])
    settings = load_settings()
    opened = []

    def member(name: str, key: str) -> Library:
        library = Library.open(tmp_path / name, autotag=False)
        opened.append(library)
        report = zotero_actions.connect(library, settings, key, group=GROUP)
        assert not report.problems, report.problems
        return library

    class Lab:
        server = zotero_server

        def __init__(self) -> None:
            self.ana = member("ana", "KEYANA")
            self.ben = member("ben", "KEYBEN")

        def sync(self, library: Library) -> zotero_actions.ZoteroReport:
            report = zotero_actions.sync(library, settings)
            assert not report.problems, report.problems
            return report

    yield Lab()
    for library in opened:
        library.close()


def flagship() -> Item:
    item = Item(fields={"title": "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy",
                        "publicationTitle": "JNCI: Journal of the National Cancer Institute", "date": "2021-10",
                        "volume": "113", "issue": "10", "pages": "1285-1298", "extra": "Read for the review"})
    item.creators = [Creator("author", "Pataje G.", "Prasanna"), Creator("author", "Deborah E.", "Citrin")]
    item.set_identifier("doi", "10.1093/jnci/djab064")
    item.set_identifier("hal", "inserm-03547029")
    item.tags = [Tag("one-two punch"), Tag("TIS/Radiation-induced", type=1)]
    item.notes = [Note("<p>Table 2 lists the senolytics in trials.</p>")]
    item.extras["topicEvidence"] = {"TIS/Radiation-induced": ["radiation-induced senescence"]}
    return item


def assert_same(a: Library, b: Library) -> None:
    left, right = snapshot(a), snapshot(b)
    diffs = [(k, left["items"].get(k), right["items"].get(k)) for k in set(left["items"]) | set(right["items"])
             if left["items"].get(k) != right["items"].get(k)]
    assert not diffs and left["collections"] == right["collections"], "\n".join(f"{k}:\n {mine}\n {theirs}" for k, mine, theirs in diffs)


def snapshot(library: Library) -> dict[str, Any]:
    """What must be equal on both sides: items (fields, creators, tags, notes, trash), collections."""
    items = {}
    for key in library.keys(ItemQuery()) + library.keys(ItemQuery(trash=True)):
        item = library.get_item(key)
        items[key] = (item.item_type, dict(sorted(item.fields.items())), [c.to_json() for c in item.creators],
                      sorted((t.tag, t.type) for t in item.tags), sorted(item.collections),
                      sorted((n.key, n.html) for n in item.notes), dict(item.identifiers), item.deleted)
    collections = sorted((c.key, c.name, c.parent_key) for c in library.list_collections())
    return {"items": items, "collections": collections}


def test_two_members_converge_with_one_conflict_that_resolving_settles(lab: Any) -> None:
    ana, ben = lab.ana, lab.ben
    shared = ana.save_item(flagship()).key
    reviews = ana.create_collection("Reviews")
    nested = ana.create_collection("Radiation-induced", reviews)
    ana.add_to_collection(reviews, [shared])
    ana.add_to_collection(nested, [shared])
    lab.sync(ana)
    lab.sync(ben)
    assert_same(ben, ana)
    assert ben.get_item(shared).identifiers["hal"] == "inserm-03547029"
    assert ben.collection_path(nested) == ["Reviews", "Radiation-induced"]

    # Ana adds an item and retitles the shared one; Ben renames a tag and retitles it too.
    added = ana.save_item(Item(fields={"title": "Senolytic CAR T cells reverse senescence-associated pathologies",
                                       "date": "2020"})).key
    edited = ana.get_item(shared)
    edited.fields["title"] = "Therapy-induced senescence: opportunities (Ana)"
    ana.update_item(edited, tag=False)
    ben.rename_tag("one-two punch", "One-two punch")
    theirs = ben.get_item(shared)
    theirs.fields["title"] = "Therapy-induced senescence: opportunities (Ben)"
    ben.update_item(theirs, tag=False)

    for _ in range(2):
        lab.sync(ana)
        lab.sync(ben)
    conflicts = zotero_actions.conflicts(ben)
    assert [(c.key, c.field) for c in conflicts] == [(shared, "title")]
    assert {conflicts[0].local, conflicts[0].remote} == {"Therapy-induced senescence: opportunities (Ana)",
                                                       "Therapy-induced senescence: opportunities (Ben)"}
    assert ben.has_item(added) and ana.get_item(shared).title == ben.get_item(shared).title
    assert {t.tag for t in ana.get_item(shared).tags} >= {"One-two punch", "TIS/Radiation-induced"}
    assert_same(ben, ana)

    zotero_actions.resolve(ben, conflicts[0].id, "remote")
    for _ in range(2):
        lab.sync(ben)
        lab.sync(ana)
    assert zotero_actions.conflicts(ben) == []
    assert_same(ben, ana)
    assert ana.get_item(shared).title == "Therapy-induced senescence: opportunities (Ana)"


def test_the_flagship_round_trips_to_a_fresh_library_with_every_field(lab: Any, tmp_path: Path) -> None:
    key = lab.ana.save_item(flagship()).key
    lab.sync(lab.ana)
    lab.sync(lab.ben)
    mine, theirs = lab.ana.get_item(key), lab.ben.get_item(key)
    for name in ("item_type", "fields", "identifiers", "hal_version", "relations", "deleted", "date_added"):
        assert getattr(theirs, name) == getattr(mine, name), name
    assert [c.to_json() for c in theirs.creators] == [c.to_json() for c in mine.creators]
    assert sorted((t.tag, t.type) for t in theirs.tags) == sorted((t.tag, t.type) for t in mine.tags)
    assert [(n.key, n.html) for n in theirs.notes] == [(n.key, n.html) for n in mine.notes]
    assert theirs.extras["topicEvidence"] == mine.extras["topicEvidence"]


def test_deletions_travel_and_an_edit_against_a_deletion_is_a_conflict(lab: Any) -> None:
    ana, ben = lab.ana, lab.ben
    gone = ana.save_item(Item(fields={"title": "Going away"})).key
    kept = ana.save_item(Item(fields={"title": "Kept by an edit"})).key
    lab.sync(ana)
    lab.sync(ben)
    ben.trash([gone])
    ben.empty_trash()
    ana.trash([kept])
    ana.empty_trash()
    edited = ben.get_item(kept)
    edited.fields["date"] = "2024"
    ben.update_item(edited, tag=False)
    lab.sync(ben)  # uploads the deletion of "gone" and the edit of "kept"
    lab.sync(ana)  # its deletion of "kept" meets Ben's edit
    assert not ana.has_item(gone) or ana.get_item(gone).deleted
    assert ana.has_item(kept) and ana.get_item(kept).fields["date"] == "2024"
    assert [(c.key, c.field) for c in zotero_actions.conflicts(ana)] == [(kept, "deleted")]


def test_nothing_changed_means_one_request_and_one_change_a_few(lab: Any) -> None:
    ana = lab.ana
    for n in range(120):
        ana.save_item(Item(fields={"title": f"Batch record {n} on senescence"}))
    lab.sync(ana)
    server = lab.server
    writes = [r for r in server.requests if r.method == "POST" and r.path.endswith("/items")]
    assert len(writes) == 3  # 120 items in batches of at most 50
    before = len(server.requests)
    lab.sync(ana)
    assert len(server.requests) - before == 1  # a 304 on the first listing: nothing to do
    key = ana.keys(ItemQuery())[0]
    item = ana.get_item(key)
    item.fields["volume"] = "7"
    ana.update_item(item, tag=False)
    before = len(server.requests)
    lab.sync(ana)
    assert len(server.requests) - before <= 2  # one write, then a 304
    assert server.library(f"/groups/{GROUP}").items[key].data["volume"] == "7"


def test_a_pdf_added_in_one_library_arrives_in_the_other_and_both_copies_survive_a_double_change(lab: Any) -> None:
    from senref.demo import simple_pdf

    ana, ben = lab.ana, lab.ben
    key = ana.save_item(flagship()).key
    first = simple_pdf(["Therapy-Induced Senescence", "the open-access copy"])
    ana.store_file(key, first, filename="prasanna2021.pdf", content_type="application/pdf")
    for _ in range(2):
        lab.sync(ana)
        lab.sync(ben)
    [attachment] = ben.get_item(key).attachments
    path = ben.attachment_path(attachment)
    assert path is not None and path.read_bytes() == first
    assert lab.server.library(f"/groups/{GROUP}").files  # the file went through Zotero storage

    # Changed on both sides: neither copy is lost.
    ana_copy = simple_pdf(["Ana's annotated copy"])
    ben_copy = simple_pdf(["Ben's annotated copy"])
    ana.replace_file(key, attachment.key, ana_copy, filename="prasanna2021.pdf")
    ben.replace_file(key, attachment.key, ben_copy, filename="prasanna2021.pdf")
    for _ in range(2):
        lab.sync(ana)
        lab.sync(ben)
    contents = {ben.attachment_path(a).read_bytes() for a in ben.get_item(key).attachments}
    assert {ana_copy, ben_copy} <= contents
