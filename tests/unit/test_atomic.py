"""Atomic writes: old or new file, never half; temps a killed writer left are cleared by the next write."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from senref.core.atomic import atomic_write, remove_stale_temps


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as out:
        out.write("half of the new")
        raise RuntimeError("disk gone")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_temps_of_a_killed_writer_are_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    code = ("import os, signal, sys; from pathlib import Path; from senref.core.atomic import atomic_write\n"
            "with atomic_write(Path(sys.argv[1])) as out:\n"
            "    out.write('half'); out.flush(); os.kill(os.getpid(), signal.SIGKILL)\n")
    killed = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, timeout=60)
    assert killed.returncode == -9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".refs.bib.") and left[0].endswith(".part")
    with atomic_write(target) as out:
        out.write("whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_a_running_writers_temp_stays_and_an_old_one_goes(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    mine = tmp_path / f".refs.bib.{os.getpid()}-abc.part"
    mine.write_text("in progress", encoding="utf-8")
    ancient = tmp_path / ".refs.bib.xyz.part"  # a name from before temps carried a pid
    ancient.write_text("old", encoding="utf-8")
    other = tmp_path / ".other.bib.1-x.part"  # another file's temp is not ours to judge
    other.write_text("x", encoding="utf-8")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(ancient, (day_ago, day_ago))
    assert remove_stale_temps(target) == 1
    assert mine.exists() and other.exists() and not ancient.exists()
