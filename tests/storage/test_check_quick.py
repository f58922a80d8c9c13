"""`senref check` runs SQLite's quick_check by default and integrity_check on request: the routine check
reports every damage quick_check finds, and the full one also an index out of step with its table."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from senref.core import check
from senref.core.library import Library
from senref.core.model import Creator, Item


def _library(folder: Path) -> Path:
    with Library.open(folder, autotag=False) as lib, lib.db.transaction():
        for k in range(300):
            lib.save_item(Item(fields={"title": f"Senolytic {k} " + "quercetin " * (k % 7),
                                       "abstractNote": "Senescent cells and the SASP. " * (k % 30),
                                       "date": str(1990 + k % 30)},
                               creators=[Creator("author", "Ana", f"Author{k}")]))
    conn = sqlite3.connect(folder / "library.sqlite")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return folder / "library.sqlite"


def _verdict(path: Path, pragma: str) -> list[str] | str:
    conn = sqlite3.connect(path)
    try:
        conn.text_factory = lambda b: b.decode("utf-8", "replace")  # a damaged name may not be UTF-8
        return [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
    except UnicodeDecodeError as exc:  # in SQLite's error message, which Python decodes strictly
        return f"error: {exc}"
    except sqlite3.DatabaseError as exc:
        return f"error: {exc}"
    finally:
        conn.close()


def _routine(path: Path, *, full: bool = False) -> list[str] | str:
    conn = sqlite3.connect(path)
    try:
        return [f.message for f in check._database(conn, full=full) if f.kind == "integrity"]
    except sqlite3.DatabaseError as exc:
        return f"error: {exc}"
    finally:
        conn.close()


def test_the_routine_check_reports_what_quick_check_finds(tmp_path: Path) -> None:
    good = _library(tmp_path / "lib")
    assert _routine(good) == []
    rng = random.Random(24)
    damaged = tmp_path / "damaged.sqlite"
    found = 0
    for _ in range(40):
        shutil.copy(good, damaged)
        data = bytearray(damaged.read_bytes())
        page = 8192 if len(data) % 8192 == 0 else 4096
        # half at a page header (the b-tree structure quick_check reads), half anywhere in the page
        start = page * rng.randrange(1, len(data) // page) + rng.choice([0, rng.randrange(page - 64)])
        for offset in range(start, start + rng.choice([4, 16, 64])):
            data[offset] = rng.randrange(256)
        damaged.write_bytes(bytes(data))
        quick = _verdict(damaged, "quick_check")
        if quick == ["ok"]:
            continue  # bytes of a value, not of the structure: no check of SQLite's sees those
        found += 1
        routine = _routine(damaged)
        assert routine, quick
        if isinstance(quick, list) and isinstance(routine, list):
            assert routine == [f"integrity: {line}" for line in quick[:20]]
    assert found >= 5


def test_the_full_check_also_reads_each_index_against_its_table(tmp_path: Path) -> None:
    path = _library(tmp_path / "lib")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    # The index's b-tree stays sound and holds date_added; its definition now says another column.
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(deleted, date_added)', '(deleted, sort_title)') "
                 "WHERE name = 'items_date_added'")
    conn.close()
    assert _verdict(path, "quick_check") == ["ok"]
    assert _routine(path) == []
    assert _routine(path, full=True)


def test_the_command_line_check_runs_the_full_check_on_request(tmp_path: Path, capsys: Any) -> None:
    from senref.cli.main import main

    path = _library(tmp_path / "lib")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(deleted, date_added)', '(deleted, sort_title)') "
                 "WHERE name = 'items_date_added'")
    conn.close()
    assert main(["--library", str(tmp_path / "lib"), "check"]) == 0
    capsys.readouterr()
    assert main(["--library", str(tmp_path / "lib"), "check", "--full"]) == 1
    assert "problem:" in capsys.readouterr().out


def test_a_dangling_row_of_a_table_without_rowid_is_reported(tmp_path: Path) -> None:
    path = _library(tmp_path / "lib")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")  # as another program or damage could leave it
    conn.execute("INSERT INTO item_tags (item_id, tag_id, type) VALUES ((SELECT MIN(id) FROM items), 987654, 0)")
    conn.close()
    assert _routine(path) == []  # the integrity lines: none
    conn = sqlite3.connect(path)
    try:
        found = [f.message for f in check._database(conn, full=False)]
    finally:
        conn.close()
    assert found == ["foreign key: table item_tags a row points at a missing tags"]
