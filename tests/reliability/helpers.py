"""Shared by the reliability tests: run the real `senref` command, inspect a library from outside."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from senref.core.model import Item


def senref_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user whose senref folders all live under *home* (no real config touched)."""
    env = {**os.environ, "SENREF_HOME": str(home), "PYTHONWARNINGS": "error", **extra}
    env.pop("SENREF_DEBUG", None)
    return env


def senref(lib: Path, *args: str, home: Path, timeout: float = 60, stdin: str | None = None,
           **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m senref --library LIB ARGS...` as a user would type it."""
    return subprocess.run([sys.executable, "-m", "senref", "--library", str(lib), *args], capture_output=True,
                          text=True, env=senref_env(home, **env), input=stdin, timeout=timeout)


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    """A failure the user can read: non-zero exit, `senref:` lines, never a traceback."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("senref"), result.stderr


def assert_consistent(lib: Path) -> None:
    """What `senref check` checks (integrity, foreign keys, search index in step, files present) is ok.

    Called in-process: the same check_library the command runs, without another interpreter start.
    """
    from senref.core.library import Library

    with Library.open(lib, create=False, autotag=False) as library:
        assert library.check() == []


def titles(lib: Path) -> list[str]:
    """Every stored title, read with plain sqlite3 (no senref code between the test and the file)."""
    conn = sqlite3.connect(f"file:{lib / 'library.sqlite'}?mode=ro", uri=True)
    try:
        return [str(r[0]) for r in conn.execute("SELECT title FROM items ORDER BY id")]
    finally:
        conn.close()


def count_items(lib: Path) -> int:
    """Items in the library, read with plain sqlite3 in read-only mode (no senref code involved)."""
    conn = sqlite3.connect(f"file:{lib / 'library.sqlite'}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    finally:
        conn.close()


def item(title: str, **fields: str) -> Item:
    return Item(item_type="journalArticle", fields={"title": title, "date": "2021", **fields})


def seed_library(folder: Path, *items: Item) -> Path:
    """A library holding *items*, so that 'nothing lost' is observable after a failure."""
    from senref.core.library import Library

    with Library.open(folder, autotag=False) as library:
        for entry in items:
            library.save_item(entry)
    return folder
