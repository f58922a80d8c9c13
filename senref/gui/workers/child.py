"""The worker process: runs RemoteCalls one at a time and reports back over a pipe. Never imports Qt.

Parsing, tagging and merging are Python work that holds the interpreter lock; in a thread of the
window's process they starve its event loop. Here they hold only this process's lock.

Messages to the window (one pickled list per send, batched so a 100,000-entry import is not 100,000
sends): ("started", id), ("progress", id, event), ("event", id, hook, args), ("done", id, result),
("error", id, message, details). From the window: ("run", id, call), ("cancel", id), ("quit",).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pickle
import queue
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any

from senref.gui.workers.remote import LibraryRef, RemoteCall, user_message

log = logging.getLogger(__name__)

#: Set in the environment to run `module:function` in each worker as it starts (the test suite's
#: network guard uses it; a profiler could).
INIT_VARIABLE = "SENREF_WORKER_INIT"
#: How long events wait to be batched (well under what a person notices).
FLUSH_SECONDS = 0.03
#: How much lower the worker's scheduling priority is than the window's.
NICENESS = 5
#: Libraries kept open between jobs (the window's, and the demo's after a switch).
OPEN_LIBRARIES = 2


class Outbox:
    """Batches messages to the window; a flusher thread sends what waited longer than FLUSH_SECONDS."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._pending: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._flush_loop, name="senref-outbox", daemon=True)
        self._thread.start()

    def put(self, message: tuple[Any, ...]) -> None:
        with self._lock:
            if message[0] == "event" and self._merge(message):
                return
            self._pending.append(message)

    def _merge(self, message: tuple[Any, ...]) -> bool:
        """Fold a library event into the same hook's pending one: a batch saving item after item fires
        items_changed per save, and one event with all the keys is enough (the window re-reads anyway)."""
        for index, earlier in enumerate(self._pending):
            if earlier[0] == "event" and earlier[1:3] == message[1:3]:
                if message[2] in ("items_changed", "items_removed"):
                    keys = list(dict.fromkeys([*earlier[3][0], *message[3][0]]))
                    self._pending[index] = (*earlier[:3], (keys,))
                return True  # collections_changed, tags_changed: no arguments, once is enough
        return False

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
            if batch:
                self.conn.send_bytes(_dumps(batch))

    def close(self) -> None:
        self._closed.set()
        self.flush()

    def _flush_loop(self) -> None:
        while not self._closed.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except OSError:  # the window went away; the main loop sees it too
                return


def _dumps(batch: list[tuple[Any, ...]]) -> bytes:
    try:
        return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an event that cannot travel must not lose the others, nor the job's end
        kept = []
        for message in batch:
            try:
                pickle.dumps(message)
            except Exception:
                if message[0] not in ("done", "progress"):
                    continue
                kept.append(("error", message[1], f"the result could not be sent back: {user_message(exc)}",
                             traceback.format_exc()))
            else:
                kept.append(message)
        return pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)


class WorkerProcess:
    """The process's state: open libraries, the job running, its cancel flag."""

    def __init__(self, commands: Connection, events: Connection) -> None:
        self.commands = commands
        self.outbox = Outbox(events)
        self.jobs: queue.Queue[tuple[int, RemoteCall] | None] = queue.Queue()
        self.cancelled: set[int] = set()
        self._cancel_lock = threading.Lock()
        self.libraries: dict[bytes, Any] = {}

    def serve(self) -> None:
        reader = threading.Thread(target=self._read_commands, name="senref-commands", daemon=True)
        reader.start()
        try:
            while (job := self.jobs.get()) is not None:
                self.run(*job)
        finally:
            for library in self.libraries.values():
                library.close()
            self.outbox.close()

    def _read_commands(self) -> None:
        try:
            while True:
                message = self.commands.recv()
                if message[0] == "run":
                    self.jobs.put((message[1], message[2]))
                elif message[0] == "cancel":
                    with self._cancel_lock:
                        self.cancelled.add(message[1])
                elif message[0] == "quit":
                    break
        except (EOFError, OSError):  # the window closed its end: finish the job in hand, then stop
            pass
        self.jobs.put(None)

    def run(self, job_id: int, call: RemoteCall) -> None:
        self.outbox.put(("started", job_id))
        unsubscribe: list[Any] = []
        try:
            _apply_environment(call.env)
            library = self.library(call.library) if call.library is not None else None
            if library is not None:
                for hook in ("items_changed", "items_removed", "collections_changed", "tags_changed"):
                    unsubscribe.append(library.events.subscribe(hook, _forward(self.outbox, job_id, hook)))

            def progress(*args: Any) -> None:
                self.outbox.put(("progress", job_id, args[0] if len(args) == 1 else tuple(args)))

            def should_stop() -> bool:
                return job_id in self.cancelled

            result = call.fn(library, progress, should_stop, **call.kwargs)
        except Exception as exc:  # every failure reaches the user as a message, never as a dead worker
            log.exception("background job failed")
            self.outbox.put(("error", job_id, user_message(exc), traceback.format_exc()))
        else:
            self.outbox.put(("done", job_id, result))
        finally:
            for undo in unsubscribe:
                undo()
            with self._cancel_lock:
                self.cancelled.discard(job_id)
            self.outbox.flush()

    def library(self, ref: LibraryRef) -> Any:
        from senref.core.library import Library

        key = pickle.dumps((str(ref.folder), ref.tagger))
        if key not in self.libraries:
            while len(self.libraries) >= OPEN_LIBRARIES:
                self.libraries.pop(next(iter(self.libraries))).close()
            # No backups from here: the window's own library makes them when it closes.
            self.libraries[key] = Library.open(ref.folder, create=False, role="senref worker",
                                               tagger=ref.tagger, autotag=ref.tagger is not None)
        return self.libraries[key]


def _forward(outbox: Outbox, job_id: int, hook: str) -> Any:
    def send(*args: Any) -> None:
        outbox.put(("event", job_id, hook, tuple(list(a) if isinstance(a, list | tuple) else a for a in args)))
    return send


def _apply_environment(env: dict[str, str]) -> None:
    if env != dict(os.environ):
        os.environ.clear()
        os.environ.update(env)


def run_initializer(spec: str) -> None:
    module, _, name = spec.partition(":")
    getattr(importlib.import_module(module), name)()


def main(commands: Connection, events: Connection, spec: str | None = None) -> None:
    """The worker process's entry point (multiprocessing target); *spec*: the window's INIT_VARIABLE."""
    # Background work yields the processor to the window (and to the user's other programs) first.
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
    if spec:
        run_initializer(spec)
    WorkerProcess(commands, events).serve()

