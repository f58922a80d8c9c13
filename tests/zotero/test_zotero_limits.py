"""The sync keeps within the server's limits: batches of 50, Backoff and Retry-After waited out, O(1) work per change."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.actions import zotero as zotero_actions
from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import load_settings
from senref.zotero.account import load_account, read_key
from senref.zotero.client import WebApiClient
from senref.zotero.state import load_state, save_state
from senref.zotero.sync import ZoteroSync
from tests.zotero.webapi_server import ZoteroServer


def connected(server: ZoteroServer, folder: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> Library:
    monkeypatch.setenv("SENREF_ZOTERO_API_URL", server.url)
    server.add_key("KEYANA", user_id=1)
    server.add_group(100, owner=1)
    library = Library.open(folder, autotag=False)
    for i in range(n):
        library.put_item(Item(fields={"title": f"Record {i} on therapy-induced senescence", "date": "2021"}))
    assert not zotero_actions.connect(library, load_settings(), "KEYANA", group=100).problems
    return library


def run_sync(library: Library, waits: list[float]) -> ZoteroSync:
    account = load_account(library.folder)
    assert account is not None
    client = WebApiClient(account.base_url, read_key(account.key_name) or "", account.prefix, sleep=waits.append)
    state = load_state(library.folder)
    assert state is not None
    sync = ZoteroSync(library, client, state, save=lambda s: save_state(library.folder, s))
    sync.run()
    return sync


def test_500_items_go_in_batches_of_50_and_the_server_s_waits_are_kept(zotero_server: ZoteroServer, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    library = connected(zotero_server, tmp_path / "lib", monkeypatch, 500)
    zotero_server.backoff = 3
    zotero_server.fail_next(429, retry_after=2, count=2)
    waits: list[float] = []
    sync = run_sync(library, waits)
    assert not sync.report.problems
    writes = [r for r in zotero_server.requests if r.method == "POST" and r.path.endswith("/items")]
    # 500 items in 10 writes of 50 (the server answers 413 above 50), the first sent twice more after 429s.
    assert len(writes) == 10 + 2 and all("If-Unmodified-Since-Version" in r.headers for r in writes)
    assert len(zotero_server.library("/groups/100").items) == 500
    assert waits.count(2) == 2  # each 429 waited for its Retry-After
    assert sum(1 for w in waits if w > 2.5) >= 10  # every request after a Backoff: 3 waited for it
    assert zotero_server.max_in_flight <= 4
    library.close()


@pytest.mark.slow
def test_one_change_in_10000_items_costs_a_few_requests_not_thousands(zotero_server: ZoteroServer, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    library = connected(zotero_server, tmp_path / "big", monkeypatch, 10_000)
    run_sync(library, [])
    assert len(zotero_server.library("/groups/100").items) == 10_000
    key = library.keys(ItemQuery())[1234]
    item = library.get_item(key)
    item.fields["volume"] = "113"
    library.update_item(item, tag=False)
    before = len(zotero_server.requests)
    sync = run_sync(library, [])
    made = zotero_server.requests[before:]
    assert sync.report.uploaded == 1
    assert len(made) <= 3, [(r.method, r.path) for r in made]  # one write, then nothing changed (304)
    assert zotero_server.library("/groups/100").items[key].data["volume"] == "113"
    # The other member's side: one change on the server reads one object, not 10,000.
    other = zotero_server.library("/groups/100").items[library.keys(ItemQuery())[7]]
    assert other is not None
    library.close()
