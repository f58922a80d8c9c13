"""The one HTTP client every source uses: User-Agent with contact, limits, retries, rate limits, cache.

`HttpClient.get` is for metadata (small bodies, cached on disk); `HttpClient.download` streams a file
to disk. Both run through the same path: every hop checked by `netguard` (http(s) only, public
addresses or a configured service root, no https->http), redirects followed here one at a time,
a byte cap counted on the wire and after decompression, a wall-clock deadline, retries on 429/5xx
and a per-host circuit breaker. Requests to one host are paced and bounded in number; requests to
different hosts run concurrently, so a batch of hundreds of identifiers keeps every service within
its etiquette while the slowest one does not hold up the rest.

The package is split by concern: `client` (the request path: hops, attempts, failures), `body` (reading
under the caps), `pacing` (per-host etiquette and Retry-After), `session` (the `requests` session and
the environment's proxy and CA bundle), `cache` (metadata answers on disk), `results` (what comes back).
Sources import from here.
"""

from __future__ import annotations

from senref.sources.http.cache import ResponseCache
from senref.sources.http.client import ERROR_BODY_BYTES, REDIRECT_STATUSES, RETRY_STATUSES, HttpClient, client_for
from senref.sources.http.pacing import DEFAULT_ETIQUETTE, HOST_ETIQUETTE, HostLimiter, parse_retry_after
from senref.sources.http.results import MIB, Download, HttpError, Response
from senref.sources.http.session import (
    MAX_REDIRECTS,
    environment_ca_bundle,
    environment_proxy,
    make_session,
    user_agent,
)

__all__ = [
    "DEFAULT_ETIQUETTE",
    "ERROR_BODY_BYTES",
    "HOST_ETIQUETTE",
    "MAX_REDIRECTS",
    "MIB",
    "REDIRECT_STATUSES",
    "RETRY_STATUSES",
    "Download",
    "HostLimiter",
    "HttpClient",
    "HttpError",
    "Response",
    "ResponseCache",
    "client_for",
    "environment_ca_bundle",
    "environment_proxy",
    "make_session",
    "parse_retry_after",
    "user_agent",
]
