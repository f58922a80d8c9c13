"""A large import tags its batches in a worker process: the library it builds is the one in-process
tagging builds, and a worker that cannot help leaves the import to tag by itself."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from senref.core import stored_evidence, tag_pool
from senref.core.library import Library
from senref.core.model import MANUAL, Item
from senref.core.query import ItemQuery
from senref.core.records import ImportRecord
from senref.topics.tagger import get_tagger

_TEXTS = [
    ("Irradiated fibroblasts became senescent", "IMR-90 cells irradiated with 10 Gy became senescent and their IL-6 secretion rose."),
    ("Navitoclax after docetaxel", "Docetaxel-induced senescent prostate cancer cells were then eliminated by ABT-263."),
    ("Leaf senescence in wheat", "Chlorophyll loss marks leaf senescence (NCT01234567 is unrelated)."),
    ("p16INK4a and lamin B1", "Senescent cells lose LMNB1 and gain p16; SA-β-gal staining quantified them."),
    ("A paper about nothing", "Weather."),
]


def _records(n: int) -> list[ImportRecord]:
    out = []
    for i in range(n):
        title, abstract = _TEXTS[i % len(_TEXTS)]
        item = Item(fields={"title": f"{title} ({i})", "abstractNote": abstract, "date": str(1990 + i % 30)})
        if i % 7 == 0:
            item.add_tag("mine", MANUAL)
        if i % 11 == 0:
            item.extras["rejectedTopics"] = ["SASP"]
        out.append(ImportRecord(item=item, line=i + 1))
    return out


def _state(folder: Path) -> list[tuple[str, list[tuple[str, int]], Any]]:
    with Library.open(folder, autotag=False) as library:
        items = [library.get_item(k) for k in library.keys(ItemQuery())]
    return sorted((i.title, sorted((t.tag, t.type) for t in i.tags), i.extras.get("topicEvidence")) for i in items)


def _columns(folder: Path) -> list[tuple[Any, ...]]:
    """Every column of every item row but those random or of the clock (key, dates), in title order."""
    conn = sqlite3.connect(folder / "library.sqlite")
    conn.row_factory = sqlite3.Row
    try:
        rows = [{k: r[k] for k in r.keys() if k not in ("id", "key", "date_added", "date_modified")}  # noqa: SIM118
                for r in conn.execute("SELECT * FROM items")]
    finally:
        conn.close()
    return sorted(tuple(r.items()) for r in rows)


def test_pooled_import_tags_as_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    submitted: list[int] = []
    real = tag_pool.TagPool.submit
    packed_here: list[int] = []
    real_pack = stored_evidence.pack

    def counted_pack(evidence: Any) -> Any:
        packed_here.append(1)
        return real_pack(evidence)
    monkeypatch.setattr(stored_evidence, "pack", counted_pack)

    def counting(self: tag_pool.TagPool, items: list[Item]) -> Any:
        future = real(self, items)
        submitted.append(len(items) if future is not None else -1)
        return future

    monkeypatch.setattr(tag_pool.TagPool, "submit", counting)
    with Library.open(tmp_path / "pooled", tagger=get_tagger()) as library:
        report = library.import_records(_records(1130), batch=250)
    assert report.created == 1130
    assert submitted == [250, 250, 250]  # the first and the last (partial) batches are tagged here
    pooled_packs = len(packed_here)
    with Library.open(tmp_path / "here", tagger=get_tagger()) as library:
        library.import_records(_records(1130), batch=100_000)
    pooled, here = _state(tmp_path / "pooled"), _state(tmp_path / "here")
    assert pooled == here
    # The worker's stored evidence is what this process would have stored, byte for byte, and it was used:
    # this process packed the evidence of the records it tagged itself, not of the worker's (the worker
    # always tags the chunks it has started, so some are its own however far behind it is).
    assert _columns(tmp_path / "pooled") == _columns(tmp_path / "here")
    assert pooled_packs < len(packed_here) - pooled_packs - tag_pool.CHUNK
    conn = sqlite3.connect(tmp_path / "pooled" / "library.sqlite")
    try:
        assert conn.execute("SELECT COUNT(*) FROM items WHERE packed_evidence IS NOT NULL").fetchone()[0] > 0
    finally:
        conn.close()
    assert any("Drug/navitoclax" in dict(tags) for _, tags, _ in pooled)
    assert any("SASP" in dict(tags) for _, tags, _ in pooled)


class _Executor:
    """Stands for the worker: hands out futures the test finishes, starts or leaves pending."""

    def __init__(self) -> None:
        self.futures: list[Future[Any]] = []
        self.chunks: list[list[Item]] = []

    def submit(self, fn: Any, chunk: list[Item]) -> Future[Any]:
        future: Future[Any] = Future()
        self.futures.append(future)
        self.chunks.append(chunk)
        return future

    def shutdown(self, **_: Any) -> None:
        pass


def _tagged_here(items: list[Item]) -> list[Any]:
    tag_pool._worker_tagger = get_tagger()
    try:
        return tag_pool._tag(items)
    finally:
        tag_pool._worker_tagger = None


def test_the_import_takes_back_the_chunks_the_worker_has_not_started() -> None:
    pool = tag_pool.TagPool(get_tagger())
    executor = _Executor()
    pool._pool = executor  # type: ignore[assignment]
    items = [record.item for record in _records(tag_pool.CHUNK * 4 + 7)]
    submitted = pool.submit(items)
    assert submitted is not None and len(executor.futures) == 5
    done, running, *pending = executor.futures
    done.set_running_or_notify_cancel()
    done.set_result(_tagged_here(executor.chunks[0]))
    running.set_running_or_notify_cancel()
    threading.Timer(0.05, lambda: running.set_result(_tagged_here(executor.chunks[1]))).start()
    tagged = pool.result(submitted, len(items))
    assert tagged is not None and len(tagged) == len(items)
    first = 2 * tag_pool.CHUNK
    assert all(t is not None for t in tagged[:first])
    assert tagged[first:] == [None] * (len(items) - first)  # this process tags those
    assert all(f.cancelled() for f in pending)
    assert pool.taken_back == len(items) - first
    assert [(sorted(tags), packed) for tags, _, packed in tagged[:first]] == \
        [(sorted(tags), packed) for tags, _, packed in _tagged_here(items[:first])]


def test_a_chunk_the_worker_fails_fails_the_batch_over_to_this_process() -> None:
    pool = tag_pool.TagPool(get_tagger())
    executor = _Executor()
    pool._pool = executor  # type: ignore[assignment]
    submitted = pool.submit([record.item for record in _records(tag_pool.CHUNK + 1)])
    for future in executor.futures:
        future.set_running_or_notify_cancel()
    executor.futures[0].set_result([])  # a short answer is no answer
    executor.futures[1].set_result(_tagged_here(executor.chunks[1]))
    assert pool.result(submitted, tag_pool.CHUNK + 1) is None
    assert pool.submit([Item(fields={"title": "x"})]) is None  # and the worker is not asked again


def test_a_worker_that_fails_leaves_the_tagging_to_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A spawned worker would not see a patched _tag: the hand-over itself fails instead.
    from concurrent.futures import ProcessPoolExecutor

    monkeypatch.setattr(ProcessPoolExecutor, "submit", lambda self, fn, *a: (_ for _ in ()).throw(OSError("no")))
    with Library.open(tmp_path / "lib", tagger=get_tagger()) as library:
        report = library.import_records(_records(900), batch=200)
    assert report.created == 900
    with Library.open(tmp_path / "ref", tagger=get_tagger()) as library:
        library.import_records(_records(900), batch=100_000)
    assert _state(tmp_path / "lib") == _state(tmp_path / "ref")


def test_a_worker_goes_when_its_import_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import sys, time\n"
        "from senref.core.tag_pool import TagPool\n"
        "from senref.core.model import Item\n"
        "from senref.topics.tagger import get_tagger\n"
        "pool = TagPool(get_tagger())\n"
        "print(pool.result(pool.submit([Item(fields={'title': 'x'})]), 1) is not None, flush=True)\n"
        "import multiprocessing\n"
        "print(' '.join(str(p.pid) for p in multiprocessing.active_children()), flush=True)\n"
        "time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "True"
    workers = [int(p) for p in child.stdout.readline().split()]
    assert workers
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    deadline = time.monotonic() + 20
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in alive if _alive(p)]
    assert not alive, f"tagging workers outlived their killed import: {alive}"


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purpose (its parent, the killed import, is no more)
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").split()[2] != "Z"
    except OSError:
        return False
