"""Topic tagging of a large import's batches in a second process, while this one parses and writes.

Tagging a record costs about as much as parsing, checking and writing it; on two cores the two halves
run side by side. The worker tags a cleaned copy of each record exactly as the library would and sends
back its tags and extras; the library uses them only for a record it files as new (a record merged into
an existing item is tagged after the merge, here, as always). Any failure of the worker (it died, it
could not start, a record would not pickle) falls back to tagging in this process: the pool only ever
saves time.

A batch goes to the worker in chunks. When the import needs a batch's tags and the worker is behind, it
takes back the chunks the worker has not started and tags them itself instead of waiting: neither
process idles while the other has work, whichever of the two is the slower on this machine and corpus.
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

#: What the worker sends back per record: its tags as (name, type) and its topic evidence (None: none)
#: after tagging (tagging changes nothing else), and the evidence's stored form, made there rather than
#: in the import. Plain tuples: unpickling a Tag object costs the import twenty times a tuple's time.
Tagged = tuple[list[tuple[str, int]], Any, stored_evidence.Packed | None]
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
        out.append(([(tag.tag, tag.type) for tag in item.tags], evidence,
                    stored_evidence.pack(evidence) if evidence else None))
    return out


def take(item: Item, tagged: Tagged) -> None:
    """Give *item* the tags the worker found for it."""
    tags, evidence, packed = tagged
    item.tags = [Tag(name, kind) for name, kind in tags]
    if evidence:
        item.extras[EVIDENCE] = evidence
        if packed is not None:
            stored_evidence.hand_over(evidence, packed)  # the write stores it as it is
    else:
        item.extras.pop(EVIDENCE, None)


#: Records a chunk holds: small enough that the import rarely waits on a chunk it could not take back,
#: large enough that handing one over costs little beside tagging it (about a tenth of a second).
CHUNK = 50


class Submitted:
    """A batch handed to the worker: its chunks' futures, in order, and their sizes."""

    def __init__(self) -> None:
        self.futures: list[Future[list[Tagged]]] = []
        self.sizes: list[int] = []


class TagPool:
    """One worker process tagging batches chunk by chunk; started on first use, shut down by `close`."""

    def __init__(self, tagger: Any) -> None:
        self._tagger = tagger
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False
        #: records of submitted batches this process tagged itself, the worker being behind
        self.taken_back = 0

    def submit(self, items: list[Item]) -> Submitted | None:
        """The batch's tags to come, or None when this process must tag it itself."""
        if self._broken:
            return None
        submitted = Submitted()
        try:
            if self._pool is None:
                # Imported here: process pools weigh 2.6 MB in a window that may never import a file.
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # Spawned, not forked: the parent holds SQLite connections and may run threads.
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start, initargs=(self._tagger, os.getpid()))
            for start in range(0, len(items), CHUNK):
                chunk = items[start:start + CHUNK]
                submitted.futures.append(self._pool.submit(_tag, chunk))
                submitted.sizes.append(len(chunk))
        except Exception as exc:
            log.warning("tagging in this process: the tagging worker could not take the batch (%s)", exc)
            self._broken = True
            for future in submitted.futures:
                future.cancel()
            return None
        return submitted

    def result(self, submitted: Submitted | None, size: int) -> list[Tagged | None] | None:
        """The tags of a submitted batch, one entry a record: None for a record this process must tag
        itself (its chunk was taken back), and None for the whole batch when the worker failed."""
        if submitted is None or sum(submitted.sizes) != size:
            return None
        # Futures run in order, so the chunks not yet started are the last ones.
        kept = len(submitted.futures)
        while kept and submitted.futures[kept - 1].cancel():
            kept -= 1
        tagged: list[Tagged | None] = []
        try:
            for future, chunk_size in zip(submitted.futures[:kept], submitted.sizes, strict=False):
                done = future.result()
                if len(done) != chunk_size:
                    raise RuntimeError(f"{len(done)} records tagged of {chunk_size}")
                tagged.extend(done)
        except Exception as exc:
            log.warning("tagging in this process: the tagging worker failed (%s)", exc)
            self._broken = True
            return None
        self.taken_back += size - len(tagged)
        tagged.extend([None] * (size - len(tagged)))
        return tagged

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
