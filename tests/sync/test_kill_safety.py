"""SIGKILL of a real `senref sync run` at each named checkpoint and at random moments: no false conflict after."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
import pytest

from senref.core.library import Library
from senref.sync.engine import SyncEngine
from senref.sync.targets import Scope, Target
from tests.reliability.helpers import senref_env
from tests.sync.conftest import make_item

#: A new entry with neither author nor year: the library's duplicate check cannot catch a second import.
MEMO = "\n@misc{memo2024,\n  title = {Lab memo on senescence markers}\n}\n"
COMMENT = "% Hand-kept note: the entries below are from the 2023 review.\n"


@dataclass
class Setup:
    folder: Path
    target: Path
    target_id: str
    collection: str
    size: int


def _prepare(tmp_path: Path, size: int) -> Setup:
    """A synced target, then changes on both sides: the next run must read back, merge and rewrite."""
    folder, out = tmp_path / "lib", tmp_path / "DIR"
    out.mkdir(parents=True)
    path = out / "tis.bib"
    with Library.open(folder, autotag=False) as lib:
        key = lib.create_collection("TIS")
        for i in range(size):
            lib.save_item(make_item(f"Therapy-induced senescence study {i}", doi=f"10.5555/tis.{i}"), collections=[key])
        engine = SyncEngine(lib)
        target = engine.targets.add(Target(path=str(path), format="bibtex", scope=Scope("collection", key)))
        assert engine.sync(target).state == "ok"
        by_title = {i.title: i for i in lib.iter_items()}
        item = by_title["Therapy-induced senescence study 0"]
        item.fields["title"] = "Therapy-induced senescence study 0, retitled in the library"
        lib.update_item(item)
        lib.remove_from_collection(key, [by_title["Therapy-induced senescence study 1"].key])
        lib.save_item(make_item("Senolytics after doxorubicin", "2023", "10.5555/new.1"), collections=[key])
    text = path.read_text(encoding="utf-8")
    text = text.replace("Therapy-induced senescence study 2", "Therapy-induced senescence study 2, edited in the file")
    third = text.rfind("\n@", 0, text.index("study 3")) + 1
    path.write_text(text[:third] + COMMENT + text[third:] + MEMO, encoding="utf-8")
    return Setup(folder, path, target.id, key, size)


def _run(setup: Setup, home: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "senref", "--library", str(setup.folder), "sync", "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=senref_env(home, **env))


def _assert_whole(setup: Setup, home: Path, extra: str = "") -> None:
    """The run after a kill: exit 0, no conflict, every hand edit kept once, the file complete."""
    proc = _run(setup, home)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "conflict" not in err
    with Library.open(setup.folder, autotag=False) as lib:
        engine = SyncEngine(lib)
        assert engine.open_conflicts() == []
        assert engine.state(setup.target_id).state == "ok"
        in_scope = sorted(i.title for i in lib.iter_items(collection=setup.collection))
        memos = [i for i in lib.iter_items() if i.title == "Lab memo on senescence markers"]
        assert len(memos) == 1  # imported once, however often the run was cut short
        assert len(in_scope) == setup.size + 1
        assert "Therapy-induced senescence study 2, edited in the file" in in_scope
        assert "Therapy-induced senescence study 0, retitled in the library" in in_scope
        assert "Therapy-induced senescence study 1" not in in_scope
        if extra:
            assert extra in in_scope and extra.rsplit(",", 1)[0] not in in_scope
    text = setup.target.read_text(encoding="utf-8")
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    assert sorted(e.fields_dict["title"].value.strip("{}") for e in parsed.entries) == in_scope
    assert text.count(COMMENT) == 1


@pytest.mark.parametrize("checkpoint", ["sync_after_journal", "sync_after_merge", "sync_after_pending",
                                        "sync_after_target_write",
                                        "sync_after_copy", "sync_after_manifest"])
def test_kill_at_a_checkpoint_leaves_no_false_conflict(checkpoint: str, tmp_path: Path) -> None:
    setup = _prepare(tmp_path, 12)
    home = tmp_path / "home"
    proc = _run(setup, home, SENREF_CRASH_AT=checkpoint)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL  # it really died there
    _assert_whole(setup, home)


@pytest.mark.parametrize("checkpoint", ["sync_after_pending", "sync_after_target_write", "sync_after_copy"])
def test_kill_then_a_hand_edit_before_the_next_run_is_merged(checkpoint: str, tmp_path: Path) -> None:
    """The file changes again after the kill: the next run works out which content the edit started
    from (the old file or the one just written) and merges it without a false conflict."""
    setup = _prepare(tmp_path, 12)
    home = tmp_path / "home"
    proc = _run(setup, home, SENREF_CRASH_AT=checkpoint)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    text = setup.target.read_text(encoding="utf-8")
    text = text.replace("Therapy-induced senescence study 5", "Therapy-induced senescence study 5, after the kill")
    setup.target.write_text(text + "% added after the kill\n", encoding="utf-8")
    _assert_whole(setup, home, extra="Therapy-induced senescence study 5, after the kill")
    assert "% added after the kill" in setup.target.read_text(encoding="utf-8")


@pytest.mark.slow
def test_kill_at_random_moments_leaves_no_false_conflict(tmp_path: Path) -> None:
    """Kills anywhere in a run: before, during or after the write. The delays are drawn from the measured
    length of an uninterrupted run, so a slow or busy machine shifts them with it."""
    setup = _prepare(tmp_path / "work", 300)
    template = tmp_path / "template"
    shutil.copytree(tmp_path / "work", template)
    home = tmp_path / "home"

    def restore() -> None:
        shutil.rmtree(tmp_path / "work")
        shutil.copytree(template, tmp_path / "work")

    start = time.monotonic()
    _assert_whole(setup, home)
    duration = time.monotonic() - start
    rng = random.Random(11)
    for _ in range(4):
        restore()
        proc = _run(setup, home)
        time.sleep(rng.uniform(0.2, 1.0) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        _assert_whole(setup, home)
