"""Topic tagging of a large import's batches in a second process, while this one parses and writes.

Tagging a record costs about as much as parsing, checking and writing it; on two cores the two halves
run side by side. The worker tags a cleaned copy of each record exactly as the library would and sends
back its tags and extras; the library uses them only for a record it files as new (a record merged into
an existing item is tagged after the merge, here, as always). Any failure of the worker (it died, it
could not start, a record would not pickle) falls back to tagging in this process: the pool only ever
saves time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from senref.core import stored_evidence
from senref.core.model import Item, Tag
from senref.core.sanitize import clean_item

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

#: What the worker sends back per record: its tags and its topic evidence (None: none) after tagging
#: (tagging changes nothing else), and the evidence's stored form, made here rather than in the import.
Tagged = tuple[list[Tag], Any, stored_evidence.Packed | None]
EVIDENCE = stored_evidence.EVIDENCE

_worker_tagger: Any = None


def _start(tagger: Any, parent: int) -> None:
    global _worker_tagger  # noqa: PLW0603 - one tagger per worker process, set once when it starts
    _worker_tagger = tagger
    # A worker holds its own end of the queue it reads, so it never sees its parent die: a killed
    # import would leave it waiting for good. It watches its parent instead.
    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _tag(items: list[Item]) -> list[Tagged]:
    out = []
    for item in items:
        clean_item(item)
        _worker_tagger.apply(item)
        evidence = item.extras.get(EVIDENCE)
        out.append((item.tags, evidence, stored_evidence.pack(evidence) if evidence else None))
    return out


def take(item: Item, tagged: Tagged) -> None:
    """Give *item* the tags the worker found for it."""
    item.tags, evidence, packed = tagged
    if evidence:
        item.extras[EVIDENCE] = evidence
        if packed is not None:
            stored_evidence.hand_over(evidence, packed)  # the write stores it as it is
    else:
        item.extras.pop(EVIDENCE, None)


class TagPool:
    """One worker process tagging whole batches; started on first use, shut down by `close`."""

    def __init__(self, tagger: Any) -> None:
        self._tagger = tagger
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def submit(self, items: list[Item]) -> Future[list[Tagged]] | None:
        """The batch's tags to come, or None when this process must tag it itself."""
        if self._broken:
            return None
        try:
            if self._pool is None:
                # Imported here: process pools weigh 2.6 MB in a window that may never import a file.
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # Spawned, not forked: the parent holds SQLite connections and may run threads.
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start, initargs=(self._tagger, os.getpid()))
            return self._pool.submit(_tag, items)
        except Exception as exc:
            log.warning("tagging in this process: the tagging worker could not take the batch (%s)", exc)
            self._broken = True
            return None

    def result(self, future: Future[list[Tagged]] | None, size: int) -> list[Tagged] | None:
        """The tags of a submitted batch, or None (tag in this process) when the worker failed."""
        if future is None:
            return None
        try:
            tagged = future.result()
        except Exception as exc:
            log.warning("tagging in this process: the tagging worker failed (%s)", exc)
            self._broken = True
            return None
        return tagged if len(tagged) == size else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
