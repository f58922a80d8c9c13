"""The Web API double's HTTP surface: routing, keys and permissions, and the read requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from tests.zotero.webapi import files, writes
from tests.zotero.webapi.accounts import ApiKey, Group
from tests.zotero.webapi.objects import KINDS, Obj, WriteError
from tests.zotero.webapi.responses import ApiError, as_json, int_arg, int_header, text
from tests.zotero.webapi.store import Library

LIB = "/<any(users,groups):ltype>/<int:lid>"
#: kind -> the query parameter that selects objects by key
KEY_PARAMS = {"items": "itemKey", "collections": "collectionKey", "searches": "searchKey"}
MAX_KEYS = 100
SORTS = {"dateAdded", "dateModified", "title", "name"}

URLS = Map([
    Rule("/keys/current", endpoint="key"), Rule("/keys/<key>", endpoint="key"),
    Rule("/users/<int:uid>/groups", endpoint="groups"), Rule("/groups/<int:gid>", endpoint="group"),
    Rule(f"{LIB}/items", endpoint="items"), Rule(f"{LIB}/items/top", endpoint="items_top"),
    Rule(f"{LIB}/items/trash", endpoint="items_trash"), Rule(f"{LIB}/items/<key>", endpoint="object"),
    Rule(f"{LIB}/items/<key>/children", endpoint="children"),
    Rule(f"{LIB}/items/<key>/file", endpoint="file"), Rule(f"{LIB}/items/<key>/file/view", endpoint="file"),
    Rule(f"{LIB}/collections", endpoint="collections"), Rule(f"{LIB}/collections/top", endpoint="collections_top"),
    Rule(f"{LIB}/collections/<key>", endpoint="object"),
    Rule(f"{LIB}/collections/<key>/collections", endpoint="subcollections"),
    Rule(f"{LIB}/collections/<key>/items", endpoint="collection_items"),
    Rule(f"{LIB}/collections/<key>/items/top", endpoint="collection_items_top"),
    Rule(f"{LIB}/searches", endpoint="searches"), Rule(f"{LIB}/searches/<key>", endpoint="object"),
    Rule(f"{LIB}/deleted", endpoint="deleted"), Rule(f"{LIB}/tags", endpoint="tags"),
    Rule("/storage/upload/<upload_key>", endpoint="storage_upload"),
    Rule("/storage/download/<token>", endpoint="storage_download"),
], strict_slashes=False)


class WebApi:
    """Accounts and libraries, and the dispatch of one request over them."""

    def __init__(self) -> None:
        self.base = ""
        self.libraries: dict[str, Library] = {}
        self.keys: dict[str, ApiKey] = {}
        self.usernames: dict[int, str] = {}
        self.groups: dict[int, Group] = {}
        self.uploads: dict[str, files.PendingUpload] = {}
        self.downloads: dict[str, files.StoredFile] = {}
        #: md5 -> bytes, across libraries: what makes the server answer `{"exists": 1}`
        self.blobs: dict[str, bytes] = {}

    def user_library(self, user_id: int, username: str | None = None) -> Library:
        self.usernames.setdefault(user_id, username or f"user{user_id}")
        return self.libraries.setdefault(f"/users/{user_id}", Library("user", user_id, self.usernames[user_id]))

    def dispatch(self, request: Request) -> Response:
        adapter = URLS.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
            return self._route(request, str(endpoint), dict(args))
        except WriteError as error:
            return text(error.code, error.message, self.version_of(request))
        except HTTPException as error:
            return text(error.code or 500, error.description or "", self.version_of(request))

    def version_of(self, request: Request) -> int | None:
        parts = request.path.split("/")
        lib = self.libraries.get("/".join(parts[:3])) if len(parts) >= 3 else None
        return lib.version if lib else None

    def _route(self, request: Request, endpoint: str, args: dict[str, Any]) -> Response:
        if endpoint == "storage_upload":
            return files.receive_upload(self, request, args["upload_key"])
        if endpoint == "storage_download":
            return files.serve_download(self, args["token"])
        key = self._api_key(request)
        if endpoint == "key":
            return self._key(request, key, args.get("key"))
        if endpoint == "groups":
            return self._groups(request, key, args["uid"])
        if endpoint == "group":
            group = self.groups.get(args["gid"])
            if group is None:
                raise ApiError(404, "Group not found")
            self._rights(key, "group", group.id, "library")
            return as_json(group.to_json(self.base, len(self._library("group", group.id).items)), group.version)
        lib = self._library(args["ltype"][:-1], args["lid"])
        rights = self._rights(key, lib.type, lib.id, "library")
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and endpoint != "file" and "write" not in rights:
            raise ApiError(403, "Write access denied")
        if endpoint == "file":
            return files.handle(self, request, lib, args["key"], rights)
        if request.method != "GET":
            return writes.handle(request, lib, endpoint, args.get("key"), self.base)
        return self._read(request, lib, endpoint, args.get("key"))

    def _api_key(self, request: Request) -> ApiKey | None:
        value = request.headers.get("Zotero-API-Key") or request.args.get("key")
        auth = request.headers.get("Authorization", "")
        if not value and auth.startswith("Bearer "):
            value = auth.removeprefix("Bearer ").strip()
        if not value:
            return None
        if value not in self.keys:
            raise ApiError(403, "Invalid key")
        return self.keys[value]

    def _rights(self, key: ApiKey | None, library_type: str, library_id: int, needed: str) -> set[str]:
        if key is None:
            raise ApiError(403, "Forbidden")
        rights = key.rights(library_type, library_id, self.groups.get(library_id))
        if needed not in rights:
            raise ApiError(403, "Forbidden")
        return rights

    def _library(self, library_type: str, library_id: int) -> Library:
        lib = self.libraries.get(f"/{library_type}s/{library_id}")
        if lib is None:
            raise ApiError(404, "Not found")
        return lib

    def _key(self, request: Request, key: ApiKey | None, named: str | None) -> Response:
        if named is not None and named != "current":
            key = self.keys.get(named)
        if key is None:
            raise ApiError(403, "Invalid key" if named else "Forbidden")
        version = self.user_library(key.user_id).version
        if request.method == "DELETE":
            del self.keys[key.key]
            return text(204, version=version)
        return as_json(key.to_json(), version)

    def _groups(self, request: Request, key: ApiKey | None, user_id: int) -> Response:
        self._rights(key, "user", user_id, "library")
        visible = [g for g in self.groups.values() if g.is_member(user_id)]
        version = max((g.version for g in visible), default=0)
        if request.args.get("format") == "versions":
            return as_json({str(g.id): g.version for g in visible}, version)
        body = [g.to_json(self.base, len(self._library("group", g.id).items)) for g in visible]
        response = as_json(body, version)
        response.headers["Total-Results"] = str(len(body))
        return response

    def _read(self, request: Request, lib: Library, endpoint: str, key: str | None) -> Response:
        since_header = int_header(request, "If-Modified-Since-Version")
        if endpoint == "deleted":
            return self._deleted(request, lib, since_header)
        if endpoint == "object":
            kind = request.path.split("/")[3]
            obj = lib.get(kind, key or "")
            if obj is None:
                raise ApiError(404, "Not found")
            if since_header is not None and obj.version <= since_header:
                return text(304, version=obj.version)
            return self._format(request, lib, [obj], single=True)
        if since_header is not None and lib.version <= since_header:
            return text(304, version=lib.version)
        kind, objects = self._selection(request, lib, endpoint, key)
        since = int_arg(request, "since")
        if since is not None:
            objects = [o for o in objects if o.version > since]
        wanted = request.args.get(KEY_PARAMS[kind])
        if wanted:
            keys = wanted.split(",")
            if len(keys) > MAX_KEYS:
                raise ApiError(400, f"Cannot request more than {MAX_KEYS} keys at a time")
            objects = [o for o in objects if o.key in set(keys)]
        return self._format(request, lib, objects)

    def _selection(self, request: Request, lib: Library, endpoint: str, key: str | None) -> tuple[str, list[Obj]]:
        trashed = request.args.get("includeTrashed") in ("1", "true")
        collection_scoped = endpoint.startswith("collection") or endpoint == "subcollections"
        if collection_scoped and key is not None and lib.get("collections", key) is None:
            raise ApiError(404, "Collection not found")
        if endpoint in ("collections", "collections_top", "subcollections"):
            parent = key if endpoint == "subcollections" else False
            return "collections", [o for o in lib.collections.values()
                                   if endpoint == "collections" or o.data["parentCollection"] == parent]
        if endpoint == "searches":
            return "searches", list(lib.searches.values())
        if endpoint == "children" and lib.get("items", key or "") is None:
            raise ApiError(404, "Item not found")
        items = list(lib.items.values())
        if endpoint == "items_trash":
            return "items", [o for o in items if o.data.get("deleted")]
        if not trashed:
            items = [o for o in items if not o.data.get("deleted")]
        if endpoint in ("items_top", "collection_items_top"):
            items = [o for o in items if not o.data.get("parentItem")]
        if endpoint == "children":
            items = [o for o in items if o.data.get("parentItem") == key]
        if endpoint.startswith("collection_items"):
            items = [o for o in items if key in o.data.get("collections", [])]
        return "items", items

    def _format(self, request: Request, lib: Library, objects: list[Obj], single: bool = False) -> Response:
        fmt = request.args.get("format", "json")
        if fmt == "versions":
            response = as_json({o.key: o.version for o in objects}, lib.version)
        elif fmt == "keys":
            response = text(200, "".join(f"{o.key}\n" for o in objects), lib.version)
        elif fmt != "json":
            raise ApiError(400, f"Invalid 'format' value '{fmt}'")
        elif single:
            return as_json(lib.envelope(objects[0], self.base), objects[0].version)
        else:
            page, links = self._page(request, objects)
            response = as_json([lib.envelope(o, self.base) for o in page], lib.version)
            if links:
                response.headers["Link"] = links
        response.headers["Total-Results"] = str(len(objects))
        return response

    def _page(self, request: Request, objects: list[Obj]) -> tuple[list[Obj], str]:
        sort = request.args.get("sort")
        if sort is not None:
            if sort not in SORTS:
                raise ApiError(400, f"Invalid 'sort' value '{sort}'")
            reverse = request.args.get("direction", "desc" if sort.startswith("date") else "asc") == "desc"
            objects = sorted(objects, key=lambda o: str(o.data.get(sort, "")).lower(), reverse=reverse)
        limit = min(int_arg(request, "limit", 25) or 0, 100)
        start = int_arg(request, "start", 0) or 0
        if limit < 1:
            raise ApiError(400, "Invalid 'limit' value")
        total = len(objects)
        page = objects[start:start + limit]
        if total <= limit:
            return page, ""
        params = {k: v for k, v in request.args.items() if k not in ("start", "key")}

        def link(at: int, rel: str) -> str:
            query = urlencode({**params, "limit": limit, **({"start": at} if at else {})})
            return f'<{self.base}{request.path}?{query}>; rel="{rel}"'

        links = [link(0, "first")] if start else []
        if start:
            links.append(link(max(start - limit, 0), "prev"))
        if start + limit < total:
            links.append(link(start + limit, "next"))
        links.append(link((total - 1) // limit * limit, "last"))
        links.append(f'<{self.base}/web{request.path}>; rel="alternate"')
        return page, ", ".join(links)

    def _deleted(self, request: Request, lib: Library, since_header: int | None) -> Response:
        since = int_arg(request, "since")
        if since is None:
            raise ApiError(400, "'since' parameter must be provided")
        if since_header is not None and lib.version <= since_header:
            return text(304, version=lib.version)
        body = {kind: [k for k, v in lib.deleted[kind].items() if v > since]
                for kind in (*KINDS, "tags", "settings")}
        return as_json(body, lib.version)
