"""When to write: debounced, one writer per target, failed targets retried with back-off (injectable clock).

Plain logic, no threads or timers: the GUI drives it from a QTimer and `senref sync run --watch`
from a polling loop; both ask `due()` when `next_deadline()` comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class _Pending:
    first: float  # when the first change of this burst arrived
    due: float  # when to write if nothing else arrives


@dataclass
class Scheduler:
    """Debounce per target: a write happens `delay` s after the last change, at most `max_wait` s
    after the first, so an edit storm yields a few writes, never one per edit, and never starves."""

    delay: float = 1.0
    max_wait: float = 5.0
    retry_base: float = 5.0
    retry_max: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _pending: dict[str, _Pending] = field(default_factory=dict)
    _running: set[str] = field(default_factory=set)
    _again: set[str] = field(default_factory=set)  # changed while being written: write once more
    _failures: dict[str, int] = field(default_factory=dict)

    def touch(self, target_ids: Iterable[str], *, now: float | None = None, delay: float | None = None) -> None:
        """Changes arrived for these targets."""
        now = self.clock() if now is None else now
        wait = self.delay if delay is None else delay
        for tid in target_ids:
            if tid in self._running:
                self._again.add(tid)
                continue
            pending = self._pending.get(tid)
            if pending is None:
                self._pending[tid] = _Pending(now, now + wait)
            else:
                pending.due = min(max(pending.due, now + wait), pending.first + self.max_wait)

    def next_deadline(self) -> float | None:
        waiting = [p.due for tid, p in self._pending.items() if tid not in self._running]
        return min(waiting) if waiting else None

    def due(self, now: float | None = None) -> list[str]:
        """Targets to write now; they count as running until `finished`."""
        now = self.clock() if now is None else now
        ready = [tid for tid, p in self._pending.items() if p.due <= now and tid not in self._running]
        for tid in ready:
            del self._pending[tid]
            self._running.add(tid)
        return ready

    def finished(self, target_id: str, ok: bool, *, now: float | None = None) -> None:
        """A write ended; a failure is retried after a growing pause, a change during it soon."""
        now = self.clock() if now is None else now
        self._running.discard(target_id)
        if ok:
            self._failures.pop(target_id, None)
        else:
            n = self._failures.get(target_id, 0) + 1
            self._failures[target_id] = n
            self.touch([target_id], now=now, delay=self.retry_delay(n))
        if target_id in self._again:
            self._again.discard(target_id)
            self.touch([target_id], now=now)

    def retry_delay(self, failures: int) -> float:
        """Seconds before retry number *failures* (doubling, capped).

        >>> Scheduler(retry_base=5, retry_max=60).retry_delay(4)
        40.0
        """
        return float(min(self.retry_max, self.retry_base * 2 ** (failures - 1)))

    def cancel(self, target_id: str) -> None:
        self._pending.pop(target_id, None)
        self._again.discard(target_id)

    def is_running(self, target_id: str) -> bool:
        return target_id in self._running

    def pending(self) -> list[str]:
        return list(self._pending)
