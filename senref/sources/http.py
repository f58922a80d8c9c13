"""The one HTTP client every source uses: User-Agent with contact, timeouts, retries, rate limits, cache.

`HttpClient.get` is for metadata (small bodies, cached on disk); `HttpClient.download` streams a file
to disk with a size cap and a wall-clock deadline. Requests to one host are paced and bounded in
number; requests to different hosts run concurrently, so a batch of hundreds of identifiers keeps
every service within its etiquette while the slowest one does not hold up the rest.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import math
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from senref import __version__
from senref.core.atomic import atomic_write
from senref.core.settings import Settings

log = logging.getLogger(__name__)

#: Documented etiquette of hosts that publish one (seconds between request starts, concurrent requests).
#: arXiv asks for one request every 3 s; NCBI allows 3 per second without an API key.
HOST_ETIQUETTE: dict[str, tuple[float, int]] = {
    "export.arxiv.org": (3.0, 1),
    "eutils.ncbi.nlm.nih.gov": (0.34, 1),
    "api.crossref.org": (0.02, 2),
    "api.datacite.org": (0.1, 2),
}
#: Default pacing for any other host: modest, never more than two requests in flight.
DEFAULT_ETIQUETTE = (0.0, 2)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


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


@dataclass
class HostLimiter:
    """Pacing for one host: minimum interval between request starts and a bound on concurrency."""

    interval: float
    concurrency: int
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_start: float = 0.0
    _slots: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(max(1, self.concurrency))

    def acquire(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self._slots.acquire()
        with self._lock:
            now = clock()
            start = max(now, self._next_start)
            self._next_start = start + self.interval
        if start > now:
            sleep(start - now)

    def release(self) -> None:
        self._slots.release()

    def learn(self, headers: Mapping[str, str]) -> None:
        """Adopt the limits a service announces (Crossref: `x-rate-limit-limit`, `x-rate-limit-interval`)."""
        limit = headers.get("x-rate-limit-limit")
        window = headers.get("x-rate-limit-interval")
        if limit and window:
            try:
                seconds = float(window.strip().rstrip("s"))
                per = int(limit)
            except ValueError:
                return
            if per > 0 and seconds > 0:
                with self._lock:
                    self.interval = max(self.interval, seconds / per)


def parse_retry_after(value: str | None, *, now: float | None = None, cap: float = 300.0) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); None when unreadable.

    >>> parse_retry_after("1")
    1.0
    >>> parse_retry_after("-5")
    0.0
    >>> parse_retry_after("1e12")
    300.0
    >>> parse_retry_after("soon") is None
    True
    """
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), cap)


def user_agent(settings: Settings) -> str:
    """Descriptive User-Agent; the contact address puts us in Crossref's polite pool."""
    contact = f"; mailto:{settings.email}" if settings.email else ""
    return f"senref/{__version__} (reference manager for therapy-induced senescence research{contact})"


def make_session(settings: Settings) -> requests.Session:
    """The session factory: headers every request carries. Retries are ours (see HttpClient), not urllib3's,
    so that Retry-After is honoured with a cap and the wait can be interrupted."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent(settings)
    session.headers["Accept-Encoding"] = "gzip, deflate"
    session.max_redirects = 10
    return session


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


class HttpClient:
    """Shared by all sources of one job; thread-safe (one `requests.Session` per thread)."""

    def __init__(self, settings: Settings, *, cache_dir: Path | None = None, connect_timeout: float = 10.0,
                 read_timeout: float = 30.0, retries: int = 3, backoff: float = 1.0, max_wait: float = 60.0,
                 etiquette: Mapping[str, tuple[float, int]] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> None:
        self.settings = settings
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.cache = ResponseCache(cache_dir) if cache_dir else None
        self.should_stop = should_stop or (lambda: False)
        self._etiquette = dict(HOST_ETIQUETTE if etiquette is None else etiquette)
        self._limiters: dict[str, HostLimiter] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        #: every URL requested (after the cache), in order: tests and `--verbose` read it
        self.requested: list[str] = []

    # -- plumbing ----------------------------------------------------------------------------
    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = make_session(self.settings)
            self._local.session = session
        return session

    def limiter(self, url: str) -> HostLimiter:
        host = (urllib.parse.urlsplit(url).netloc or "").lower()
        with self._lock:
            limiter = self._limiters.get(host)
            if limiter is None:
                interval, concurrency = self._etiquette.get(host.split(":")[0], DEFAULT_ETIQUETTE)
                limiter = self._limiters[host] = HostLimiter(interval, concurrency)
            return limiter

    def _wait(self, seconds: float) -> None:
        """Sleep in small steps so a cancelled job stops waiting out a long Retry-After."""
        deadline = time.monotonic() + seconds
        while not self.should_stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.1))
        raise HttpError("cancelled")

    def _send(self, url: str, params: Mapping[str, str] | None, headers: Mapping[str, str] | None,
              stream: bool) -> requests.Response:
        """One request with retries on 429/5xx and connection trouble; the caller closes streams."""
        attempt = 0
        limiter = self.limiter(url)
        while True:
            if self.should_stop():
                raise HttpError("cancelled", url=url)
            limiter.acquire()
            try:
                with self._lock:
                    self.requested.append(url)
                response = self.session().get(url, params=params, headers=dict(headers or {}),
                                              timeout=self.timeout, stream=stream, allow_redirects=True)
            except requests.Timeout as exc:
                error: HttpError | None = HttpError(f"{_host(url)} did not answer in time", url=url)
                cause: Exception = exc
            except requests.TooManyRedirects as exc:
                raise HttpError(f"too many redirects from {_host(url)}", url=url) from exc
            except requests.ConnectionError as exc:
                error, cause = HttpError(f"cannot connect to {_host(url)}", url=url), exc
            except requests.RequestException as exc:
                raise HttpError(f"request to {_host(url)} failed: {type(exc).__name__}", url=url) from exc
            else:
                error = None
                limiter.learn(response.headers)
            finally:
                limiter.release()
            if error is None and response.status_code not in RETRY_STATUSES:
                return response
            if attempt >= self.retries:
                if error is not None:
                    raise error from cause
                return response
            wait = None
            if error is None:
                wait = parse_retry_after(response.headers.get("Retry-After"), cap=self.max_wait)
                log.info("%s answered %s; retrying", _host(url), response.status_code)
                response.close()
            self._wait(self.backoff * (2 ** attempt) if wait is None else wait)
            attempt += 1

    # -- public ------------------------------------------------------------------------------
    def get(self, url: str, *, params: Mapping[str, str] | None = None, accept: str = "application/json",
            headers: Mapping[str, str] | None = None, cache: bool = True, ok: tuple[int, ...] = (200,)) -> Response:
        """GET a metadata document. A status outside *ok* raises HttpError carrying status and body."""
        full = url + ("?" + urllib.parse.urlencode(sorted(params.items())) if params else "")
        key = ResponseCache.key(full, accept) if (cache and self.cache) else ""
        if key and self.cache:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        sent = {"Accept": accept, **dict(headers or {})}
        raw = self._send(full, None, sent, stream=False)
        response = Response(url=raw.url, status=raw.status_code, headers=CaseInsensitiveDict(raw.headers),
                            content=raw.content)
        if response.status not in ok:
            raise HttpError(f"{_host(url)} answered {response.status}", url=full, status=response.status,
                            body=response.content[:4096])
        if key and self.cache and response.status == 200:
            self.cache.put(key, response)
        return response

    def download(self, url: str, dest: Path, *, max_bytes: int = 200 * 1024 * 1024, deadline: float = 120.0,
                 accept: str = "application/pdf,*/*;q=0.5") -> Download:
        """Stream *url* into *dest* (created or truncated). Raises HttpError and removes *dest* on any failure."""
        started = time.monotonic()
        raw = self._send(url, None, {"Accept": accept}, stream=True)
        try:
            if raw.status_code != 200:
                raise HttpError(f"{_host(url)} answered {raw.status_code}", url=url, status=raw.status_code)
            declared = raw.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise HttpError(f"file larger than {max_bytes // (1024 * 1024)} MB", url=url)
            size = 0
            head = b""
            tail = b""
            with dest.open("wb") as out:
                for chunk in _arriving_chunks(raw, 64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise HttpError(f"file larger than {max_bytes // (1024 * 1024)} MB", url=url)
                    if time.monotonic() - started > deadline:
                        raise HttpError(f"download from {_host(url)} took longer than {deadline:g} s", url=url)
                    if self.should_stop():
                        raise HttpError("cancelled", url=url)
                    if len(head) < 1024:
                        head += chunk[: 1024 - len(head)]
                    tail = (tail + chunk)[-1024:]
                    out.write(chunk)
            return Download(dest, size, raw.headers.get("Content-Type", ""), raw.url, head, tail)
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            dest.unlink(missing_ok=True)
            raise HttpError(f"download from {_host(url)} broke off ({type(exc).__name__})", url=url) from exc
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        finally:
            raw.close()


def _arriving_chunks(raw: requests.Response, size: int) -> Iterator[bytes]:
    """The body in pieces as they arrive, each at most *size* bytes.

    `iter_content(size)` blocks until *size* bytes are in, so a server dripping one byte per second
    keeps every socket read inside the read timeout and the download deadline is never looked at.
    urllib3's `read1` returns whatever has arrived, so the caller's checks run between pieces.
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


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def client_for(settings: Settings, cache_dir: Path | None, **kwargs: Any) -> HttpClient:
    """Convenience for CLI and GUI: the client with the cache in `<cache>/http` and the user's network limits."""
    limits = {"connect_timeout": settings.connect_timeout, "read_timeout": settings.read_timeout,
              "retries": settings.retries}
    return HttpClient(settings, cache_dir=cache_dir / "http" if cache_dir else None, **{**limits, **kwargs})
