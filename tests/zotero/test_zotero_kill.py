"""A Zotero sync killed (SIGKILL) at random moments and run again ends as an uninterrupted one would."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from senref.actions import zotero as zotero_actions
from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.query import ItemQuery
from senref.core.settings import load_settings
from tests.zotero.webapi_server import ZoteroServer

pytestmark = pytest.mark.slow

ITEMS = 500
KILLS = 20


def fill(library: Library, n: int) -> None:
    for i in range(n):
        item = Item(fields={"title": f"Senescence record {i}", "date": str(1990 + i % 35), "volume": str(i)})
        item.creators = [Creator("author", "Ana", f"Author{i}")]
        library.save_item(item, tag=False)


def test_killed_syncs_resume_to_the_same_state_with_no_duplicate(zotero_server: ZoteroServer, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENREF_ZOTERO_API_URL", zotero_server.url)
    zotero_server.add_key("KEYANA", user_id=1)
    zotero_server.add_group(100, owner=1)
    zotero_server.add_group(200, owner=1)
    zotero_server.latency = 0.005  # wider windows between a request and the state saved after it
    settings = load_settings()
    folder = tmp_path / "killed"
    with Library.open(folder, autotag=False) as library:
        fill(library, ITEMS)
        assert not zotero_actions.connect(library, settings, "KEYANA", group=100).problems
    rng = random.Random(20261201)
    env = {**os.environ, "SENREF_ZOTERO_API_URL": zotero_server.url}
    cut_mid_upload = 0
    for round_ in range(KILLS):
        if round_ % 4 == 3:  # now and then edits made between two killed runs, so there is more to send
            with Library.open(folder, autotag=False) as library:
                for key in rng.sample(library.keys(ItemQuery()), 30):
                    library.edit_items([key], lambda item, n=round_: item.fields.update(pages=f"{n}-{n + 9}") is None)
        writes_before = zotero_server.count("POST", "/items")
        # A random moment: right after a random number of writes reached the server, or a random delay.
        wanted = rng.randint(1, 10)
        child = subprocess.Popen([sys.executable, "-m", "senref", "--library", str(folder), "zotero", "sync"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while (child.poll() is None and time.monotonic() < deadline
               and zotero_server.count("POST", "/items") - writes_before < wanted):
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.02))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            on_server = len(zotero_server.library("/groups/100").items)
            cut_mid_upload += 0 < on_server < ITEMS or zotero_server.count("POST", "/items") > writes_before
        child.wait(30)
    # The kills cut uploads half-way (the test would prove nothing if every kill came before or after one).
    assert cut_mid_upload >= KILLS // 2, cut_mid_upload
    with Library.open(folder, autotag=False) as library:
        report = zotero_actions.sync(library, settings)
        assert not report.problems, report.problems
        local = {k: (library.get_item(k).title, library.get_item(k).fields.get("pages", ""))
                 for k in library.keys(ItemQuery())}
        assert zotero_actions.conflicts(library) == []
    server_items = zotero_server.library("/groups/100").items
    assert len(server_items) == ITEMS  # no duplicate, none missing
    assert {k: (o.data["title"], o.data.get("pages", "")) for k, o in server_items.items()} == local

    # The same library synced without interruption ends in the same place.
    with Library.open(tmp_path / "calm", autotag=False) as calm:
        fill(calm, ITEMS)
        assert not zotero_actions.connect(calm, settings, "KEYANA", group=200).problems
        assert not zotero_actions.sync(calm, settings).problems
        calm_titles = sorted(o.data["title"] for o in zotero_server.library("/groups/200").items.values())
    assert sorted(title for title, _pages in local.values()) == calm_titles
    assert zotero_server.library("/groups/100").version > 0
