"""A Zotero desktop running on this machine (port 23119): detect it, read its library, save items into it.

Three doors of one HTTP server, each with its own rules:

* `/connector/ping` answers "Zotero is running" whenever Zotero is open.
* the local API (`/api/users/0/...`, Zotero 7+) mirrors the Web API v3 for the running Zotero's data,
  read-only, and only once the user allows it (else `403 Local API is not enabled`).
* the connector (`/connector/saveItems`, `/connector/saveAttachment`) creates items the way the browser
  connector does: in the collection selected in Zotero's window, never updating an existing one.

Versions the local API reports are the desktop's own counters, unrelated to zotero.org's library
versions: this module hands them to no sync state (see `senref.zotero.state`).
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import requests

from senref.core.model import Item
from senref.core.records import ImportRecord
from senref.zotero.mapping import api_to_collection, api_to_item, item_to_api, split_children

#: Where Zotero listens unless the user moved it (`extensions.zotero.httpServer.port`).
DEFAULT_URL = "http://127.0.0.1:23119"
ENABLE_HINT = ('in Zotero, Settings → Advanced → "Allow other applications on this computer to '
               'communicate with Zotero", then try again')
#: Extras key carrying the manual tags of a sent item: the connector saves every tag as automatic.
MANUAL_TAGS = "connectorManualTags"
#: Pages followed at most (a server answering `next` forever must not keep senref busy forever).
MAX_PAGES = 10_000
_DROPPED = frozenset({"key", "version", "collections", "relations", "dateAdded", "dateModified", "deleted",
                      "creators", "tags"})


class DesktopError(Exception):
    """Zotero desktop is not there, or refused; the message is for the user as it stands."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class DesktopStatus:
    running: bool
    message: str
    #: Zotero's version when its server says (`X-Zotero-Version`), else ""
    version: str = ""


@dataclass
class DesktopLibrary:
    """The running Zotero's library as the local API gives it: API objects, children as separate objects."""

    collections: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    #: the desktop's own library version (Last-Modified-Version): never a zotero.org version
    local_version: int = 0


@dataclass(frozen=True)
class PdfFile:
    """A file to attach to a sent item (`/connector/saveAttachment` streams its bytes)."""

    path: Path
    title: str = "Full Text PDF"
    content_type: str = "application/pdf"
    url: str = ""


@dataclass
class SaveResult:
    sent: int = 0
    files: int = 0
    warnings: list[str] = field(default_factory=list)
    session_id: str = ""


class DesktopClient:
    """Requests to one Zotero desktop (`base` is its root, e.g. http://127.0.0.1:23119)."""

    def __init__(self, base_url: str = DEFAULT_URL, *, session: requests.Session | None = None,
                 timeout: float = 30.0) -> None:
        self.base = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": "senref", "Zotero-API-Version": "3"})
        self.timeout = timeout

    # -- the server ---------------------------------------------------------------------------
    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.ConnectionError as exc:
            raise DesktopError(f"Zotero is not running (nothing answers at {self.base})") from exc
        except requests.RequestException as exc:
            raise DesktopError(f"Zotero at {self.base} did not answer: {exc}") from exc

    def ping(self) -> DesktopStatus:
        """Whether Zotero is running here; never raises."""
        try:
            response = self._request("GET", f"{self.base}/connector/ping")
        except DesktopError as exc:
            return DesktopStatus(False, str(exc))
        if response.status_code == 200 and "Zotero is running" in response.text:
            version = response.headers.get("X-Zotero-Version", "")
            return DesktopStatus(True, f"Zotero {version} is running".replace("  ", " "), version)
        return DesktopStatus(False, f"something other than Zotero answers at {self.base} "
                                    f"(HTTP {response.status_code})")

    # -- the local API ------------------------------------------------------------------------
    def _api_error(self, response: requests.Response) -> DesktopError:
        status, text = response.status_code, response.text[:200].strip()
        if status == 403:
            return DesktopError(f"Zotero's local API is not enabled: {ENABLE_HINT}", status)
        if status == 404:
            return DesktopError("this Zotero has no local API (it came with Zotero 7): update Zotero", status)
        return DesktopError(f"Zotero's local API refused the request (HTTP {status}: {text})", status)

    def _pages(self, path: str, params: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
        """Every object of a listing, following `Link: rel="next"` on this server only."""
        url: str | None = f"{self.base}/api/users/0/{path}"
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        version = 0
        while url is not None:
            if url in seen or len(seen) >= MAX_PAGES:
                raise DesktopError(f"Zotero's local API keeps paging {path} (stopped at {len(seen)} pages)")
            seen.add(url)
            response = self._request("GET", url, params=params if len(seen) == 1 else None)
            if response.status_code != 200:
                raise self._api_error(response)
            try:
                page = response.json()
            except ValueError as exc:
                raise DesktopError(f"Zotero's local API answered {path} with something that is not JSON") from exc
            if not isinstance(page, list):
                raise DesktopError(f"Zotero's local API answered {path} with no list of objects")
            out.extend(obj for obj in page if isinstance(obj, dict))
            header = response.headers.get("Last-Modified-Version") or ""
            version = max(version, int(header) if header.isdigit() else 0)
            url = self._next_url(response)
        return out, version

    def _next_url(self, response: requests.Response) -> str | None:
        target = response.links.get("next", {}).get("url")
        if not target:
            return None
        ours, theirs = urlparse(self.base), urlparse(target)
        # The local API writes localhost links; only a next page on this same server is followed.
        if theirs.scheme != ours.scheme or theirs.port != ours.port or \
                theirs.hostname not in {ours.hostname, "localhost", "127.0.0.1"}:
            raise DesktopError(f"Zotero's local API pointed the next page elsewhere ({target[:100]})")
        return f"{self.base}{theirs.path}" + (f"?{theirs.query}" if theirs.query else "")

    def local_api_problem(self) -> str:
        """Why the local API cannot be read ("" when it can): off, too old a Zotero, not running."""
        try:
            response = self._request("GET", f"{self.base}/api/users/0/items", params={"limit": "1"})
        except DesktopError as exc:
            return str(exc)
        return "" if response.status_code == 200 else str(self._api_error(response))

    def read_library(self) -> DesktopLibrary:
        """Collections and items (trashed ones too, marked `deleted`) of the user's library."""
        collections, first = self._pages("collections", {})
        items, second = self._pages("items", {"includeTrashed": "1"})
        return DesktopLibrary(collections, items, max(first, second))

    def file_path(self, attachment_key: str) -> Path | None:
        """Where Zotero keeps an attachment's file on this machine (the local API redirects to a file: URL)."""
        response = self._request("GET", f"{self.base}/api/users/0/items/{attachment_key}/file")
        location = response.headers.get("Location", "")
        if response.status_code not in (301, 302, 303, 307) or not location.startswith("file:"):
            return None
        parsed = urlparse(location)
        if parsed.netloc not in ("", "localhost"):
            return None
        return Path(unquote(parsed.path))

    # -- the connector ------------------------------------------------------------------------
    def save_items(self, items: Sequence[Item], pdfs: Mapping[str, Sequence[PdfFile]] | None = None) -> SaveResult:
        """Create *items* (with notes, and the files in *pdfs* by item key) in Zotero's selected collection."""
        pdfs = pdfs or {}
        body = {"items": [translator_item(item) for item in items]}
        result = SaveResult(sent=len(items))
        for _attempt in range(3):
            result.session_id = secrets.token_hex(8)
            response = self._request("POST", f"{self.base}/connector/saveItems",
                                     json={**body, "sessionID": result.session_id})
            if response.status_code == 409:  # SESSION_EXISTS: the id was taken, any other does
                continue
            break
        else:
            raise DesktopError("Zotero refused three new connector sessions in a row (SESSION_EXISTS)", 409)
        if response.status_code == 500 and _json(response).get("libraryEditable") is False:
            raise DesktopError("the library selected in Zotero is read-only: select My Library or a group "
                               "you may edit in Zotero's window, then send again", 500)
        if response.status_code not in (200, 201):
            raise DesktopError(f"Zotero did not save the items (HTTP {response.status_code}: "
                               f"{response.text[:200].strip()})", response.status_code)
        for item in items:
            for pdf in pdfs.get(item.key, ()):
                if self._save_attachment(result, item.key, pdf):
                    result.files += 1
        return result

    def _save_attachment(self, result: SaveResult, item_key: str, pdf: PdfFile) -> bool:
        try:
            data = pdf.path.read_bytes()
        except OSError as exc:
            result.warnings.append(f"{item_key}: file not sent, it cannot be read ({exc.strerror or exc})")
            return False
        metadata = {"sessionID": result.session_id, "parentItemID": item_key, "title": pdf.title,
                    "url": pdf.url}
        response = self._request("POST", f"{self.base}/connector/saveAttachment", data=data,
                                 headers={"Content-Type": pdf.content_type or "application/octet-stream",
                                          "X-Metadata": json.dumps(metadata, ensure_ascii=True)})
        if response.status_code == 201:
            return True
        why = response.text[:200].strip() if response.status_code == 200 else f"HTTP {response.status_code}"
        result.warnings.append(f"{item_key}: Zotero did not take the file {pdf.path.name} ({why or 'no reason'})")
        return False


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def translator_item(item: Item) -> dict[str, Any]:
    """*item* in the translator JSON the connector takes (fields flat, creators, tags, notes, `id`).

    The connector forces every tag to automatic and keeps Extra verbatim, so the manual tags also
    ride in a `senref.` Extra line, from which `restore_manual_tags` puts them back on the way in.
    """
    manual = sorted(t.tag for t in item.tags if t.type == 0)
    if manual:
        item = _with_extra(item, MANUAL_TAGS, manual)
    parent = item_to_api(item)[0]
    out: dict[str, Any] = {"id": item.key}
    out.update({k: v for k, v in parent.items() if k not in _DROPPED and v not in ("", None)})
    creators: list[dict[str, Any]] = []
    for creator in parent.get("creators") or []:
        if creator.get("name"):
            creators.append({"lastName": creator["name"], "fieldMode": 1, "creatorType": creator["creatorType"]})
        else:
            creators.append({"firstName": creator.get("firstName", ""), "lastName": creator.get("lastName", ""),
                             "creatorType": creator["creatorType"]})
    out["creators"] = creators
    out["tags"] = [{"tag": t.tag, "type": t.type} for t in item.tags]
    out["notes"] = [{"note": n.html} for n in item.notes]
    # Links travel as translator link attachments; stored files follow through saveAttachment.
    out["attachments"] = [{"title": a.title or a.url, "url": a.url, "mimeType": a.content_type or "text/html",
                           "snapshot": False} for a in item.attachments if a.link_mode == "linked_url" and a.url]
    return out


def _with_extra(item: Item, name: str, value: Any) -> Item:
    clone = copy.copy(item)
    clone.extras = {**item.extras, name: value}
    return clone


def restore_manual_tags(item: Item) -> None:
    """Undo the connector's "every tag automatic" for an item senref sent (see translator_item)."""
    manual = item.extras.pop(MANUAL_TAGS, None)
    if not isinstance(manual, list):
        return
    names = {str(name) for name in manual}
    for tag in item.tags:
        if tag.tag in names:
            tag.type = 0


# -- Zotero objects -> senref import records (the local API and a data directory alike) -------------
@dataclass
class ZoteroRecords:
    """Import records for a Zotero library's objects, and what could not come along."""

    records: list[ImportRecord] = field(default_factory=list)
    #: keys of the records that were in Zotero's trash (they go to senref's Trash)
    trashed: set[str] = field(default_factory=set)
    #: folders the records' attachment paths may name (the import confines every file to them)
    roots: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def collection_paths(collections: Sequence[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Collection key -> its names from the top (a parent cycle or a missing parent starts at the top)."""
    by_key = {key: (name, parent) for key, name, parent in map(api_to_collection, collections) if key}
    paths: dict[str, tuple[str, ...]] = {}
    for key in by_key:
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = key
        while current is not None and current in by_key and current not in seen:
            seen.add(current)
            name, current = by_key[current]
            names.append(name or "Untitled")
        paths[key] = tuple(reversed(names))
    return paths


def records_from_api(collections: Sequence[dict[str, Any]], objects: Sequence[dict[str, Any]]) -> ZoteroRecords:
    """Records for API objects (parents and children as separate objects, as the API lists them).

    Versions are dropped: a desktop's local versions (or a data directory's) mean nothing to senref's
    library nor to a later zotero.org sync. Collections become name paths, created on import.
    """
    out = ZoteroRecords()
    paths = collection_paths(collections)
    datas = [{k: v for k, v in _data(o).items() if k != "version"} for o in objects]
    parents, children, orphans = split_children(datas)
    lost = sum(len(v) for v in orphans.values())
    if lost:
        out.warnings.append(f"{lost} notes, attachments or annotations whose parent is not in the library "
                            f"were not imported (annotations of PDFs are not imported)")
    for number, data in enumerate(parents, start=1):
        item = api_to_item(data, children.get(str(data.get("key")), []))
        restore_manual_tags(item)
        filed = [paths[key] for key in item.collections if key in paths]
        item.collections = []
        if item.deleted:
            out.trashed.add(item.key)
            item.deleted = False
        out.records.append(ImportRecord(item=item, collections=filed, line=number))
    return out


def _data(obj: Any) -> dict[str, Any]:
    inner = obj.get("data") if isinstance(obj, dict) else None
    return inner if isinstance(inner, dict) else obj if isinstance(obj, dict) else {}
