"""Per-host circuit breaker: a host that keeps failing is skipped for a while instead of waited for.

Without it a batch of 200 identifiers against a dead service waits 200 times for the timeout. After
`failures` connection failures, timeouts or 5xx answers in a row (within `window` seconds), every
request to that host fails at once with the same one-line message for `cooldown` seconds; then one
request is let through to see whether the host is back (success closes the breaker, failure opens
it for another cool-down).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Host:
    streak: int = 0
    first: float = 0.0
    open_until: float = 0.0
    probing: bool = False
    message: str = ""


class CircuitBreaker:
    """Thread-safe; `failures <= 0` turns it off."""

    def __init__(self, failures: int = 5, window: float = 60.0, cooldown: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.window = window
        self.cooldown = cooldown
        self.clock = clock
        self._hosts: dict[str, _Host] = {}
        self._opened: dict[str, str] = {}
        self._lock = threading.Lock()

    def refusal(self, host: str) -> str | None:
        """The message to fail with when *host* is being skipped, else None (and the request may go)."""
        if self.failures <= 0:
            return None
        with self._lock:
            state = self._hosts.get(host)
            if state is None or not state.open_until:
                return None
            if self.clock() < state.open_until or state.probing:
                return state.message
            state.probing = True  # cool-down over: this one request finds out whether the host is back
            return None

    def failure(self, host: str, reason: str) -> None:
        if self.failures <= 0:
            return
        with self._lock:
            state = self._hosts.setdefault(host, _Host())
            now = self.clock()
            if state.probing:
                state.probing = False
                state.open_until = now + self.cooldown
                return
            if state.open_until:  # a request that was already under way when the breaker opened
                return
            if state.streak == 0 or now - state.first > self.window:
                state.streak, state.first = 0, now
            state.streak += 1
            if state.streak >= self.failures:
                state.open_until = now + self.cooldown
                # One fixed line for the whole open period, so a batch report can show it once.
                state.message = (f"{host} skipped: {state.streak} failed attempts in a row (last: {reason}); "
                                 f"not asked again for {self.cooldown:g} s")
                self._opened.setdefault(host, state.message)
                log.warning("%s", state.message)

    def success(self, host: str) -> None:
        with self._lock:
            self._hosts.pop(host, None)

    def opened(self) -> list[str]:
        """One line per host this breaker has opened for, in the order it happened."""
        with self._lock:
            return list(self._opened.values())
