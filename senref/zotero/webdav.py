"""Attachment files on the user's own WebDAV server, as Zotero keeps them there (personal libraries only).

Under `<url>/zotero/`: `<KEY>.zip` (the file, zipped under its name) and `<KEY>.prop`
(`<properties version="1"><mtime>ms</mtime><hash>md5</hash></properties>`). After an upload the
attachment item's md5 and mtime are written through the API, which Zotero allows with WebDAV in a
personal library, so that other clients know a new file is there.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

import requests

from senref.zotero.client import WebApiClient, ZoteroError

PROP = '<properties version="1"><mtime>{mtime}</mtime><hash>{md5}</hash></properties>'
#: A .prop Zotero would read: an mtime of 1 to 13 digits and a 32-digit md5.
PROP_RE = re.compile(r"<mtime>(\d{1,13})</mtime>\s*<hash>([0-9a-f]{32})</hash>")


@dataclass
class WebDavStore:
    url: str  # the user's WebDAV URL; files live under its zotero/ folder
    username: str
    password: str
    timeout: float = 30.0

    def _path(self, name: str) -> str:
        return f"{self.url.rstrip('/')}/zotero/{name}"

    def _send(self, method: str, name: str, **kwargs: object) -> requests.Response:
        try:
            return requests.request(method, self._path(name), auth=(self.username, self.password),
                                    timeout=self.timeout, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as exc:
            raise ZoteroError(f"the WebDAV server did not answer: {exc}") from exc

    def check(self) -> None:
        """The zotero/ folder is there and the credentials open it (401/403/404 say which is wrong)."""
        response = self._send("PROPFIND", "", headers={"Depth": "0"})
        if response.status_code in (401, 403):
            raise ZoteroError("the WebDAV server refused the user name or password", response.status_code)
        if response.status_code == 404:
            raise ZoteroError(f"there is no zotero/ folder at {self.url} (create it, as Zotero asks you to)", 404)
        if response.status_code >= 400:
            raise ZoteroError(f"the WebDAV server answered {response.status_code}", response.status_code)

    def remote_md5(self, key: str) -> str | None:
        response = self._send("GET", f"{key}.prop")
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ZoteroError(f"reading {key}.prop: {response.status_code}", response.status_code)
        match = PROP_RE.search(response.text)
        return match.group(2) if match else None

    def upload(self, client: WebApiClient, key: str, data: bytes, *, filename: str, mtime_ms: int,
               known_md5: str | None) -> str:
        md5 = hashlib.md5(data).hexdigest()
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(filename, data)
        for name, body, kind in ((f"{key}.zip", packed.getvalue(), "application/zip"),
                                 (f"{key}.prop", PROP.format(mtime=mtime_ms, md5=md5).encode(), "text/xml")):
            response = self._send("PUT", name, data=body, headers={"Content-Type": kind})
            if response.status_code not in (200, 201, 204):
                raise ZoteroError(f"the WebDAV server refused {name}: {response.status_code}", response.status_code)
        return md5

    def download(self, client: WebApiClient, key: str, *, limit: int) -> bytes:
        response = self._send("GET", f"{key}.zip")
        if response.status_code != 200:
            raise ZoteroError(f"reading {key}.zip: {response.status_code}", response.status_code)
        if len(response.content) > limit:
            raise ZoteroError(f"{key}.zip is larger than {limit // (1 << 20)} MB")
        try:
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1 or members[0].file_size > limit:
                    raise ZoteroError(f"{key}.zip does not hold one file of at most {limit // (1 << 20)} MB")
                # Read in memory, never extracted: a member's name cannot place anything on disk.
                return archive.read(members[0])
        except zipfile.BadZipFile as exc:
            raise ZoteroError(f"{key}.zip is not a zip file") from exc
