"""The one HTTP client every source uses: User-Agent with contact, limits, retries, rate limits, cache.

`HttpClient.get` is for metadata (small bodies, cached on disk); `HttpClient.download` streams a file
to disk. Both run through the same path: every hop checked by `netguard` (http(s) only, public
addresses or a configured service root, no https->http), redirects followed here one at a time,
a byte cap counted on the wire and after decompression, a wall-clock deadline, retries on 429/5xx
and a per-host circuit breaker. Requests to one host are paced and bounded in number; requests to
different hosts run concurrently, so a batch of hundreds of identifiers keeps every service within
its etiquette while the slowest one does not hold up the rest.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import math
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from senref import __version__
from senref.core.atomic import atomic_write
from senref.core.settings import Settings
from senref.sources import netguard
from senref.sources.breaker import CircuitBreaker

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
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Never more hops than this, whatever the settings say.
MAX_REDIRECTS = 10
MIB = 1024 * 1024
#: How much of an error answer is kept (for its message); the rest is not read.
ERROR_BODY_BYTES = 64 * 1024
_BLOCK = 64 * 1024


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
    """The session factory: headers every request carries, and the guarded transport.

    `trust_env` is off, so `.netrc` credentials are never sent as Basic auth to whatever host asks
    (CVE-2024-47081 and the like); the proxy and CA-bundle settings of the environment, which are
    configuration rather than credentials, are applied per request by HttpClient instead. Redirects
    and retries are ours (see HttpClient): each hop is checked, Retry-After is honoured with a cap,
    and waits can be interrupted.
    """
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = user_agent(settings)
    session.headers["Accept-Encoding"] = "gzip, deflate"
    session.max_redirects = MAX_REDIRECTS  # requests looks at it even with allow_redirects=False
    adapter = netguard.GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def environment_proxy(url: str) -> str | None:
    """The proxy HTTP(S)_PROXY / ALL_PROXY name for *url*, None when NO_PROXY exempts it or none is set."""
    return requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url, no_proxy=None))


def environment_ca_bundle() -> str | bool:
    """The CA bundle the environment names (as requests would read it), else True: verification stays on.

    A name that is not there is passed over (requests would raise a bare OSError for every request).
    """
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        path = os.environ.get(name)
        if path and Path(path).exists():
            return path
    return True


class _Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class _Budget:
    """The wall-clock deadline of one request; time spent waiting between retries does not count."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def pause(self, seconds: float) -> None:
        self.end += seconds


@dataclass
class _Redirect:
    location: str


@dataclass
class _Retry:
    """An attempt worth repeating: the error if it is the last, and the wait the server asked for."""

    error: HttpError
    wait: float | None = None


@dataclass
class _Failure(Exception):
    """How one attempt failed: the error to report, and whether trying again could help."""

    error: HttpError
    retry: bool = False


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
    """Shared by all sources of one job; thread-safe (one `requests.Session` per thread).

    Limits not given here come from *settings* (the `[network]` table).
    """

    def __init__(self, settings: Settings, *, cache_dir: Path | None = None, connect_timeout: float | None = None,
                 read_timeout: float | None = None, retries: int | None = None, backoff: float = 1.0,
                 max_wait: float = 60.0, etiquette: Mapping[str, tuple[float, int]] | None = None,
                 should_stop: Callable[[], bool] | None = None, breaker: CircuitBreaker | None = None) -> None:
        self.settings = settings
        self.timeout = (settings.connect_timeout if connect_timeout is None else connect_timeout,
                        settings.read_timeout if read_timeout is None else read_timeout)
        self.retries = settings.retries if retries is None else retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_body_bytes = max(1, int(settings.max_metadata_mb * MIB))
        self.deadline = settings.request_deadline
        self.max_redirects = max(0, min(int(settings.max_redirects), MAX_REDIRECTS))
        self.guard = netguard.UrlGuard(netguard.trusted_origins(settings.urls.values()))
        self.breaker = breaker or CircuitBreaker(settings.breaker_failures, settings.breaker_window,
                                                 settings.breaker_cooldown)
        self.cache = ResponseCache(cache_dir) if cache_dir else None
        self.should_stop = should_stop or (lambda: False)
        self._etiquette = dict(HOST_ETIQUETTE if etiquette is None else etiquette)
        self._limiters: dict[str, HostLimiter] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        #: every URL requested (after the cache, one entry per hop and attempt), in order: tests and
        #: `--verbose` read it
        self.requested: list[str] = []

    # -- plumbing ----------------------------------------------------------------------------
    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = make_session(self.settings)
            self._local.session = session
        return session

    def limiter(self, url: str) -> HostLimiter:
        host = _host(url).lower()
        with self._lock:
            limiter = self._limiters.get(host)
            if limiter is None:
                interval, concurrency = self._etiquette.get(host.split(":")[0], DEFAULT_ETIQUETTE)
                limiter = self._limiters[host] = HostLimiter(interval, concurrency)
            return limiter

    def problems(self) -> list[str]:
        """One line per host this client stopped asking (circuit breaker): what a batch reports once."""
        return self.breaker.opened()

    def _wait(self, seconds: float) -> None:
        """Sleep in small steps so a cancelled job stops waiting out a long Retry-After."""
        deadline = time.monotonic() + seconds
        while not self.should_stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.1))
        raise HttpError("cancelled")

    def _check_hop(self, url: str, previous: str | None) -> str | None:
        """Refuse a hop the guard forbids; the proxy to use for it (None: direct)."""
        proxy = environment_proxy(url)
        try:
            if previous is not None:
                self.guard.check_redirect(previous, url)
            self.guard.check(url, proxied=proxy is not None)
        except netguard.BlockedUrl as exc:
            raise HttpError(f"refused: {exc}", url=url) from exc
        except socket.gaierror as exc:
            host = _host(url)
            self.breaker.failure(host, f"cannot find {host}")
            raise HttpError(f"cannot find {host} (no DNS answer: offline?)", url=url) from exc
        return proxy

    def _fetch(self, url: str, headers: Mapping[str, str], deadline: float,
               consume: Callable[[requests.Response, _Budget, netguard.Exchange], Any]) -> Any:
        """GET *url*, following redirects hop by hop, retrying 429/5xx and connection trouble; the final
        answer (any status but a redirect) is handed to *consume* while its connection is still open."""
        budget = _Budget(deadline)
        current, previous = url, None
        for _hop in range(self.max_redirects + 1):
            proxy = self._check_hop(current, previous)
            outcome = self._attempts(current, headers, proxy, budget, consume)
            if not isinstance(outcome, _Redirect):
                return outcome
            previous, current = current, outcome.location
        raise HttpError(f"too many redirects from {_host(url)} (more than {self.max_redirects})", url=url)

    def _attempts(self, url: str, headers: Mapping[str, str], proxy: str | None, budget: _Budget,
                  consume: Callable[[requests.Response, _Budget, netguard.Exchange], Any]) -> Any:
        """One hop: attempts until an answer, a redirect, or a failure retrying cannot mend."""
        attempt = 0
        while True:
            if self.should_stop():
                raise HttpError("cancelled", url=url)
            outcome = self._attempt(url, headers, proxy, budget, consume, last=attempt >= self.retries)
            if not isinstance(outcome, _Retry):
                return outcome
            if attempt >= self.retries or budget.left() <= 0:
                raise outcome.error
            started = time.monotonic()
            self._wait(self.backoff * (2 ** attempt) if outcome.wait is None else outcome.wait)
            budget.pause(time.monotonic() - started)
            attempt += 1

    def _attempt(self, url: str, headers: Mapping[str, str], proxy: str | None, budget: _Budget,
                 consume: Callable[[requests.Response, _Budget, netguard.Exchange], Any], *, last: bool) -> Any:
        host = _host(url)
        limiter = self.limiter(url)
        limiter.acquire()
        try:
            # Asked only once this request's turn has come: others may have opened the breaker meanwhile.
            refusal = self.breaker.refusal(host)
            if refusal is not None:
                raise HttpError(refusal, url=url)
            with self._lock:
                self.requested.append(url)
            left = max(budget.left(), 0.001)
            with netguard.Exchange(self.guard, left) as exchange:
                try:
                    raw = self.session().get(
                        url, headers=dict(headers), stream=True, allow_redirects=False,
                        timeout=(min(self.timeout[0], left), min(self.timeout[1], left)),
                        proxies={"http": proxy, "https": proxy} if proxy else {},
                        verify=environment_ca_bundle())
                except requests.RequestException as exc:
                    failure = self._classify(url, exc, exchange, budget)
                    if failure.retry:
                        return _Retry(failure.error)
                    raise failure.error from exc
                try:
                    return self._answer(url, raw, budget, exchange, consume, last=last)
                finally:
                    raw.close()
        except _Failure as failure:
            self.breaker.failure(host, failure.error.reason)
            raise failure.error from failure.__cause__
        finally:
            limiter.release()

    def _answer(self, url: str, raw: requests.Response, budget: _Budget, exchange: netguard.Exchange,
                consume: Callable[[requests.Response, _Budget, netguard.Exchange], Any], *, last: bool) -> Any:
        host = _host(url)
        status = raw.status_code
        self.limiter(url).learn(raw.headers)
        if status >= 500:
            self.breaker.failure(host, f"answered {status}")
        elif status != 429:  # a host that asks us to slow down is alive
            self.breaker.success(host)
        location = raw.headers.get("Location")
        if status in REDIRECT_STATUSES and location:
            target = urllib.parse.urljoin(url, location.strip())
            return _Redirect(requests.utils.requote_uri(urllib.parse.urldefrag(target)[0]))
        if status in RETRY_STATUSES and not last:
            log.info("%s answered %s; retrying", host, status)
            wait = parse_retry_after(raw.headers.get("Retry-After"), cap=self.max_wait)
            return _Retry(HttpError(f"{host} answered {status}", url=url, status=status), wait)
        return consume(raw, budget, exchange)

    def _classify(self, url: str, exc: requests.RequestException, exchange: netguard.Exchange,
                  budget: _Budget) -> _Failure:
        """What a failed attempt means for the user, for retrying and for the breaker."""
        host = _host(url)
        if exchange.blocked:
            return _Failure(HttpError(f"refused: {exchange.blocked}", url=url))
        if exchange.expired or budget.left() <= 0:
            error = HttpError(f"{host} took longer than {budget.seconds:g} s", url=url)
            self.breaker.failure(host, error.reason)
            return _Failure(error)
        if isinstance(exc, requests.exceptions.SSLError):
            return _Failure(HttpError(f"secure connection to {host} failed (certificate not trusted?)", url=url))
        if isinstance(exc, requests.exceptions.ProxyError):
            # The proxy comes from the environment (HTTP(S)_PROXY): name it, the user may not know it is set.
            error = HttpError(f"cannot connect to {host} through the proxy {_host(environment_proxy(url) or '?')}",
                              url=url)
            if _caused_by(exc, ConnectionRefusedError):
                self.breaker.failure(host, error.reason)
                return _Failure(error)
        elif isinstance(exc, requests.Timeout):
            error = HttpError(f"{host} did not answer in time", url=url)
        elif isinstance(exc, requests.ConnectionError):
            # Nobody listens there, or the name does not exist: asking again in a second will not help.
            if _caused_by(exc, socket.gaierror):
                error = HttpError(f"cannot find {host} (no DNS answer: offline?)", url=url)
            elif _caused_by(exc, ConnectionRefusedError):
                error = HttpError(f"cannot connect to {host} (connection refused)", url=url)
            else:
                error = HttpError(f"cannot connect to {host}", url=url)
                self.breaker.failure(host, error.reason)
                return _Failure(error, retry=True)
            self.breaker.failure(host, error.reason)
            return _Failure(error)
        else:
            return _Failure(HttpError(f"request to {host} failed: {type(exc).__name__}", url=url))
        self.breaker.failure(host, error.reason)
        return _Failure(error, retry=True)

    def _read_body(self, raw: requests.Response, out: _Sink, cap: int, budget: _Budget,
                   exchange: netguard.Exchange, *, what: str, too_large: str, truncate: bool = False) -> tuple[int, bytes, bytes]:
        """Copy the body into *out* as it arrives: at most *cap* bytes both on the wire and decoded, within
        the deadline. Returns (size, first 1 KiB, last 1 KiB); raises HttpError (`too_large` when over)."""
        url, host = raw.url, _host(raw.url)
        declared = raw.headers.get("Content-Length", "").strip()
        if not truncate and declared.isdigit() and int(declared) > cap:
            raise HttpError(too_large, url=url)
        late = HttpError(f"{what} from {host} took longer than {budget.seconds:g} s", url=url)
        size, head, tail = 0, b"", b""
        for chunk in _network_chunks(raw, exchange, late, what):
            wire = raw.raw.tell() if raw.raw is not None else size
            if size + len(chunk) > cap or wire > cap:
                if truncate:
                    out.write(chunk[: max(cap - size, 0)])
                    return cap, head, tail
                raise HttpError(too_large + (" once decompressed" if wire <= cap else ""), url=url)
            if exchange.expired or budget.left() <= 0:
                raise _Failure(late)
            if self.should_stop():
                raise HttpError("cancelled", url=url)
            size += len(chunk)
            if len(head) < 1024:
                head += chunk[: 1024 - len(head)]
            tail = (tail + chunk)[-1024:]
            out.write(chunk)  # a full disk raises OSError as it is: not the server's fault
        if exchange.expired:  # the deadline shut the socket: what looked like the end was not
            raise _Failure(late)
        return size, head, tail

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
        cap = self.max_body_bytes

        def consume(raw: requests.Response, budget: _Budget, exchange: netguard.Exchange) -> Response:
            good = raw.status_code in ok
            body = _Collect()
            self._read_body(raw, body, cap if good else min(cap, ERROR_BODY_BYTES), budget, exchange,
                            what="answer", too_large=f"answer from {_host(raw.url)} larger than {_mb(cap)}",
                            truncate=not good)
            return Response(url=raw.url, status=raw.status_code, headers=CaseInsensitiveDict(raw.headers),
                            content=body.value())

        response: Response = self._fetch(full, sent, self.deadline, consume)
        if response.status not in ok:
            raise HttpError(f"{_host(response.url)} answered {response.status}", url=full, status=response.status,
                            body=response.content[:4096])
        if key and self.cache and response.status == 200:
            self.cache.put(key, response)
        return response

    def download(self, url: str, dest: Path, *, max_bytes: int = 200 * 1024 * 1024, deadline: float = 120.0,
                 accept: str = "application/pdf,*/*;q=0.5") -> Download:
        """Stream *url* into *dest* (created or truncated). Raises HttpError and removes *dest* on any failure."""

        def consume(raw: requests.Response, budget: _Budget, exchange: netguard.Exchange) -> Download:
            if raw.status_code != 200:
                raise HttpError(f"{_host(raw.url)} answered {raw.status_code}", url=raw.url, status=raw.status_code)
            with dest.open("wb") as out:
                size, head, tail = self._read_body(raw, out, max_bytes, budget, exchange, what="download",
                                                   too_large=f"file larger than {_mb(max_bytes)}")
            return Download(dest, size, raw.headers.get("Content-Type", ""), raw.url, head, tail)

        try:
            result: Download = self._fetch(url, {"Accept": accept}, deadline, consume)
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        return result


class _Collect:
    """An in-memory sink for `_read_body` (bytes joined once at the end)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(data)
        return len(data)

    def value(self) -> bytes:
        return b"".join(self._parts)


def _arriving_chunks(raw: requests.Response, size: int) -> Iterator[bytes]:
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


def _network_chunks(raw: requests.Response, exchange: netguard.Exchange, late: HttpError,
                    what: str) -> Iterator[bytes]:
    """`_arriving_chunks`, with a connection that breaks off turned into a failure of that host."""
    try:
        yield from _arriving_chunks(raw, _BLOCK)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        if exchange.expired:
            raise _Failure(late) from exc
        raise _Failure(HttpError(f"{what} from {_host(raw.url)} broke off ({type(exc).__name__})",
                                 url=raw.url)) from exc


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether *kind* is somewhere in the chain of *exc* (requests wraps urllib3, which wraps the socket error)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return True
        stack.extend(e for e in (current.__cause__, current.__context__, getattr(current, "reason", None),
                                 *current.args) if isinstance(e, BaseException))
    return False


def _host(url: str) -> str:
    """host[:port] of *url*, without any credentials it carries (they must not reach messages or logs)."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return netloc or url


def _mb(size: int) -> str:
    """
    >>> _mb(1024 * 1024), _mb(512 * 1024), _mb(200 * 1024 * 1024)
    ('1 MB', '0.5 MB', '200 MB')
    """
    return f"{size / MIB:g} MB"


def client_for(settings: Settings, cache_dir: Path | None, **kwargs: Any) -> HttpClient:
    """Convenience for CLI and GUI: the client with the cache in `<cache>/http` and the user's network limits."""
    return HttpClient(settings, cache_dir=cache_dir / "http" if cache_dir else None, **kwargs)
