"""What a request gives back: the answer in memory, a file on disk, or one readable error."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from requests.structures import CaseInsensitiveDict

MIB = 1024 * 1024


class HttpError(Exception):
    """A request that failed for good; `reason` is one line a user can read."""

    def __init__(self, reason: str, *, url: str = "", status: int | None = None, body: bytes = b"") -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status
        self.body = body


@dataclass
class Response:
    """A finished response (whole body in memory), possibly served from the cache."""

    url: str
    status: int
    headers: CaseInsensitiveDict[str]
    content: bytes
    from_cache: bool = False

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content.decode("utf-8", errors="replace"))


@dataclass
class Download:
    """A file streamed to `path`: its size, type as announced, first bytes, final URL after redirects."""

    path: Path
    size: int
    content_type: str
    url: str
    head: bytes
    tail: bytes


def host_of(url: str) -> str:
    """host[:port] of *url*, without any credentials it carries (they must not reach messages or logs)."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return netloc or url


def mb_text(size: int) -> str:
    """
    >>> mb_text(1024 * 1024), mb_text(512 * 1024), mb_text(200 * 1024 * 1024)
    ('1 MB', '0.5 MB', '200 MB')
    """
    return f"{size / MIB:g} MB"

