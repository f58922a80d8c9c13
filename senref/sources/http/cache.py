"""The disk cache of metadata answers (one JSON header file and one body file a request)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

from requests.structures import CaseInsensitiveDict

from senref.core.atomic import atomic_write
from senref.sources.http.results import Response

log = logging.getLogger(__name__)


class ResponseCache:
    """Metadata responses on disk: one JSON header file and one body file per request key."""

    def __init__(self, folder: Path, ttl: float = 7 * 24 * 3600) -> None:
        self.folder = folder
        self.ttl = ttl

    @staticmethod
    def key(url: str, accept: str) -> str:
        return hashlib.sha256(f"{accept}\n{url}".encode()).hexdigest()

    def get(self, key: str) -> Response | None:
        meta_path = self.folder / key[:2] / f"{key}.json"
        body_path = meta_path.with_suffix(".body")
        try:
            if time.time() - meta_path.stat().st_mtime > self.ttl:
                return None
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        return Response(url=str(meta["url"]), status=int(meta["status"]),
                        headers=CaseInsensitiveDict(meta.get("headers") or {}), content=body, from_cache=True)

    def put(self, key: str, response: Response) -> None:
        meta_path = self.folder / key[:2] / f"{key}.json"
        try:
            with atomic_write(meta_path.with_suffix(".body"), "wb") as out:
                out.write(response.content)
            # Written last: a meta file always has its body beside it.
            with atomic_write(meta_path) as out:
                json.dump({"url": response.url, "status": response.status,
                           "headers": {"content-type": response.headers.get("content-type", "")}}, out)
        except OSError as exc:  # a full or read-only cache must never fail a lookup
            log.warning("response cache not written: %s", exc)

