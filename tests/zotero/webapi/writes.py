"""Write requests of the Web API double: batch POSTs, single-object PUT/PATCH, and deletions."""

from __future__ import annotations

import json
import time
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.zotero.webapi.objects import SINGULAR, WriteError
from tests.zotero.webapi.responses import ApiError, as_json, int_header, text
from tests.zotero.webapi.store import Library

#: Zotero's maxWriteItems (the same for collections and searches).
MAX_WRITE = 50
BATCH_ENDPOINTS = {"items": "items", "collections": "collections", "searches": "searches"}
KEY_PARAMS = {"items": "itemKey", "collections": "collectionKey", "searches": "searchKey"}


def handle(request: Request, lib: Library, endpoint: str, key: str | None, base: str) -> Response:
    header = int_header(request, "If-Unmodified-Since-Version")
    if endpoint in BATCH_ENDPOINTS and request.method == "POST":
        return _post(request, lib, endpoint, header, base)
    if endpoint in BATCH_ENDPOINTS and request.method == "DELETE":
        return _delete_many(request, lib, endpoint, header)
    if endpoint == "object" and request.method in ("PUT", "PATCH", "DELETE"):
        return _single(request, lib, request.path.split("/")[3], key or "", header)
    if endpoint == "tags" and request.method == "DELETE":
        names = [t for t in request.args.get("tag", "").split(" || ") if t]
        if header is None:
            raise WriteError(428, "If-Unmodified-Since-Version not provided")
        lib.check_library_version(header)
        lib.delete_tags(names)
        return text(204, version=lib.version)
    raise ApiError(405, "Method not allowed")


def _body(request: Request) -> Any:
    try:
        return json.loads(request.get_data(as_text=True))
    except ValueError as error:
        raise WriteError(400, f"Invalid JSON: {error}") from error


def _post(request: Request, lib: Library, kind: str, header: int | None, base: str) -> Response:
    objects = _body(request)
    if not isinstance(objects, list):
        raise WriteError(400, "Uploaded data must be a JSON array")
    if len(objects) > MAX_WRITE:
        raise WriteError(413, f"Only {MAX_WRITE} objects can be saved in a single request")
    lib.check_library_version(header)
    token = request.headers.get("Zotero-Write-Token")
    lib.use_write_token(token)
    result = lib.write(kind, objects, header_version=header)
    if token:
        lib.write_tokens[token] = time.time()
    body = {"successful": {i: lib.envelope(o, base) for i, o in result.successful.items()},
            "success": {i: o.key for i, o in result.successful.items()},
            "unchanged": result.unchanged, "failed": result.failed}
    return as_json(body, lib.version)


def _single(request: Request, lib: Library, kind: str, key: str, header: int | None) -> Response:
    existing = lib.get(kind, key)
    noun = SINGULAR[kind]
    if request.method == "DELETE":
        if existing is None:
            raise WriteError(404, f"{noun} not found")
        if header is None:
            raise WriteError(428, "If-Unmodified-Since-Version not provided")
        _check_object(noun, existing.version, header)
        lib.delete(kind, [key])
        return text(204, version=lib.version)
    body = _body(request)
    if not isinstance(body, dict):
        raise WriteError(400, "Uploaded data must be a JSON object")
    if body.get("key", key) != key:
        raise WriteError(400, "Key in body does not match URL")
    if existing is not None:
        if header is None and body.get("version") is None:
            raise WriteError(428, "If-Unmodified-Since-Version not provided")
        if header is not None:
            _check_object(noun, existing.version, header)
    result = lib.write(kind, [{**body, "key": key}], header_version=header, replace=request.method == "PUT")
    if result.failed:
        failure = result.failed["0"]
        raise WriteError(failure["code"], failure["message"])
    return text(204, version=lib.version)


def _check_object(noun: str, version: int, header: int) -> None:
    if version > header:
        raise WriteError(412, f"{noun} has been modified since specified version (expected {header}, found {version})")


def _delete_many(request: Request, lib: Library, kind: str, header: int | None) -> Response:
    keys = [k for k in request.args.get(KEY_PARAMS[kind], "").split(",") if k]
    if not keys:
        raise WriteError(400, f"'{KEY_PARAMS[kind]}' not provided")
    if len(keys) > MAX_WRITE:
        raise WriteError(413, f"Only {MAX_WRITE} objects can be deleted in a single request")
    if header is None:
        raise WriteError(428, "If-Unmodified-Since-Version not provided")
    lib.check_library_version(header)
    lib.delete(kind, keys)
    return text(204, version=lib.version)
