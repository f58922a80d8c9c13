"""`senref sync run --watch` as a real process: picks up another process's import, stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import bibtexparser
import pytest

from senref.core.library import Library
from tests.sync.conftest import cli

REPO = Path(__file__).resolve().parents[2]


def _senref(lib: Library, *args: str) -> list[str]:
    return [sys.executable, "-m", "senref", "--library", str(lib.folder), *args]


def _titles(path: Path) -> list[str]:
    parsed = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not parsed.failed_blocks  # always a complete file, never a torn one
    return [e.fields_dict["title"].value for e in parsed.entries]


@contextlib.contextmanager
def _watching(lib: Library) -> Iterator[subprocess.Popen[str]]:
    """A `sync run --watch` process; killed at the end if the test did not stop it."""
    watcher = subprocess.Popen(_senref(lib, "sync", "run", "--watch", "--interval", "0.2"), cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield watcher
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()


def _stop(watcher: subprocess.Popen[str], how: signal.Signals) -> str:
    """Send *how*, wait for the exit; the watcher's stderr."""
    watcher.send_signal(how)
    return watcher.communicate(timeout=20)[1]


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_watch_writes_what_another_process_imports_then_stops_cleanly(
        stop_signal: signal.Signals, lib: Library, tis: str, out_dir: Path, tmp_path: Path) -> None:
    target = out_dir / "tis.bib"
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target)) == 0
    record = tmp_path / "x.json"
    record.write_text(json.dumps([{"id": "watch1", "type": "article-journal", "issued": {"date-parts": [[2024]]},
                                   "title": "Senolytics picked up by the watcher",
                                   "author": [{"family": "Gil", "given": "Ana"}]}]), encoding="utf-8")
    with _watching(lib) as watcher:
        assert _wait_for(target.exists, 30), "the watcher never wrote the target"
        assert len(_titles(target)) == 3
        imported = subprocess.run(_senref(lib, "import", str(record), "--collection", "TIS"), cwd=REPO,
                                  capture_output=True, text=True, timeout=60)
        assert imported.returncode == 0, imported.stderr
        start = time.monotonic()
        assert _wait_for(lambda: "Senolytics picked up by the watcher" in target.read_text(encoding="utf-8"), 10), \
            "the target did not catch up with the import"
        assert time.monotonic() - start < 5
        assert watcher.poll() is None  # still watching after the write
        err = _stop(watcher, stop_signal)
    assert watcher.returncode == 0, err
    assert "stopped watching" in err and "Traceback" not in err
    assert len(_titles(target)) == 4
    assert [p.name for p in out_dir.iterdir()] == ["tis.bib"]  # no temp file left behind


def test_signal_during_a_write_leaves_a_complete_file(lib: Library, tis: str, out_dir: Path) -> None:
    """SIGTERM as soon as the library changes: whatever moment it lands, the file is whole and the exit 0."""
    target = out_dir / "tis.bib"
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target)) == 0
    with _watching(lib) as watcher:
        assert _wait_for(target.exists, 30)
        before = target.read_bytes()
        for item in list(lib.iter_items()):
            item.fields["title"] = "Renamed " + item.title
            lib.update_item(item)
        # Stop as soon as the new file is being prepared (or after the debounce at the latest).
        _wait_for(lambda: any(p.name.endswith(".part") for p in out_dir.iterdir()), 1.0)
        err = _stop(watcher, signal.SIGTERM)
    assert watcher.returncode == 0, err
    titles = _titles(target)
    assert target.read_bytes() == before or all(t.startswith("Renamed") for t in titles)
    assert len(titles) == 3
    assert [p.name for p in out_dir.iterdir()] == ["tis.bib"]
