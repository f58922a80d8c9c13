"""`HttpClient`: one GET path for metadata and downloads, with every hop checked, retries and a breaker."""

from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from senref.core.settings import Settings
from senref.sources import netguard
from senref.sources.breaker import CircuitBreaker
from senref.sources.http.body import AttemptFailed, Budget, Collect, read_body
from senref.sources.http.cache import ResponseCache
from senref.sources.http.pacing import DEFAULT_ETIQUETTE, HOST_ETIQUETTE, HostLimiter, parse_retry_after
from senref.sources.http.results import MIB, Download, HttpError, Response, host_of, mb_text
from senref.sources.http.session import MAX_REDIRECTS, environment_ca_bundle, environment_proxy, make_session

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: How much of an error answer is kept (for its message); the rest is not read.
ERROR_BODY_BYTES = 64 * 1024


@dataclass
class _Redirect:
    location: str


@dataclass
class _Retry:
    """An attempt worth repeating: the error if it is the last, and the wait the server asked for."""

    error: HttpError
    wait: float | None = None


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
        host = host_of(url).lower()
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
            host = host_of(url)
            self.breaker.failure(host, f"cannot find {host}")
            raise HttpError(f"cannot find {host} (no DNS answer: offline?)", url=url) from exc
        return proxy

    def _fetch(self, url: str, headers: Mapping[str, str], deadline: float,
               consume: Callable[[requests.Response, Budget, netguard.Exchange], Any]) -> Any:
        """GET *url*, following redirects hop by hop, retrying 429/5xx and connection trouble; the final
        answer (any status but a redirect) is handed to *consume* while its connection is still open."""
        budget = Budget(deadline)
        current, previous = url, None
        for _hop in range(self.max_redirects + 1):
            proxy = self._check_hop(current, previous)
            outcome = self._attempts(current, headers, proxy, budget, consume)
            if not isinstance(outcome, _Redirect):
                return outcome
            previous, current = current, outcome.location
        raise HttpError(f"too many redirects from {host_of(url)} (more than {self.max_redirects})", url=url)

    def _attempts(self, url: str, headers: Mapping[str, str], proxy: str | None, budget: Budget,
                  consume: Callable[[requests.Response, Budget, netguard.Exchange], Any]) -> Any:
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

    def _attempt(self, url: str, headers: Mapping[str, str], proxy: str | None, budget: Budget,
                 consume: Callable[[requests.Response, Budget, netguard.Exchange], Any], *, last: bool) -> Any:
        host = host_of(url)
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
        except AttemptFailed as failure:
            self.breaker.failure(host, failure.error.reason)
            raise failure.error from failure.__cause__
        finally:
            limiter.release()

    def _answer(self, url: str, raw: requests.Response, budget: Budget, exchange: netguard.Exchange,
                consume: Callable[[requests.Response, Budget, netguard.Exchange], Any], *, last: bool) -> Any:
        host = host_of(url)
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
                  budget: Budget) -> AttemptFailed:
        """What a failed attempt means for the user, for retrying and for the breaker."""
        host = host_of(url)
        if exchange.blocked:
            return AttemptFailed(HttpError(f"refused: {exchange.blocked}", url=url))
        if exchange.expired or budget.left() <= 0:
            error = HttpError(f"{host} took longer than {budget.seconds:g} s", url=url)
            self.breaker.failure(host, error.reason)
            return AttemptFailed(error)
        if isinstance(exc, requests.exceptions.SSLError):
            return AttemptFailed(HttpError(f"secure connection to {host} failed (certificate not trusted?)", url=url))
        if isinstance(exc, requests.exceptions.ProxyError):
            # The proxy comes from the environment (HTTP(S)_PROXY): name it, the user may not know it is set.
            error = HttpError(f"cannot connect to {host} through the proxy {host_of(environment_proxy(url) or '?')}",
                              url=url)
            if _caused_by(exc, ConnectionRefusedError):
                self.breaker.failure(host, error.reason)
                return AttemptFailed(error)
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
                return AttemptFailed(error, retry=True)
            self.breaker.failure(host, error.reason)
            return AttemptFailed(error)
        else:
            return AttemptFailed(HttpError(f"request to {host} failed: {type(exc).__name__}", url=url))
        self.breaker.failure(host, error.reason)
        return AttemptFailed(error, retry=True)

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

        def consume(raw: requests.Response, budget: Budget, exchange: netguard.Exchange) -> Response:
            good = raw.status_code in ok
            body = Collect()
            read_body(raw, body, cap if good else min(cap, ERROR_BODY_BYTES), budget, exchange,
                      should_stop=self.should_stop, what="answer",
                      too_large=f"answer from {host_of(raw.url)} larger than {mb_text(cap)}", truncate=not good)
            return Response(url=raw.url, status=raw.status_code, headers=CaseInsensitiveDict(raw.headers),
                            content=body.value())

        response: Response = self._fetch(full, sent, self.deadline, consume)
        if response.status not in ok:
            raise HttpError(f"{host_of(response.url)} answered {response.status}", url=full, status=response.status,
                            body=response.content[:4096])
        if key and self.cache and response.status == 200:
            self.cache.put(key, response)
        return response

    def download(self, url: str, dest: Path, *, max_bytes: int = 200 * 1024 * 1024, deadline: float = 120.0,
                 accept: str = "application/pdf,*/*;q=0.5") -> Download:
        """Stream *url* into *dest* (created or truncated). Raises HttpError and removes *dest* on any failure."""

        def consume(raw: requests.Response, budget: Budget, exchange: netguard.Exchange) -> Download:
            if raw.status_code != 200:
                raise HttpError(f"{host_of(raw.url)} answered {raw.status_code}", url=raw.url, status=raw.status_code)
            with dest.open("wb") as out:
                size, head, tail = read_body(raw, out, max_bytes, budget, exchange, should_stop=self.should_stop,
                                             what="download", too_large=f"file larger than {mb_text(max_bytes)}")
            return Download(dest, size, raw.headers.get("Content-Type", ""), raw.url, head, tail)

        try:
            result: Download = self._fetch(url, {"Accept": accept}, deadline, consume)
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        return result


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


def client_for(settings: Settings, cache_dir: Path | None, **kwargs: Any) -> HttpClient:
    """Convenience for CLI and GUI: the client with the cache in `<cache>/http` and the user's network limits."""
    return HttpClient(settings, cache_dir=cache_dir / "http" if cache_dir else None, **kwargs)
