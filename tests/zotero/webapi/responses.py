"""Response helpers shared by the Web API double's route modules."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response

from senref.core.schema import SCHEMA_VERSION
from tests.zotero.webapi.objects import WriteError


class ApiError(WriteError):
    """A request refused as a whole (a WriteError too, so writes can raise either)."""


def text(code: int, body: str = "", version: int | None = None) -> Response:
    response = Response(body, status=code, mimetype="text/plain")
    if version is not None:
        response.headers["Last-Modified-Version"] = str(version)
    return response


def as_json(body: Any, version: int | None, code: int = 200) -> Response:
    response = Response(json.dumps(body), status=code, mimetype="application/json")
    if version is not None:
        response.headers["Last-Modified-Version"] = str(version)
    return response


def int_header(request: Request, name: str) -> int | None:
    value = request.headers.get(name)
    if value is None:
        return None
    if not value.strip().isdigit():
        raise ApiError(400, f"Invalid {name} header")
    return int(value)


def int_arg(request: Request, name: str, default: int | None = None) -> int | None:
    value = request.args.get(name)
    if value is None:
        return default
    if not value.strip().isdigit():
        raise ApiError(400, f"Invalid '{name}' value")
    return int(value)


def common_headers(response: Response) -> Response:
    response.headers.setdefault("Zotero-API-Version", "3")
    response.headers.setdefault("Zotero-Schema-Version", str(SCHEMA_VERSION))
    return response
