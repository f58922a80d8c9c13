"""Zotero storage in the Web API double: upload authorization, the storage upload URL, registration, download."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from tests.zotero.webapi.responses import ApiError, as_json, text
from tests.zotero.webapi.store import Library, StoredFile

if TYPE_CHECKING:
    from tests.zotero.webapi.routes import WebApi

FILE_MODES = ("imported_file", "imported_url")
#: Headers a client must not send to the storage URL (it is a third party: S3 in production).
ZOTERO_HEADERS = ("Zotero-API-Key", "Authorization", "Zotero-API-Version")

__all__ = ["PendingUpload", "StoredFile", "handle", "receive_upload", "serve_download"]


@dataclass
class PendingUpload:
    """An authorized upload, waiting for its bytes and then for its registration."""

    library: str
    item_key: str
    md5: str
    filename: str
    filesize: int
    mtime: int
    content_type: str
    prefix: str
    suffix: str
    received: bytes | None = None


def handle(api: WebApi, request: Request, lib: Library, key: str, rights: set[str]) -> Response:
    item = lib.get("items", key)
    if item is None:
        raise ApiError(404, "Item not found")
    if item.data["itemType"] != "attachment" or item.data.get("linkMode") not in FILE_MODES:
        raise ApiError(400, "Item is not a file attachment")
    if request.method == "GET":
        if lib.type == "user" and "files" not in rights:
            raise ApiError(403, "File access denied")
        stored = lib.files.get(key)
        if stored is None:
            raise ApiError(404, "File not found")
        token = secrets.token_hex(8)
        api.downloads[token] = stored
        response = text(302, version=item.version)
        response.headers["Location"] = f"{api.base}/storage/download/{token}"
        return response
    if request.method != "POST":
        raise ApiError(405, "Method not allowed")
    if "files" not in rights:
        raise ApiError(403, "File editing denied")
    current = lib.files.get(key)
    if_match, if_none = request.headers.get("If-Match"), request.headers.get("If-None-Match")
    if if_match is None and if_none is None:
        raise ApiError(428, "If-Match/If-None-Match header not provided")
    if if_none == "*" and current is not None:
        raise ApiError(412, "If-None-Match: * set but file exists")
    if if_match is not None and (current is None or current.md5 != if_match.strip('"')):
        raise ApiError(412, "If-Match set but file does not exist" if current is None
                       else "ETag does not match current version of file")
    form = request.form
    if "upload" in form:
        return _register(api, lib, key, form["upload"])
    missing = [name for name in ("md5", "filename", "filesize", "mtime") if not form.get(name)]
    if missing:
        raise ApiError(400, f"'{missing[0]}' not provided")
    if not form["filesize"].isdigit() or not form["mtime"].isdigit():
        raise ApiError(400, "'filesize' and 'mtime' must be integers")
    content_type = form.get("contentType") or item.data.get("contentType") or "application/octet-stream"
    blob = api.blobs.get(form["md5"])
    if blob is not None and len(blob) == int(form["filesize"]):
        _store(lib, key, StoredFile(form["md5"], form["filename"], int(form["mtime"]), blob, content_type))
        return as_json({"exists": 1}, lib.version)
    upload_key = secrets.token_hex(16)
    boundary = f"---------------------------{secrets.token_hex(12)}"
    prefix = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n{upload_key}\r\n"
              f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"\r\nContent-Type: {content_type}\r\n\r\n")
    suffix = f"\r\n--{boundary}--"
    api.uploads[upload_key] = PendingUpload(lib.prefix, key, form["md5"], form["filename"], int(form["filesize"]),
                                            int(form["mtime"]), content_type, prefix, suffix)
    return as_json({"url": f"{api.base}/storage/upload/{upload_key}",
                    "contentType": f"multipart/form-data; boundary={boundary}",
                    "prefix": prefix, "suffix": suffix, "uploadKey": upload_key}, lib.version)


def receive_upload(api: WebApi, request: Request, upload_key: str) -> Response:
    """The storage URL: `prefix + bytes + suffix`, checked against the authorized md5 and size."""
    pending = api.uploads.get(upload_key)
    if pending is None or request.method != "POST":
        return text(403, "Upload key not authorized")
    leaked = [name for name in ZOTERO_HEADERS if name in request.headers]
    if leaked:
        return text(400, f"Zotero headers sent to the storage server: {', '.join(leaked)}")
    body = request.get_data()
    prefix, suffix = pending.prefix.encode(), pending.suffix.encode()
    if not body.startswith(prefix) or not body.endswith(suffix) or len(body) < len(prefix) + len(suffix):
        return text(400, "Malformed upload body (prefix/suffix)")
    content = body[len(prefix): len(body) - len(suffix)]
    if hashlib.md5(content).hexdigest() != pending.md5 or len(content) != pending.filesize:
        return text(400, "Uploaded file does not match the md5 and size given")
    pending.received = content
    return text(201)


def _register(api: WebApi, lib: Library, key: str, upload_key: str) -> Response:
    pending = api.uploads.get(upload_key)
    if pending is None or pending.library != lib.prefix or pending.item_key != key:
        raise ApiError(400, "Upload key not found")
    if pending.received is None:
        raise ApiError(400, "File not uploaded")
    del api.uploads[upload_key]
    api.blobs[pending.md5] = pending.received
    _store(lib, key, StoredFile(pending.md5, pending.filename, pending.mtime, pending.received, pending.content_type))
    return text(204, version=lib.version)


def _store(lib: Library, key: str, stored: StoredFile) -> None:
    """The attachment item takes the file's md5/mtime/filename at a new library version."""
    item = lib.items[key]
    current = lib.files.get(key)
    lib.files[key] = stored
    if current == stored and item.data.get("md5") == stored.md5 and item.data.get("mtime") == stored.mtime:
        return
    lib.version += 1
    item.data.update(md5=stored.md5, mtime=stored.mtime, filename=stored.filename)
    item.version = item.data["version"] = lib.version


def serve_download(api: WebApi, token: str) -> Response:
    stored = api.downloads.get(token)
    if stored is None:
        return text(404, "Download link expired")
    response = Response(stored.content, status=200, mimetype=stored.content_type)
    response.headers["ETag"] = f'"{stored.md5}"'
    response.headers["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    return response
