"""The Web API double behaves as docs/zotero-api.md says Zotero does, checked with plain `requests`."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest
import requests

from tests.zotero.webapi_server import ZoteroServer

KEY = "TESTKEY1"
GROUP = 100


@pytest.fixture
def server(zotero_server: ZoteroServer) -> ZoteroServer:
    zotero_server.add_key(KEY, user_id=1, username="alice")
    zotero_server.add_user(2, "bob")
    zotero_server.add_group(GROUP, owner=1, members=[2], name="lab")
    return zotero_server


class Client:
    """Just enough of a client: the library prefix, the key header, JSON in and out."""

    def __init__(self, server: ZoteroServer, prefix: str = f"/groups/{GROUP}", key: str = KEY) -> None:
        self.base = server.url + prefix
        self.session = requests.Session()
        self.session.headers.update({"Zotero-API-Key": key, "Zotero-API-Version": "3"})

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base + path, **kwargs)

    def post(self, path: str, body: Any, version: int | None = None, headers: dict[str, str] | None = None,
             ) -> requests.Response:
        headers = dict(headers or {})
        if version is not None:
            headers["If-Unmodified-Since-Version"] = str(version)
        return self.session.post(self.base + path, json=body, headers=headers)

    def send(self, method: str, path: str, version: int | None = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if version is not None:
            headers["If-Unmodified-Since-Version"] = str(version)
        return self.session.request(method, self.base + path, headers=headers, **kwargs)


def book(title: str, **extra: Any) -> dict[str, Any]:
    return {"itemType": "book", "title": title, "creators": [{"creatorType": "author", "firstName": "Ada",
                                                              "lastName": "Lovelace"}], **extra}


@pytest.fixture
def client(server: ZoteroServer) -> Client:
    return Client(server)


def create(client: Client, *objects: dict[str, Any], kind: str = "items") -> list[str]:
    response = client.post(f"/{kind}", list(objects))
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body["failed"], body["failed"]
    return [body["success"][str(i)] for i in range(len(objects))]


# keys, groups, permissions
def test_key_current_has_the_recorded_shape_and_bearer_works(server: ZoteroServer) -> None:
    response = requests.get(f"{server.url}/keys/current", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 200
    body = response.json()
    assert body["userID"] == 1 and body["username"] == "alice"
    assert body["access"]["user"] == {"library": True, "files": True, "notes": True, "write": True}
    assert body["access"]["groups"]["all"] == {"library": True, "write": True}
    assert requests.get(f"{server.url}/keys/current", headers={"Zotero-API-Key": "WRONG"}).status_code == 403


def test_rights_are_enforced(server: ZoteroServer) -> None:
    server.add_key("READONLY", user_id=2, access={"user": {"library": True}, "groups": {"all": {"library": True}}})
    reader = Client(server, key="READONLY")
    assert reader.get("/items").status_code == 200
    assert reader.post("/items", [book("x")]).status_code == 403
    assert Client(server, prefix="/users/1", key="READONLY").get("/items").status_code == 403
    server.add_group(200, owner=2)
    assert Client(server, prefix="/groups/200").get("/items").status_code == 403  # alice is not a member
    assert requests.get(f"{server.url}/groups/{GROUP}/items").status_code == 403  # no key


def test_group_versions_and_metadata(server: ZoteroServer, client: Client) -> None:
    listing = client.session.get(f"{server.url}/users/1/groups", params={"format": "versions"})
    assert listing.json() == {str(GROUP): 1}
    server.group(GROUP).update(name="renamed lab")
    assert client.session.get(f"{server.url}/users/1/groups", params={"format": "versions"}).json() == {str(GROUP): 2}
    group = client.session.get(f"{server.url}/groups/{GROUP}").json()
    assert group["data"]["name"] == "renamed lab" and group["data"]["owner"] == 1 and 2 in group["data"]["members"]


# versions and reads
def test_each_write_is_one_library_version_and_since_filters(server: ZoteroServer, client: Client) -> None:
    first = create(client, book("one"), book("two"))
    assert server.library(f"/groups/{GROUP}").version == 1
    second = create(client, book("three"))
    versions = client.get("/items", params={"format": "versions"})
    assert versions.headers["Last-Modified-Version"] == "2"
    assert versions.json() == {first[0]: 1, first[1]: 1, second[0]: 2}
    assert client.get("/items", params={"since": 1, "format": "keys"}).text.split() == second
    single = client.get(f"/items/{first[0]}")
    assert single.headers["Last-Modified-Version"] == "1"
    envelope = single.json()
    assert set(envelope) == {"key", "version", "library", "links", "meta", "data"}
    assert envelope["library"]["type"] == "group" and envelope["meta"]["creatorSummary"] == "Lovelace"
    assert envelope["data"]["publisher"] == "" and envelope["data"]["dateAdded"].endswith("Z")


def test_if_modified_since_version_gives_304(client: Client) -> None:
    (key,) = create(client, book("one"))
    unchanged = client.get("/items", headers={"If-Modified-Since-Version": "1"})
    assert unchanged.status_code == 304 and unchanged.headers["Last-Modified-Version"] == "1"
    assert client.get("/collections", params={"format": "versions"}, headers={"If-Modified-Since-Version": "0"}).status_code == 200
    create(client, book("two"))
    assert client.get(f"/items/{key}", headers={"If-Modified-Since-Version": "1"}).status_code == 304
    assert client.get("/items", headers={"If-Modified-Since-Version": "1"}).status_code == 200


def test_paging_with_total_results_and_link(client: Client) -> None:
    for start in range(0, 110, 50):
        create(client, *[book(f"b{i}") for i in range(start, min(start + 50, 110))])
    page = client.get("/items/top", params={"limit": 25})
    assert page.headers["Total-Results"] == "110" and len(page.json()) == 25
    assert 'rel="next"' in page.headers["Link"] and 'rel="last"' in page.headers["Link"]
    seen: list[str] = []
    url: str | None = client.base + "/items/top?limit=25"
    while url:
        response = client.session.get(url)
        seen += [o["key"] for o in response.json()]
        url = response.links.get("next", {}).get("url")
    assert len(seen) == 110 == len(set(seen))
    assert len(client.get("/items", params={"limit": 500}).json()) == 100
    assert len(client.get("/items", params={"format": "keys"}).text.split()) == 110  # keys are never paged
    assert "Link" not in client.get("/items", params={"itemKey": ",".join(seen[:30]), "limit": 30}).headers


def test_item_keys_selection_is_capped_at_100(client: Client) -> None:
    keys = create(client, book("a"), book("b"), book("c"))
    picked = client.get("/items", params={"itemKey": ",".join(keys[:2])}).json()
    assert sorted(o["key"] for o in picked) == sorted(keys[:2])
    assert client.get("/items", params={"itemKey": ",".join(["ABCDEFGH"] * 101)}).status_code == 400


def test_children_top_and_trash(client: Client) -> None:
    (parent,) = create(client, book("parent"))
    (note,) = create(client, {"itemType": "note", "note": "<p>n</p>", "parentItem": parent})
    (trashed,) = create(client, book("gone", deleted=1))
    assert [o["key"] for o in client.get(f"/items/{parent}/children").json()] == [note]
    assert [o["key"] for o in client.get("/items/top").json()] == [parent]
    assert client.get(f"/items/{parent}").json()["meta"]["numChildren"] == 1
    assert trashed not in client.get("/items", params={"format": "keys"}).text
    assert trashed in client.get("/items", params={"format": "keys", "includeTrashed": 1}).text
    assert [o["key"] for o in client.get("/items/trash").json()] == [trashed]


# writes
def test_stale_library_version_gives_412(client: Client) -> None:
    create(client, book("one"))
    stale = client.post("/items", [book("two")], version=0)
    assert stale.status_code == 412 and "expected 0, found 1" in stale.text
    assert client.post("/items", [book("two")], version=1).status_code == 200


def test_object_versions_are_checked_one_by_one(client: Client) -> None:
    keys = create(client, book("one"), book("two"))
    create(client, {"key": keys[1], "version": 1, "title": "two, edited"})
    response = client.post("/items", [{"key": keys[0], "version": 1, "title": "one, edited"},
                                      {"key": keys[1], "version": 1, "title": "two, again"}])
    body = response.json()
    assert body["success"] == {"0": keys[0]}
    assert body["failed"]["1"]["code"] == 412 and "Item has been modified" in body["failed"]["1"]["message"]


def test_existing_object_without_any_version_gives_428(client: Client) -> None:
    (key,) = create(client, book("one"))
    failed = client.post("/items", [{"key": key, "title": "x"}]).json()["failed"]
    assert failed["0"]["code"] == 428
    assert client.send("PATCH", f"/items/{key}", json={"title": "x"}).status_code == 428
    assert client.send("DELETE", "/items", params={"itemKey": key}).status_code == 428


def test_new_objects_with_client_keys_need_version_0(client: Client) -> None:
    assert client.post("/items", [{"key": "AAAA2222", **book("x")}]).json()["failed"]["0"]["code"] == 428
    assert client.post("/items", [{"key": "AAAA2222", "version": 3, **book("x")}]).json()["failed"]["0"]["code"] == 404
    body = client.post("/items", [{"key": "AAAA2222", "version": 0, **book("x")},
                                  {"key": "BBBB3333", "version": 0, "itemType": "note", "note": "n",
                                   "parentItem": "AAAA2222"}]).json()
    assert body["success"] == {"0": "AAAA2222", "1": "BBBB3333"}


def test_write_token_makes_a_create_idempotent(server: ZoteroServer, client: Client) -> None:
    token = "a" * 32
    assert client.post("/items", [book("once")], headers={"Zotero-Write-Token": token}).status_code == 200
    again = client.post("/items", [book("once")], headers={"Zotero-Write-Token": token})
    assert again.status_code == 412 and "Write token already used" in again.text
    assert len(server.library(f"/groups/{GROUP}").items) == 1


def test_batches_over_50_give_413(client: Client) -> None:
    assert client.post("/items", [book(str(i)) for i in range(51)]).status_code == 413
    assert client.post("/collections", [{"name": str(i)} for i in range(51)]).status_code == 413
    assert len(client.post("/items", [book(str(i)) for i in range(50)]).json()["success"]) == 50


def test_unchanged_and_invalid_objects(client: Client) -> None:
    (key,) = create(client, book("same"))
    body = client.post("/items", [{"key": key, "version": 1, "title": "same"},
                                  book("bad", color="red"),
                                  {"itemType": "book", "creators": [{"creatorType": "composer", "name": "X"}]},
                                  book("no such collection", collections=["ZZZZZZZZ"])]).json()
    assert body["unchanged"] == {"0": key}
    assert body["failed"]["1"]["code"] == 400 and "'color'" in body["failed"]["1"]["message"]
    assert body["failed"]["2"]["code"] == 400
    assert body["failed"]["3"]["code"] == 409
    assert client.get("/items").headers["Last-Modified-Version"] == "1"


def test_put_patch_and_dates(server: ZoteroServer, client: Client) -> None:
    (key,) = create(client, book("original", publisher="P"))
    stored = server.library(f"/groups/{GROUP}").items[key].data
    added = stored["dateAdded"]
    assert client.send("PATCH", f"/items/{key}", version=1, json={"title": "patched"}).status_code == 204
    after_patch = client.get(f"/items/{key}").json()["data"]
    assert after_patch["title"] == "patched" and after_patch["publisher"] == "P" and after_patch["version"] == 2
    assert client.send("PATCH", f"/items/{key}", version=1, json={"title": "late"}).status_code == 412
    replaced = client.send("PUT", f"/items/{key}", json={"itemType": "book", "title": "put", "version": 2,
                                                         "dateModified": "2030-01-01T00:00:00Z"})
    assert replaced.status_code == 204 and replaced.headers["Last-Modified-Version"] == "3"
    data = client.get(f"/items/{key}").json()["data"]
    assert data["publisher"] == "" and data["dateAdded"] == added and data["dateModified"] == "2030-01-01T00:00:00Z"
    moved = client.send("PATCH", f"/items/{key}", version=3, json={"dateAdded": "1999-01-01T00:00:00Z"})
    assert moved.status_code == 400


def test_deletions_are_logged_for_deleted_since(client: Client) -> None:
    (parent, other) = create(client, book("parent", tags=[{"tag": "old"}]), book("other"))
    (child,) = create(client, {"itemType": "note", "note": "n", "parentItem": parent})
    (collection,) = create(client, {"name": "c"}, kind="collections")
    assert client.get("/deleted").status_code == 400
    assert client.send("DELETE", "/items", version=3, params={"itemKey": parent}).status_code == 204
    assert client.send("DELETE", "/collections", version=4, params={"collectionKey": collection}).status_code == 204
    assert client.send("DELETE", "/tags", version=5, params={"tag": "old"}).status_code == 204
    deleted = client.get("/deleted", params={"since": 3})
    assert deleted.headers["Last-Modified-Version"] == "6"
    body = deleted.json()
    assert sorted(body["items"]) == sorted([parent, child]) and body["collections"] == [collection]
    assert body["tags"] == ["old"] and body["searches"] == [] and body["settings"] == []
    assert client.get("/deleted", params={"since": 6}).json()["items"] == []
    assert client.get("/items", params={"format": "keys"}).text.split() == [other]
    assert client.send("DELETE", "/items", version=3, params={"itemKey": other}).status_code == 412
    assert client.send("DELETE", "/items", version=6, params={"itemKey": ",".join(["ABCDEFGH"] * 51)}).status_code == 413


def test_collections_nest_and_membership_lives_on_items(client: Client) -> None:
    (top,) = create(client, {"name": "top"}, kind="collections")
    (sub,) = create(client, {"name": "sub", "parentCollection": top}, kind="collections")
    (item,) = create(client, book("member", collections=[sub]))
    assert [c["key"] for c in client.get("/collections/top").json()] == [top]
    assert [c["key"] for c in client.get(f"/collections/{top}/collections").json()] == [sub]
    assert [i["key"] for i in client.get(f"/collections/{sub}/items").json()] == [item]
    assert client.get(f"/collections/{top}").json()["meta"] == {"numCollections": 1, "numItems": 0}
    cycle = client.post("/collections", [{"key": top, "version": 1, "name": "top", "parentCollection": sub}])
    assert cycle.json()["failed"]["0"]["code"] == 400


# rate limits and trouble
def test_fail_next_answers_429_with_retry_after(server: ZoteroServer, client: Client) -> None:
    server.fail_next(429, retry_after=7, count=2)
    first, second, third = (client.get("/items") for _ in range(3))
    assert (first.status_code, first.headers["Retry-After"]) == (429, "7")
    assert second.status_code == 429 and third.status_code == 200
    server.fail_next(503)
    outage = client.get("/items")
    assert outage.status_code == 503 and "Retry-After" not in outage.headers
    assert server.count("GET", "/items") == 4


def test_backoff_header_on_every_response(server: ZoteroServer, client: Client) -> None:
    assert "Backoff" not in client.get("/items").headers
    server.backoff = 30
    assert client.get("/items").headers["Backoff"] == "30"
    assert client.post("/items", [book("x")]).headers["Backoff"] == "30"


def test_concurrency_is_measured_and_limited(server: ZoteroServer) -> None:
    server.latency = 0.2
    server.concurrency_limit = 3
    statuses: list[int] = []

    def fetch() -> None:
        statuses.append(Client(server).get("/items").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.max_in_flight == 5
    assert sorted(statuses) == [200, 200, 200, 429, 429]
    logged = [r for r in server.requests if r.path.endswith("/items")]
    assert len(logged) == 5 and logged[0].headers["Zotero-Api-Key"] == KEY


# files
def attachment(client: Client) -> str:
    (parent,) = create(client, book("with pdf"))
    (key,) = create(client, {"itemType": "attachment", "parentItem": parent, "linkMode": "imported_file",
                             "title": "paper.pdf", "contentType": "application/pdf", "filename": "paper.pdf"})
    return key


def authorize(client: Client, key: str, content: bytes, **headers: str) -> requests.Response:
    form = {"md5": hashlib.md5(content).hexdigest(), "filename": "paper.pdf", "filesize": str(len(content)),
            "mtime": "1700000000000"}
    return client.send("POST", f"/items/{key}/file", data=form, headers=headers)


def test_file_upload_register_and_download(server: ZoteroServer, client: Client) -> None:
    key = attachment(client)
    content = b"%PDF-1.4 senref test file\n"
    assert authorize(client, key, content).status_code == 428
    grant = authorize(client, key, content, **{"If-None-Match": "*"}).json()
    assert set(grant) == {"url", "contentType", "prefix", "suffix", "uploadKey"}
    body = grant["prefix"].encode() + content + grant["suffix"].encode()
    assert requests.post(grant["url"], data=body, headers={"Zotero-API-Key": KEY}).status_code == 400
    bad = grant["prefix"].encode() + b"other bytes" + grant["suffix"].encode()
    assert requests.post(grant["url"], data=bad, headers={"Content-Type": grant["contentType"]}).status_code == 400
    assert requests.post(grant["url"], data=body, headers={"Content-Type": grant["contentType"]}).status_code == 201
    version = server.library(f"/groups/{GROUP}").version
    registered = client.send("POST", f"/items/{key}/file", data={"upload": grant["uploadKey"]},
                             headers={"If-None-Match": "*"})
    assert registered.status_code == 204 and registered.headers["Last-Modified-Version"] == str(version + 1)
    data = client.get(f"/items/{key}").json()["data"]
    assert data["md5"] == hashlib.md5(content).hexdigest() and data["mtime"] == 1700000000000
    redirect = client.get(f"/items/{key}/file", allow_redirects=False)
    assert redirect.status_code == 302
    download = requests.get(redirect.headers["Location"])
    assert download.content == content and download.headers["ETag"] == f'"{data["md5"]}"'
    assert authorize(client, key, content, **{"If-None-Match": "*"}).status_code == 412
    assert authorize(client, key, b"new", **{"If-Match": "0" * 32}).status_code == 412


def test_known_file_answers_exists(client: Client) -> None:
    content = b"same bytes in two attachments"
    first, second = attachment(client), attachment(client)
    grant = authorize(client, first, content, **{"If-None-Match": "*"}).json()
    requests.post(grant["url"], data=grant["prefix"].encode() + content + grant["suffix"].encode())
    client.send("POST", f"/items/{first}/file", data={"upload": grant["uploadKey"]}, headers={"If-None-Match": "*"})
    assert authorize(client, second, content, **{"If-None-Match": "*"}).json() == {"exists": 1}
    assert client.get(f"/items/{second}").json()["data"]["md5"] == hashlib.md5(content).hexdigest()
    assert client.get(f"/items/{second}/file", allow_redirects=True).content == content


def test_direct_access_seeds_and_inspects_a_library(server: ZoteroServer, client: Client) -> None:
    lib = server.library(f"groups/{GROUP}")
    seeded = lib.add("items", book("seeded"))
    search = lib.add("searches", {"name": "recent", "conditions": [{"condition": "dateAdded", "operator": "isInTheLast",
                                                                     "value": "7 days"}]})
    assert (seeded.version, search.version, lib.version) == (1, 2, 2)
    assert client.get("/items", params={"format": "versions"}).json() == {seeded.key: 1}
    assert client.get("/searches", params={"since": 1, "format": "keys"}).text.split() == [search.key]
    assert client.get(f"/searches/{search.key}").json()["data"]["name"] == "recent"
    assert lib.items[seeded.key].data["title"] == "seeded"
