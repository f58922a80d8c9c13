"""Pacing per host: each service's published etiquette, the limits it announces, and Retry-After."""

from __future__ import annotations

import email.utils
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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

