"""Reading an answer's body under the caps: bytes on the wire and decoded, the deadline, cancellation."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import requests
import urllib3

from senref.sources import netguard
from senref.sources.http.results import HttpError, host_of

_BLOCK = 64 * 1024


class Sink(Protocol):
    """Where `read_body` puts the bytes: an open file or a `Collect`."""

    def write(self, data: bytes, /) -> object: ...


class Budget:
    """The wall-clock deadline of one request; time spent waiting between retries does not count."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def pause(self, seconds: float) -> None:
        self.end += seconds


@dataclass
class AttemptFailed(Exception):
    """How one attempt failed: the error to report, and whether trying again could help."""

    error: HttpError
    retry: bool = False


class Collect:
    """An in-memory sink for `read_body` (bytes joined once at the end)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(data)
        return len(data)

    def value(self) -> bytes:
        return b"".join(self._parts)


def arriving_chunks(raw: requests.Response, size: int) -> Iterator[bytes]:
    """The decoded body in pieces as they arrive, each at most *size* bytes.

    `iter_content(size)` blocks until *size* bytes are in, so a server dripping one byte per second
    keeps every socket read inside the read timeout and the deadline is never looked at. urllib3's
    `read1` returns whatever has arrived, and (urllib3 >= 2.6) decompresses no more than asked, so
    the caller's checks run between pieces and a gzip bomb is counted as it unpacks.
    """
    read1 = getattr(raw.raw, "read1", None)
    if read1 is None:  # urllib3 before 2.3: no read1, fall back to the blocking reader
        yield from raw.iter_content(size)
        return
    while True:
        chunk = read1(size, decode_content=True)
        if not chunk:
            return
        yield chunk


def network_chunks(raw: requests.Response, exchange: netguard.Exchange, late: HttpError,
                   what: str) -> Iterator[bytes]:
    """`arriving_chunks`, with a connection that breaks off turned into a failure of that host."""
    try:
        yield from arriving_chunks(raw, _BLOCK)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        if exchange.expired:
            raise AttemptFailed(late) from exc
        raise AttemptFailed(HttpError(f"{what} from {host_of(raw.url)} broke off ({type(exc).__name__})",
                                      url=raw.url)) from exc


def read_body(raw: requests.Response, out: Sink, cap: int, budget: Budget, exchange: netguard.Exchange, *,
              should_stop: Callable[[], bool], what: str, too_large: str,
              truncate: bool = False) -> tuple[int, bytes, bytes]:
    """Copy the body into *out* as it arrives: at most *cap* bytes both on the wire and decoded, within
    the deadline. Returns (size, first 1 KiB, last 1 KiB); raises HttpError (`too_large` when over)."""
    url, host = raw.url, host_of(raw.url)
    declared = raw.headers.get("Content-Length", "").strip()
    if not truncate and declared.isdigit() and int(declared) > cap:
        raise HttpError(too_large, url=url)
    late = HttpError(f"{what} from {host} took longer than {budget.seconds:g} s", url=url)
    size, head, tail = 0, b"", b""
    for chunk in network_chunks(raw, exchange, late, what):
        wire = raw.raw.tell() if raw.raw is not None else size
        if size + len(chunk) > cap or wire > cap:
            if truncate:
                out.write(chunk[: max(cap - size, 0)])
                return cap, head, tail
            raise HttpError(too_large + (" once decompressed" if wire <= cap else ""), url=url)
        if exchange.expired or budget.left() <= 0:
            raise AttemptFailed(late)
        if should_stop():
            raise HttpError("cancelled", url=url)
        size += len(chunk)
        if len(head) < 1024:
            head += chunk[: 1024 - len(head)]
        tail = (tail + chunk)[-1024:]
        out.write(chunk)  # a full disk raises OSError as it is: not the server's fault
    if exchange.expired:  # the deadline shut the socket: what looked like the end was not
        raise AttemptFailed(late)
    return size, head, tail
