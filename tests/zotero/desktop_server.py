"""A Zotero desktop double on 127.0.0.1: `/connector/ping`, the local API (`/api/users/0/...`) and the connector.

    desktop = DesktopServer(storage=tmp_path / "zotero" / "storage").start()
    desktop.add_item({"key": "ABCD2345", "itemType": "book", "title": "T"})   # API `data`, as Zotero holds it
    desktop.local_api = False        # 403 "Local API is not enabled", as before the user allows it
    desktop.editable = False         # saveItems: 500 {"libraryEditable": false}
    desktop.collide_next = 1         # saveItems: 409 SESSION_EXISTS once
    desktop.saved_bodies             # every saveItems body received, as sent

It behaves as Zotero 7's server does where the source says so (server_connector.js, server_localAPI.js):
the connector forces every saved tag to automatic and ignores the attachments listed in saveItems (files
come through saveAttachment); the local API pages with `limit`/`start` and `Link: rel="next"`, leaves
trashed items out unless `includeTrashed=1`, and answers `/items/<key>/file` with a redirect to a file: URL.
"""

from __future__ import annotations

import json
import secrets
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from senref.core.model import KEY_ALPHABET

PING_BODY = "<!DOCTYPE html><html><body>Zotero is running</body></html>"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: `requests` is the log."""


def _key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))


class DesktopServer:
    """The double's state: `collections` and `items` (API `data`), knobs, and what it received."""

    def __init__(self, storage: Path) -> None:
        self.storage = storage
        self.collections: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.local_api = True
        self.editable = True
        self.files_editable = True
        self.collide_next = 0
        #: objects per page of the local API (None: all at once, Zotero 7's default)
        self.page_size: int | None = None
        self.version = 7
        self.saved_bodies: list[dict[str, Any]] = []
        self.attachments_received: list[tuple[dict[str, Any], str, bytes]] = []
        self.requests: list[tuple[str, str]] = []
        self._sessions: dict[str, dict[str, str]] = {}
        self._lock = threading.RLock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> DesktopServer:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name="zotero-desktop")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    # the library
    def add_collection(self, key: str, name: str, parent: str | None = None) -> None:
        self.collections.append({"key": key, "version": self.version, "name": name,
                                 "parentCollection": parent or False, "relations": {}})

    def add_item(self, data: dict[str, Any], file: bytes | None = None) -> dict[str, Any]:
        """Hold *data* (an API object's `data`); *file* goes to storage/<key>/<data['filename']>."""
        self.version += 1
        data = {"version": self.version, "tags": [], "relations": {}, **data}
        if data.get("itemType") not in ("note", "attachment", "annotation"):
            data.setdefault("collections", [])
        if file is not None:
            folder = self.storage / data["key"]
            folder.mkdir(parents=True, exist_ok=True)
            (folder / data["filename"]).write_bytes(file)
        with self._lock:
            self.items.append(data)
        return data

    def find(self, **match: Any) -> list[dict[str, Any]]:
        return [d for d in self.items if all(d.get(k) == v for k, v in match.items())]

    # serving
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self.requests.append((request.method, request.full_path))
            response = self._route(request)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/connector/ping":
            return Response(PING_BODY, content_type="text/html", headers={"X-Zotero-Version": "7.0.11"})
        if path == "/connector/saveItems" and request.method == "POST":
            return self._save_items(request)
        if path == "/connector/saveAttachment" and request.method == "POST":
            return self._save_attachment(request)
        if path.startswith("/api/"):
            if not self.local_api:
                return Response("Local API is not enabled", status=403, content_type="text/plain")
            return self._local_api(request)
        return Response("No endpoint found", status=404, content_type="text/plain")

    def _local_api(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        if parts[:3] != ["api", "users", "0"]:
            return Response("Only the user library (users/0) is served", status=400)
        rest = parts[3:]
        if rest == ["collections"]:
            return self._listing(request, self.collections)
        if rest == ["items"]:
            trashed = request.args.get("includeTrashed") == "1"
            return self._listing(request, [d for d in self.items if trashed or not d.get("deleted")])
        if len(rest) == 3 and rest[0] == "items" and rest[2] == "file":
            found = self.find(key=rest[1])
            if not found or not found[0].get("filename"):
                return Response("Not found", status=404)
            target = (self.storage / rest[1] / found[0]["filename"]).as_uri()
            return Response("", status=302, headers={"Location": target})
        return Response("Not found", status=404)

    def _listing(self, request: Request, objects: list[dict[str, Any]]) -> Response:
        start = int(request.args.get("start", 0))
        limit = int(request.args.get("limit", 0)) or self.page_size or len(objects) or 1
        page = objects[start:start + limit]
        base = f"http://localhost:{self._server.server_port if self._server else 0}{request.path}"
        headers = {"Total-Results": str(len(objects)), "Last-Modified-Version": str(self.version),
                   "Zotero-API-Version": "3"}
        if start + limit < len(objects):
            # As the Web API does, the next link keeps the request's other parameters.
            query = {**request.args.to_dict(), "start": str(start + limit), "limit": str(limit)}
            headers["Link"] = f'<{base}?{urlencode(query)}>; rel="next"'
        body = [{"key": d["key"], "version": d.get("version", 0), "library": {"type": "user", "id": 0},
                 "data": d} for d in page]
        return Response(json.dumps(body), content_type="application/json", headers=headers)

    def _save_items(self, request: Request) -> Response:
        body = json.loads(request.get_data(as_text=True))
        self.saved_bodies.append(body)
        session = str(body.get("sessionID") or "")
        if self.collide_next > 0 or session in self._sessions:
            self.collide_next = max(0, self.collide_next - 1)
            return Response(json.dumps({"error": "SESSION_EXISTS"}), status=409, content_type="application/json")
        self._sessions[session] = {}
        if not self.editable:
            return Response(json.dumps({"libraryEditable": False}), status=500, content_type="application/json")
        for item in body.get("items") or []:
            self._sessions[session][str(item.get("id"))] = self._create(item)
        return Response("", status=201, content_type="application/json")

    def _create(self, item: dict[str, Any]) -> str:
        key = _key()
        data = {k: v for k, v in item.items() if k not in ("id", "creators", "tags", "notes", "attachments")}
        data["key"] = key
        data["creators"] = [{"creatorType": c["creatorType"], "name": c.get("lastName", "")} if c.get("fieldMode")
                            else {k: c[k] for k in ("creatorType", "firstName", "lastName")}
                            for c in item.get("creators") or []]
        data["tags"] = [{"tag": t["tag"] if isinstance(t, dict) else t, "type": 1} for t in item.get("tags") or []]
        self.add_item(data)
        for note in item.get("notes") or []:
            self.add_item({"key": _key(), "itemType": "note", "parentItem": key, "note": note["note"]})
        return key

    def _save_attachment(self, request: Request) -> Response:
        metadata = json.loads(request.headers.get("X-Metadata", "{}"))
        parents = self._sessions.get(str(metadata.get("sessionID")))
        if parents is None:
            return Response(json.dumps({"error": "SESSION_NOT_FOUND"}), status=400, content_type="application/json")
        if not self.files_editable:
            return Response("Library files are not editable.", status=200, content_type="text/plain")
        data = request.get_data()
        self.attachments_received.append((metadata, request.content_type or "", data))
        key = _key()
        self.add_item({"key": key, "itemType": "attachment", "parentItem": parents[str(metadata["parentItemID"])],
                       "linkMode": "imported_url" if metadata.get("url") else "imported_file",
                       "title": metadata.get("title", ""), "url": metadata.get("url", ""),
                       "contentType": request.content_type or "", "filename": f"{metadata.get('title')}.pdf"},
                      file=data)
        return Response("", status=201)
