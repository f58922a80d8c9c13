"""Faults from the reliability list: unwritable or vanished folder, disk full, SIGKILL mid-write (A2, A3, A5, A11)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import bibtexparser
import pytest

from senref.core.library import Library
from senref.sync.engine import SyncEngine
from senref.sync.targets import Scope, Target


def _engine_with_target(lib: Library, tis: str, path: Path) -> tuple[SyncEngine, Target]:
    engine = SyncEngine(lib)
    target = engine.targets.add(Target(path=str(path), format="bibtex", scope=Scope("collection", tis)))
    assert engine.sync(target).state == "ok"
    return engine, target


def _edit_first(lib: Library, title: str) -> None:
    item = next(lib.iter_items())
    item.fields["title"] = title
    lib.update_item(item)


def test_unwritable_folder_is_an_error_then_recovers(lib: Library, tis: str, out_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target_path = out_dir / "tis.bib"
    engine, target = _engine_with_target(lib, tis, target_path)
    before = target_path.read_bytes()
    _edit_first(lib, "Edited while the folder is read-only")
    os.chmod(out_dir, 0o555)
    if os.geteuid() == 0:
        # root ignores permission bits: refuse the rename the way a read-only folder would.
        real_replace = os.replace

        def refuse(src: str | Path, dst: str | Path) -> None:
            if Path(dst).parent == out_dir:
                raise PermissionError(13, "Permission denied", str(dst))
            real_replace(src, dst)
        monkeypatch.setattr(os, "replace", refuse)
    try:
        outcome = engine.sync(target)
    finally:
        os.chmod(out_dir, 0o755)
        monkeypatch.undo()
    assert outcome.state == "error" and "permission denied" in outcome.error
    state = engine.state(target.id)
    assert state.state == "error" and state.last_error and state.failures == 1
    assert target_path.read_bytes() == before  # never a half or "successful" write
    assert not [p for p in out_dir.iterdir() if p.name != "tis.bib"]  # no temp left behind
    outcome = engine.sync(target)
    assert outcome.state == "ok" and outcome.written
    assert "read-only" in target_path.read_text(encoding="utf-8")
    assert engine.state(target.id).last_error == ""


def test_vanished_folder_is_not_recreated_and_sync_resumes(lib: Library, tis: str, out_dir: Path) -> None:
    target_path = out_dir / "sub" / "tis.bib"
    target_path.parent.mkdir()
    engine, target = _engine_with_target(lib, tis, target_path)
    for p in target_path.parent.iterdir():
        p.unlink()
    target_path.parent.rmdir()
    _edit_first(lib, "Edited while the folder is gone")
    outcome = engine.sync(target)
    assert outcome.state == "error" and "folder missing" in outcome.error
    assert not target_path.parent.exists()  # an unmounted share is not silently re-created
    target_path.parent.mkdir()
    outcome = engine.sync(target)
    assert outcome.state == "ok" and "folder is gone" in target_path.read_text(encoding="utf-8")


_DISK_FULL_CHILD = """
import resource, signal, sys
from senref.core.library import Library
from senref.sync.engine import SyncEngine
from senref.sync.exporter import Exporter
lib = Library.open(sys.argv[1], autotag=False)
engine = SyncEngine(lib)
target = engine.targets.load()[0]
# Render once first so the new citation keys are pinned in the database before the limit.
Exporter(lib, engine.format("bibtex")).build(target, None, None)
lib.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
outcome = engine.sync(target)
print(outcome.state, outcome.error)
"""


def test_disk_full_keeps_the_old_file(lib: Library, tis: str, out_dir: Path) -> None:
    from tests.sync.conftest import make_item

    target_path = out_dir / "tis.bib"
    engine, target = _engine_with_target(lib, tis, target_path)
    for i in range(60):  # the next file is well over the 4 KiB the child may write
        lib.save_item(make_item(f"Senescence escape after radiotherapy, cohort {i}", doi=f"10.5555/c.{i}"),
                      collections=[tis])
    before = target_path.read_bytes()
    lib.close()
    result = subprocess.run([sys.executable, "-c", _DISK_FULL_CHILD, str(lib.folder)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("error") and "too large" in result.stdout
    assert target_path.read_bytes() == before
    assert [p.name for p in out_dir.iterdir()] == ["tis.bib"]  # the partial temp file is gone
    with Library.open(lib.folder, autotag=False) as again:
        engine = SyncEngine(again)
        assert engine.state(target.id).state == "error"
        assert engine.sync(target).state == "ok"  # space is back: the retry succeeds
    assert target_path.read_text(encoding="utf-8").count("cohort") == 60


@pytest.mark.slow
def test_sigkill_during_a_large_export_leaves_a_complete_file(tmp_path: Path, out_dir: Path) -> None:
    from bench.corpus import build

    folder = tmp_path / "big"
    build(folder, 3000, autotag=False)
    target_path = out_dir / "all.bib"
    with Library.open(folder, autotag=False) as lib:
        engine = SyncEngine(lib)
        target = engine.targets.add(Target(path=str(target_path), format="bibtex"))
        assert engine.sync(target).state == "ok"
    old = target_path.read_bytes()
    code = ("import sys; from senref.core.library import Library; from senref.sync.engine import SyncEngine\n"
            f"lib = Library.open({str(folder)!r}, autotag=False)\n"
            "lib.edit_items(lib.keys(__import__('senref.storage.queries', fromlist=['x']).ItemQuery()), "
            "lambda i: i.fields.__setitem__('title', 'Rewritten ' + i.fields['title']) or True)\n"
            "print('edited', flush=True)\n"
            "e = SyncEngine(lib); print(e.sync(e.targets.load()[0]).state, flush=True)\n")
    rng = random.Random(5)
    for _ in range(3):
        with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as proc:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "edited"
            deadline = time.monotonic() + rng.uniform(0.05, 1.5)
            while time.monotonic() < deadline and proc.poll() is None:
                if any(p.name.endswith(".part") for p in out_dir.iterdir()):
                    break  # the new file is being written: kill now
                time.sleep(0.001)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        data = target_path.read_bytes()
        parsed = bibtexparser.parse_string(data.decode("utf-8"))
        assert not parsed.failed_blocks and len(parsed.entries) == 3000
        titles = [e.fields_dict["title"].value for e in parsed.entries]
        rewritten = sum("Rewritten" in t for t in titles)
        assert data == old or rewritten == 3000  # the old complete file, or the new complete one
        assert not [p for p in out_dir.iterdir() if not p.name.startswith(".") and p.name != "all.bib"]
    # The next run finishes the job.
    with Library.open(folder, autotag=False) as lib:
        engine = SyncEngine(lib)
        assert engine.sync(engine.targets.load()[0]).state == "ok"
    assert target_path.read_text(encoding="utf-8").count("Rewritten") >= 3000


def test_deleted_target_is_written_again_even_without_library_changes(lib: Library, tis: str, out_dir: Path) -> None:
    target_path = out_dir / "tis.bib"
    _, target = _engine_with_target(lib, tis, target_path)
    before = target_path.read_bytes()
    target_path.unlink()
    outcome = SyncEngine(lib).sync(target)
    assert outcome.state == "ok" and outcome.written
    assert target_path.read_bytes() == before
