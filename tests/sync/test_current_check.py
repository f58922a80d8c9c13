"""A no-change `sync run` answers from the manifest, the file's stat and the items' versions, without reading
the copy of the last write; anything else still reads it (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from senref.core.library import Library
from senref.sync.engine import SyncEngine
from senref.sync.manifest import ManifestStore
from tests.sync.conftest import cli, retitle


@pytest.fixture
def copies_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = ManifestStore.load_written

    def counting(self: ManifestStore, manifest: object) -> bytes | None:
        seen.append(getattr(manifest, "target_id", ""))
        return real(self, manifest)  # type: ignore[arg-type]

    monkeypatch.setattr(ManifestStore, "load_written", counting)
    return seen


def _target(lib: Library, out_dir: Path) -> tuple[SyncEngine, Path]:
    path = out_dir / "t.bib"
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(path)) == 0
    assert cli(lib, "sync", "run") == 0
    return SyncEngine(lib), path


def test_nothing_changed_reads_no_copy(lib: Library, tis: str, out_dir: Path, copies_read: list[str]) -> None:
    engine, path = _target(lib, out_dir)
    before = path.read_bytes(), path.stat().st_mtime_ns
    copies_read.clear()
    outcome = engine.sync(engine.targets.load()[0])
    assert (outcome.state, outcome.written, outcome.count, outcome.rendered) == ("ok", False, 3, 0)
    assert copies_read == [] and (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_an_edit_reads_the_copy_and_splices(lib: Library, tis: str, out_dir: Path, copies_read: list[str]) -> None:
    engine, path = _target(lib, out_dir)
    copies_read.clear()
    retitle(lib, "study 1", "Senolytics after chemotherapy")
    outcome = engine.sync(engine.targets.load()[0])
    assert (outcome.state, outcome.written, outcome.rendered) == ("ok", True, 1) and len(copies_read) == 1
    assert "Senolytics after chemotherapy" in path.read_text(encoding="utf-8")
    assert engine.needs_sync(engine.targets.load()[0]) is False


def test_a_touched_file_with_the_same_bytes_is_current(lib: Library, tis: str, out_dir: Path,
                                                       copies_read: list[str]) -> None:
    engine, path = _target(lib, out_dir)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    copies_read.clear()
    outcome = engine.sync(engine.targets.load()[0])
    assert (outcome.state, outcome.written) == ("ok", False) and copies_read == []


def test_a_file_edited_by_hand_is_read_back(lib: Library, tis: str, out_dir: Path, copies_read: list[str]) -> None:
    engine, path = _target(lib, out_dir)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Therapy-induced senescence study 2", "Hand-edited study 2"), encoding="utf-8")
    copies_read.clear()
    outcome = engine.sync(engine.targets.load()[0])
    assert outcome.state == "ok" and outcome.merged == 1 and len(copies_read) == 1
    assert any(i.title == "Hand-edited study 2" for i in lib.iter_items())


def test_a_lost_copy_with_nothing_changed_is_current(lib: Library, tis: str, out_dir: Path) -> None:
    engine, path = _target(lib, out_dir)
    engine.manifests.written_path(engine.targets.load()[0].id).unlink()
    before = path.read_bytes()
    outcome = SyncEngine(lib).sync(engine.targets.load()[0])
    assert (outcome.state, outcome.written) == ("ok", False) and path.read_bytes() == before
    retitle(lib, "study 0", "After the copy was lost")
    outcome = SyncEngine(lib).sync(engine.targets.load()[0])
    assert outcome.written and "After the copy was lost" in path.read_text(encoding="utf-8")


def test_a_watcher_parses_the_manifest_once_and_sees_another_process_write(
        lib: Library, tis: str, out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, path = _target(lib, out_dir)
    target = engine.targets.load()[0]
    loads: list[str] = []
    real = ManifestStore.load

    def counting(self: ManifestStore, target_id: str) -> object:
        loads.append(target_id)
        return real(self, target_id)

    monkeypatch.setattr(ManifestStore, "load", counting)
    for _ in range(3):
        assert engine.needs_sync(target) is False
        assert engine.sync(target).written is False
    assert len(loads) == 1
    retitle(lib, "study 2", "Written by another process")
    other = SyncEngine(lib)
    assert other.sync(target).written
    assert engine.needs_sync(target) is False  # the other write's manifest, read again
    outcome = engine.sync(target)
    assert (outcome.state, outcome.written, outcome.merged) == ("ok", False, 0)
    assert "Written by another process" in path.read_text(encoding="utf-8")
