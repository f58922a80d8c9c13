"""An in-memory Zotero Web API v3 server on 127.0.0.1 for tests, with knobs for rate limits and trouble.

    server = ZoteroServer().start()
    server.add_key("KEY1", user_id=1)                      # full access, like a default zotero.org key
    server.add_group(100, owner=1, members=[2])            # /groups/100, an empty library
    requests.get(f"{server.url}/groups/100/items", headers={"Zotero-API-Key": "KEY1"})
    server.library("/groups/100").version                  # direct access for assertions
    server.stop()

The rules (versions, 304/412/428, write tokens, batch limits, files) are in `tests/zotero/webapi/`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.zotero.webapi.accounts import ApiKey, Group
from tests.zotero.webapi.responses import common_headers, text
from tests.zotero.webapi.routes import WebApi
from tests.zotero.webapi.store import Library


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it (headers included, so tests can check the client's preconditions)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Test output stays clean; `server.requests` is the log."""


class ZoteroServer:
    """The server and its test knobs: `backoff`, `fail_next`, `latency`, `concurrency_limit`, `max_in_flight`, `requests`."""

    def __init__(self) -> None:
        self.api = WebApi()
        #: seconds to announce in a `Backoff` header on every API response (None: no header)
        self.backoff: int | None = None
        #: seconds each request takes, so concurrent clients overlap measurably
        self.latency: float = 0.0
        #: more API requests than this at once get 429 "Concurrent request limit exceeded"
        self.concurrency_limit: int | None = None
        self.concurrency_retry_after = 1
        #: the most requests seen in flight at once
        self.max_in_flight = 0
        self.requests: list[RequestRecord] = []
        self._failures: list[tuple[int, int | None]] = []
        self._in_flight = 0
        self._counter = threading.Lock()
        self._state = threading.RLock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> ZoteroServer:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self.api.base = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="zotero-webapi", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    # accounts and libraries
    def add_user(self, user_id: int, username: str | None = None) -> Library:
        with self._state:
            return self.api.user_library(user_id, username)

    def add_key(self, key: str, user_id: int, access: dict[str, Any] | None = None, username: str | None = None) -> ApiKey:
        """Register `key` for `user_id`; `access` has the `/keys/current` shape (default: everything)."""
        with self._state:
            self.api.user_library(user_id, username)
            api_key = ApiKey(key, user_id, self.api.usernames[user_id])
            if access is not None:
                api_key.access = access
            self.api.keys[key] = api_key
            return api_key

    def add_group(self, group_id: int, owner: int, members: list[int] | None = None, name: str | None = None,
                  **settings: Any) -> Group:
        """A group with its library; settings: admins, type, library_reading, library_editing, file_editing."""
        with self._state:
            group = Group(group_id, name or f"group{group_id}", owner, list(members or []), **settings)
            self.api.groups[group_id] = group
            self.api.libraries[f"/groups/{group_id}"] = Library("group", group_id, group.name)
            return group

    def library(self, prefix: str) -> Library:
        """`/users/<id>` or `/groups/<id>` (leading slash optional)."""
        return self.api.libraries["/" + prefix.strip("/")]

    def group(self, group_id: int) -> Group:
        return self.api.groups[group_id]

    # trouble on demand
    def fail_next(self, status: int = 429, retry_after: int | None = None, count: int = 1) -> None:
        """Answer the next `count` API requests with `status` (429, 503...), plus `Retry-After` when given."""
        with self._counter:
            self._failures.extend([(status, retry_after)] * count)

    def count(self, method: str | None = None, path_contains: str = "") -> int:
        """How many logged requests match (a shorthand for the O(1)-requests assertions)."""
        return sum(1 for r in self.requests if (method is None or r.method == method) and path_contains in r.path)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._counter:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            in_flight = self._in_flight
            self.requests.append(RequestRecord(request.method, request.path, request.args.to_dict(),
                                               dict(request.headers.items())))
            storage = request.path.startswith("/storage/")
            failure = self._failures.pop(0) if self._failures and not storage else None
        try:
            if self.latency:
                time.sleep(self.latency)
            response = self._respond(request, failure, in_flight, storage)
            return response(environ, start_response)
        finally:
            with self._counter:
                self._in_flight -= 1

    def _respond(self, request: Request, failure: tuple[int, int | None] | None, in_flight: int, storage: bool) -> Response:
        if failure is not None:
            status, retry_after = failure
            response = text(status, "Request rate limit exceeded" if status == 429 else "Service unavailable")
            if retry_after is not None:
                response.headers["Retry-After"] = str(retry_after)
        elif not storage and self.concurrency_limit is not None and in_flight > self.concurrency_limit:
            response = text(429, "Concurrent request limit exceeded")
            response.headers["Retry-After"] = str(self.concurrency_retry_after)
        else:
            with self._state:
                response = self.api.dispatch(request)
        if storage:
            return response
        if self.backoff is not None:
            response.headers["Backoff"] = str(self.backoff)
        if "Last-Modified-Version" not in response.headers:
            with self._state:
                version = self.api.version_of(request)
            response.headers["Last-Modified-Version"] = str(version or 0)
        return common_headers(response)
