"""The Zotero Web API v3, as the sync uses it: versions, objects by key, batched writes, deletions.

One session per library with `Zotero-API-Version: 3` and the key in `Zotero-API-Key`. Requests go one
at a time (the documented ceiling is four in flight). `Backoff` on any response holds every next
request for that long; `429`/`503` with `Retry-After` are waited out and retried a few times.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

#: The server's limit per write and the documented safe number of keys per read.
BATCH = 50
RETRIES = 5
#: The longest wait the client accepts from a server before it gives up (a sync is resumable).
LONGEST_WAIT = 120.0


class ZoteroError(Exception):
    """A request the server refused; `status` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class Stale(ZoteroError):
    """412: the library changed on the server since the version we sent (pull, then retry)."""


@dataclass
class WriteResult:
    """A write's answer: the saved objects (by index into what was sent), the unchanged and the failed."""

    version: int
    successful: dict[int, dict[str, Any]] = field(default_factory=dict)
    unchanged: dict[int, str] = field(default_factory=dict)
    failed: dict[int, dict[str, Any]] = field(default_factory=dict)


class WebApiClient:
    """Requests to one library (`users/<id>` or `groups/<id>`) on one server."""

    def __init__(self, base_url: str, key: str, prefix: str, *, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep, timeout: float = 30.0) -> None:
        self.base = base_url.rstrip("/")
        self.prefix = prefix.strip("/")
        self.session = session or requests.Session()
        self.session.headers.update({"Zotero-API-Version": "3", "Zotero-API-Key": key})
        self.sleep = sleep
        self.timeout = timeout
        self._hold_until = 0.0
        #: requests sent (the tests count them)
        self.sent = 0

    # -- the one way out -----------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, body: Any = None, form: dict[str, str] | None = None,
                in_library: bool = True) -> requests.Response:
        url = f"{self.base}/{self.prefix}/{path}" if in_library else f"{self.base}/{path}"
        data: Any = json.dumps(body) if body is not None else form
        send_headers = dict(headers or {})
        if body is not None:
            send_headers.setdefault("Content-Type", "application/json")
        for attempt in range(RETRIES + 1):
            wait = self._hold_until - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            try:
                self.sent += 1
                response = self.session.request(method, url, params=params, data=data, headers=send_headers,
                                                timeout=self.timeout, allow_redirects=False)
            except requests.RequestException as exc:
                if attempt == RETRIES:
                    raise ZoteroError(f"the Zotero server did not answer: {exc}") from exc
                self.sleep(min(2 ** attempt, LONGEST_WAIT))
                continue
            backoff = _seconds(response.headers.get("Backoff"))
            if backoff:
                self._hold_until = max(self._hold_until, time.monotonic() + min(backoff, LONGEST_WAIT))
            if response.status_code in (429, 503) and attempt < RETRIES:
                retry = _seconds(response.headers.get("Retry-After"))
                self.sleep(min(retry if retry is not None else 2 ** attempt, LONGEST_WAIT))
                continue
            return response
        raise ZoteroError("the Zotero server kept asking to wait", 429)  # pragma: no cover - loop returns

    def _checked(self, response: requests.Response, what: str) -> requests.Response:
        status = response.status_code
        if status == 412 and "server-id" in response.text.lower():
            raise ZoteroError(f"{what}: another Zotero answers on this port than the one senref synced with "
                              f"(its versions do not apply here); connect again", 412)
        if status == 412:
            raise Stale(f"{what}: the library changed on the server", 412)
        if status == 403:
            raise ZoteroError(f"{what}: the key may not do this (403 {_text(response)})", 403)
        if status >= 400:
            raise ZoteroError(f"{what}: {status} {_text(response)}", status)
        return response

    # -- reads ---------------------------------------------------------------------------------
    def key_info(self) -> dict[str, Any]:
        """`/keys/current`: whose key, and what it may do."""
        response = self._checked(self.request("GET", "keys/current", in_library=False), "checking the key")
        info: dict[str, Any] = response.json()
        return info

    def versions(self, kind: str, since: int) -> tuple[dict[str, int], int, bool]:
        """(key -> version of every *kind* object changed since *since*, library version, nothing changed)."""
        params: dict[str, Any] = {"since": since, "format": "versions"}
        if kind == "items":
            params["includeTrashed"] = 1
        response = self.request("GET", kind, params=params, headers={"If-Modified-Since-Version": str(since)})
        if response.status_code == 304:
            return {}, since, True
        self._checked(response, f"listing changed {kind}")
        return parse_versions(response.json()), library_version(response), False

    def objects(self, kind: str, keys: Iterable[str]) -> Iterator[tuple[list[dict[str, Any]], int]]:
        """The *kind* objects with these keys, BATCH at a time: (their JSON, library version) per batch."""
        name = {"items": "itemKey", "collections": "collectionKey", "searches": "searchKey"}[kind]
        keys = list(keys)
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            params: dict[str, Any] = {name: ",".join(chunk), "limit": BATCH}
            if kind == "items":
                params["includeTrashed"] = 1
            response = self._checked(self.request("GET", kind, params=params), f"reading {kind}")
            yield response.json(), library_version(response)

    def deleted(self, since: int) -> tuple[dict[str, list[str]], int]:
        response = self._checked(self.request("GET", "deleted", params={"since": since}), "listing deletions")
        return response.json(), library_version(response)

    # -- writes --------------------------------------------------------------------------------
    def write(self, kind: str, objects: list[dict[str, Any]], version: int, *, new_only: bool = False) -> WriteResult:
        """POST up to BATCH objects with If-Unmodified-Since-Version; a write token makes a batch of creates idempotent."""
        if len(objects) > BATCH:
            raise ValueError(f"at most {BATCH} objects per write")
        headers = {"If-Unmodified-Since-Version": str(version)}
        if new_only:
            headers["Zotero-Write-Token"] = secrets.token_hex(16)
        response = self._checked(self.request("POST", kind, headers=headers, body=objects), f"saving {kind}")
        return parse_write(response.json(), library_version(response))

    def delete(self, kind: str, keys: list[str], version: int) -> int:
        """DELETE up to BATCH objects; returns the new library version."""
        name = {"items": "itemKey", "collections": "collectionKey", "searches": "searchKey"}[kind]
        response = self._checked(self.request("DELETE", kind, params={name: ",".join(keys)},
                                              headers={"If-Unmodified-Since-Version": str(version)}),
                                 f"deleting {kind}")
        return library_version(response)


def parse_write(body: Any, version: int) -> WriteResult:
    """A write's 200 body: `successful` (saved objects), `unchanged` (keys) and `failed` (key, code, message),
    each keyed by the index of the object in the request."""
    if not isinstance(body, dict):
        raise ZoteroError("the server's answer to a write is not a JSON object")

    def table(name: str) -> dict[int, Any]:
        part = body.get(name) or {}
        if not isinstance(part, dict):
            return {}
        return {int(i): value for i, value in part.items() if str(i).isdigit()}
    return WriteResult(version=version, successful=table("successful"),
                       unchanged={i: str(k) for i, k in table("unchanged").items()},
                       failed={i: f if isinstance(f, dict) else {"message": str(f)} for i, f in table("failed").items()})


def parse_versions(body: Any) -> dict[str, int]:
    """A `format=versions` answer: {key: version}."""
    if not isinstance(body, dict):
        raise ZoteroError("the server's version list is not a JSON object")
    return {str(k): int(v) for k, v in body.items() if isinstance(v, int) and not isinstance(v, bool)}


class FileChanged(ZoteroError):
    """412 on a file: the server's copy is not the one we last saw."""


def upload_file(client: WebApiClient, key: str, data: bytes, *, filename: str, mtime_ms: int,
                known_md5: str | None) -> str:
    """Zotero storage's three steps (authorize, upload, register); returns the md5 the server now holds."""
    md5 = hashlib.md5(data).hexdigest()  # the protocol's checksum, not a security measure
    condition = {"If-Match": known_md5} if known_md5 else {"If-None-Match": "*"}
    form = {"md5": md5, "filename": filename, "filesize": str(len(data)), "mtime": str(mtime_ms)}
    response = client.request("POST", f"items/{key}/file", headers={
        **condition, "Content-Type": "application/x-www-form-urlencoded"}, body=None, form=form)
    if response.status_code == 412:
        raise FileChanged(f"the file of {key} changed on the server", 412)
    answer = client._checked(response, f"authorizing the upload of {filename}").json()
    if answer.get("exists"):
        return md5
    body = answer["prefix"].encode("latin-1") + data + answer["suffix"].encode("latin-1")
    # The storage service is not the API: none of the API's headers (the key least of all) go there.
    stored = requests.post(answer["url"], data=body, headers={"Content-Type": answer["contentType"]},
                           timeout=client.timeout)
    if stored.status_code not in (200, 201, 204):
        raise ZoteroError(f"the file store refused {filename}: {stored.status_code}", stored.status_code)
    registered = client.request("POST", f"items/{key}/file", headers={
        **condition, "Content-Type": "application/x-www-form-urlencoded"}, form={"upload": answer["uploadKey"]})
    client._checked(registered, f"registering the upload of {filename}")
    return md5


def download_file(client: WebApiClient, key: str, *, limit: int) -> bytes:
    """The attachment's file: the API redirects to a short-lived URL (followed without the API's headers)."""
    response = client._checked(client.request("GET", f"items/{key}/file"), f"reading the file of {key}")
    if response.status_code in (301, 302, 303, 307, 308):
        response = requests.get(response.headers["Location"], timeout=client.timeout, stream=True)
        if response.status_code != 200:
            raise ZoteroError(f"the file of {key} could not be read: {response.status_code}", response.status_code)
    chunks, size = [], 0
    for chunk in response.iter_content(1 << 16):
        size += len(chunk)
        if size > limit:
            raise ZoteroError(f"the file of {key} is larger than {limit // (1 << 20)} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def library_version(response: requests.Response) -> int:
    try:
        return int(response.headers.get("Last-Modified-Version", "0"))
    except ValueError:
        return 0


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _text(response: requests.Response) -> str:
    return " ".join(response.text.split())[:200]
