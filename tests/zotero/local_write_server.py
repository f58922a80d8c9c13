"""Zotero 10's local write API as documented (unverified against a release), in front of the Web API double.

`/api/local/authorize` hands out a local key (or 403 when the user says no); `/api/users/0/…` is the
user's library with its own versions; every response names the installation (`Zotero-Server-ID`) and
a write naming another one gets 412. Requests are forwarded to a ZoteroServer holding the library.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.zotero.webapi_server import ZoteroServer

LOCAL_KEY = "LOCALKEY0000"


class LocalWriteServer:
    def __init__(self, backend: ZoteroServer, *, user_id: int = 1, server_id: str = "srv-a1b2c3") -> None:
        self.backend, self.user_id, self.server_id = backend, user_id, server_id
        backend.add_key(LOCAL_KEY, user_id=user_id)
        self.allow = True
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LocalWriteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self._answer(request)(environ, start_response)

    def _answer(self, request: Request) -> Response:
        named = {"Zotero-Server-ID": self.server_id}
        if request.path == "/api/local/authorize" and request.method == "POST":
            if not self.allow:
                return Response("Not allowed", 403, named)
            return Response(json.dumps({"key": LOCAL_KEY, "remember": True}), 200,
                            {**named, "Content-Type": "application/json"})
        if not request.path.startswith("/api/users/0/"):
            return Response("Not found", 404, named)
        if request.headers.get("Zotero-API-Key") != LOCAL_KEY:
            return Response("Forbidden", 403, named)
        if request.method != "GET" and request.headers.get("Zotero-Server-ID") != self.server_id:
            return Response("Zotero-Server-ID mismatch", 412, named)
        path = request.path.replace("/api/users/0/", f"/users/{self.user_id}/", 1)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        upstream = requests.request(request.method, f"{self.backend.url}{path}", params=request.args.to_dict(),
                                    data=request.get_data(), headers=headers, allow_redirects=False, timeout=10)
        kept = {k: v for k, v in upstream.headers.items()
                if k.lower() in ("content-type", "last-modified-version", "location", "backoff", "retry-after")}
        return Response(upstream.content, upstream.status_code, {**kept, **named})
