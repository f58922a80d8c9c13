"""What the migration tests share: the search index's word list, and a migration step that fails midway."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from senref.storage import migrations


def fts_words(path: Path) -> list[tuple[object, ...]]:
    """Every (row, column, offset, word) of the search index: equal lists, equal answers to any search."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, items_fts, instance)")
        return [tuple(r) for r in conn.execute("SELECT doc, col, offset, term FROM temp.words ORDER BY 1, 2, 3, 4")]
    finally:
        conn.close()


def fail_midway(monkeypatch: pytest.MonkeyPatch, version: int) -> None:
    """Make the step to *version* do all its work and then fail, as a full disk would."""
    step = migrations.MIGRATIONS[version]

    def dies_halfway(conn: sqlite3.Connection) -> None:
        step(conn)
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setitem(migrations.MIGRATIONS, version, dies_halfway)


def open_killed_midway(folder: Path, version: int) -> None:
    """Open the library at *folder* in a child process that SIGKILLs itself once the step to *version* has
    done its work, before it commits, as a power cut would."""
    code = (
        "import os, signal\n"
        "from senref.storage import migrations\n"
        f"step = migrations.MIGRATIONS[{version}]\n"
        "def killed(conn):\n"
        "    step(conn)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        f"migrations.MIGRATIONS[{version}] = killed\n"
        "from senref.core.library import Library\n"
        f"Library.open({str(folder)!r}, autotag=False)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
