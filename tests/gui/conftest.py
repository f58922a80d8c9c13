"""GUI test fixtures: offscreen Qt, a fresh library and main window per test, pools drained at teardown."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.settings import load_settings
from tests.gui.replay import ReplayFetcher, serve_records


@pytest.fixture(autouse=True)
def clear_clipboard_after(qapp: Any) -> Iterator[None]:
    """Empty the clipboard after each test: mime data the clipboard still owns when the test
    process exits is freed twice during interpreter shutdown (a segfault after a green run)."""
    yield
    from senref.gui import clipboard

    clipboard.release()


@pytest.fixture
def gui_library(tmp_path: Path) -> Library:
    """A fresh library (closed by the window that takes it), opened as the window opens it: through the session."""
    from senref.session import Session

    return Session.start(library=tmp_path / "gui-lib").open_library(role="gui")


def add_items(library: Library, specs: list[dict[str, Any]]) -> list[str]:
    keys = []
    for spec in specs:
        item = Item(fields={k: v for k, v in spec.items() if k not in ("creators", "tags", "doi")})
        item.creators = [Creator("author", "A.", name) for name in spec.get("creators", ["Author"])]
        for tag in spec.get("tags", []):
            item.add_tag(tag)
        if spec.get("doi"):
            item.set_identifier("doi", spec["doi"])
        keys.append(library.save_item(item).key)
    return keys


SAMPLE = [
    {"title": "Senolytic navitoclax clears irradiated cells", "date": "2019", "publicationTitle": "Aging Cell",
     "creators": ["Zhou"], "tags": ["senolytics", "radiation"], "doi": "10.1111/acel.1"},
    {"title": "Doxorubicin-induced senescence drives relapse", "date": "2021", "publicationTitle": "Cancer Research",
     "creators": ["Demaria"], "tags": ["chemotherapy"], "doi": "10.1158/can.2"},
    {"title": "A biomarker of senescent cells", "date": "1995", "publicationTitle": "PNAS",
     "creators": ["Dimri"], "tags": ["biomarkers", "radiation"], "doi": "10.1073/pnas.3"},
]


@pytest.fixture
def window(qtbot: Any, gui_library: Library) -> Iterator[Any]:
    """The real main window on a fresh library holding the three SAMPLE items."""
    add_items(gui_library, SAMPLE)
    yield from _open(qtbot, gui_library)


@pytest.fixture
def empty_window(qtbot: Any, gui_library: Library) -> Iterator[Any]:
    yield from _open(qtbot, gui_library)


def _open(qtbot: Any, library: Library) -> Iterator[Any]:
    from senref.gui.main_window import MainWindow

    win = MainWindow(library, settings=load_settings())
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    wait_idle(qtbot, win)
    yield win
    win.jobs.cancel_all()
    win.close()  # drains the job, read and write pools, then closes the library


def wait_idle(qtbot: Any, win: Any, timeout: int = 10_000) -> None:
    """Until no job, read or write is pending and the debounced refresh has run."""
    def idle() -> None:
        assert not win.jobs.active_jobs()
        assert win.reads.is_idle() and win.writes.is_idle()
        browse = win.browse_controller
        assert not browse.refresh_timer.isActive() and not browse.search_timer.isActive()
        assert not browse.select_timer.isActive()
    qtbot.waitUntil(idle, timeout=timeout)


@pytest.fixture
def replay(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ReplayFetcher:
    """Crossref- and HAL-shaped records on a local server, and a fetcher that reads them over HTTP."""
    serve_records(httpserver)
    for var in ("SENREF_CROSSREF_URL", "SENREF_HAL_API_URL", "SENREF_DOI_URL", "SENREF_UNPAYWALL_URL"):
        monkeypatch.setenv(var, httpserver.url_for("").rstrip("/"))
    return ReplayFetcher(load_settings(), log=tmp_path / "replay-calls.jsonl")


@pytest.fixture(scope="session")
def replay_server_elsewhere() -> Iterator[str]:
    """The replay served from a process of its own (for timing the window: see serve_in_process)."""
    import multiprocessing

    from tests.gui.replay import serve_in_process

    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    process = ctx.Process(target=serve_in_process, args=(theirs,), daemon=True)
    process.start()
    try:
        if not ours.poll(60):
            raise RuntimeError("the replay server process did not start")
        yield ours.recv()
    finally:
        ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()


@pytest.fixture
def replay_elsewhere(replay_server_elsewhere: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ReplayFetcher:
    """As `replay`, with the server in another process."""
    for var in ("SENREF_CROSSREF_URL", "SENREF_HAL_API_URL", "SENREF_DOI_URL", "SENREF_UNPAYWALL_URL"):
        monkeypatch.setenv(var, replay_server_elsewhere)
    return ReplayFetcher(load_settings(), log=tmp_path / "replay-calls.jsonl")
