"""A WebDAV server double (Basic auth; PUT, GET, DELETE, PROPFIND on one folder tree) on 127.0.0.1."""

from __future__ import annotations

import base64
import threading
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class WebDavServer:
    def __init__(self, username: str = "ana", password: str = "s3cret") -> None:
        self.username, self.password = username, password
        self.files: dict[str, bytes] = {}
        self.folders = {"/dav/zotero"}
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/dav"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> WebDavServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return Response("", 401, {"WWW-Authenticate": 'Basic realm="dav"'})(environ, start_response)
        path = request.path.rstrip("/")
        if request.method == "PROPFIND":
            found = path in self.folders or path in self.files
            return Response("<multistatus/>" if found else "", 207 if found else 404)(environ, start_response)
        if request.method == "PUT":
            if path.rsplit("/", 1)[0] not in self.folders:
                return Response("", 409)(environ, start_response)
            created = path not in self.files
            self.files[path] = request.get_data()
            return Response("", 201 if created else 204)(environ, start_response)
        if request.method == "GET":
            if path not in self.files:
                return Response("", 404)(environ, start_response)
            return Response(self.files[path], 200)(environ, start_response)
        if request.method == "DELETE":
            return Response("", 204 if self.files.pop(path, None) is not None else 404)(environ, start_response)
        return Response("", 405)(environ, start_response)
