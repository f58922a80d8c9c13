"""Two-way sync with a running Zotero 10 through its local write API (versions of its own, kept apart)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from senref.actions import zotero_desktop
from senref.core.library import Library
from senref.core.model import Item, Tag
from senref.core.query import ItemQuery
from senref.core.settings import load_settings
from senref.zotero.state import DESKTOP_STATE_FILE, STATE_FILE, load_state
from tests.zotero.local_write_server import LocalWriteServer
from tests.zotero.test_zotero_sync import flagship
from tests.zotero.webapi_server import ZoteroServer


@pytest.fixture
def desktop(zotero_server: ZoteroServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalWriteServer]:
    server = LocalWriteServer(zotero_server).start()
    monkeypatch.setenv("SENREF_ZOTERO_LOCAL_URL", server.url)
    yield server
    server.stop()


def test_sync_both_ways_with_the_desktop_and_keep_its_versions_apart(desktop: LocalWriteServer,
                                                                     tmp_path: Path) -> None:
    settings = load_settings()
    with Library.open(tmp_path / "lib", autotag=False) as library:
        report = zotero_desktop.connect_desktop_sync(library, settings)
        assert not report.problems and "srv-a1b2c3" in report.summary()
        item = Item(fields={"title": "Senolytics after radiotherapy", "date": "2022"})
        item.tags = [Tag("senolytics")]
        key = library.save_item(item).key
        assert not zotero_desktop.sync_desktop(library, settings).problems
        held = desktop.backend.library("/users/1").items
        assert held[key].data["title"] == "Senolytics after radiotherapy"
        # An edit made in Zotero comes back.
        obj = held[key]
        answer = requests.patch(f"{desktop.url}/api/users/0/items/{key}", json={"volume": "12"},
                                headers={"Zotero-API-Key": "LOCALKEY0000", "Zotero-Server-ID": "srv-a1b2c3",
                                         "If-Unmodified-Since-Version": str(obj.version)}, timeout=10)
        assert answer.status_code == 204, answer.text
        assert not zotero_desktop.sync_desktop(library, settings).problems
        assert library.get_item(key).fields["volume"] == "12"
        # Its own state file, never the Web API's.
        assert load_state(library.folder, DESKTOP_STATE_FILE) is not None
        assert load_state(library.folder, STATE_FILE) is None
        assert library.count(ItemQuery()) == 1


def test_a_refusal_and_another_installation_are_said_plainly(desktop: LocalWriteServer, tmp_path: Path) -> None:
    settings = load_settings()
    with Library.open(tmp_path / "lib", autotag=False) as library:
        desktop.allow = False
        assert "did not allow" in zotero_desktop.connect_desktop_sync(library, settings).problems[0]
        desktop.allow = True
        assert not zotero_desktop.connect_desktop_sync(library, settings).problems
        library.save_item(Item(fields={"title": "One"}))
        desktop.server_id = "srv-reinstalled"
        problems = zotero_desktop.sync_desktop(library, settings).problems
        assert problems and "another Zotero" in problems[0]


def test_not_connected_says_how(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", autotag=False) as library:
        assert "zotero-desktop connect" in zotero_desktop.sync_desktop(library, load_settings()).problems[0]


def test_the_flagship_round_trips_through_the_desktop_to_a_fresh_library(desktop: LocalWriteServer,
                                                                        tmp_path: Path) -> None:
    from senref.demo import simple_pdf

    settings = load_settings()
    with Library.open(tmp_path / "a", autotag=False) as first, Library.open(tmp_path / "b", autotag=False) as fresh:
        key = first.save_item(flagship()).key
        first.store_file(key, simple_pdf(["Therapy-Induced Senescence"]), filename="tis.pdf",
                         content_type="application/pdf")
        for library in (first, fresh, first, fresh):
            assert not zotero_desktop.connect_desktop_sync(library, settings).problems
            assert not zotero_desktop.sync_desktop(library, settings).problems
        mine, theirs = first.get_item(key), fresh.get_item(key)
        for name in ("item_type", "fields", "identifiers", "relations", "deleted", "date_added"):
            assert getattr(theirs, name) == getattr(mine, name), name
        assert [c.to_json() for c in theirs.creators] == [c.to_json() for c in mine.creators]
        assert sorted((t.tag, t.type) for t in theirs.tags) == sorted((t.tag, t.type) for t in mine.tags)
        assert [(n.key, n.html) for n in theirs.notes] == [(n.key, n.html) for n in mine.notes]
        assert theirs.extras["topicEvidence"] == mine.extras["topicEvidence"]
        [pdf] = theirs.attachments
        assert fresh.attachment_path(pdf).read_bytes() == first.attachment_path(mine.attachments[0]).read_bytes()
