"""Version 6 rebuilds the search index with a one-letter prefix index: same rows, same answers, compact file."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from senref.core.library import Library
from senref.core.model import Creator, Item, Note
from senref.core.query import ItemQuery
from senref.storage import items as rows
from senref.storage import migrations
from tests.storage.migration_helpers import fail_midway, fts_words, open_killed_midway
from tests.storage.old_rows import write_old

QUERIES = ("s", "se", "sen", "senolytic", "m", "müller", "10.1", "x", "one-two", "q z")
FTS_ROWS = "SELECT rowid, title, creators, abstract, tags, notes, identifiers, publication FROM items_fts ORDER BY rowid"


def _make_v5_library(folder: Path, n: int = 60) -> None:
    """A library as senref wrote it before version 6 (its schema, its writes)."""
    folder.mkdir()
    (folder / "files").mkdir()
    conn = sqlite3.connect(folder / "library.sqlite", isolation_level=None)
    migrations.migrate(conn, target=5)
    conn.execute("BEGIN")
    for k in range(n):
        item = Item(fields={"title": f"Senolytic one-two {'quercetin' if k % 3 else 'fisetin'} {k}",
                            "abstractNote": "Senescent cells <b>and</b> the SASP " * (k % 4),
                            "publicationTitle": "Aging Cell", "date": str(2000 + k % 9)},
                    creators=[Creator("author", "Jörg", "Müller"), Creator("author", name="Consortium")])
        item.set_identifier("doi", f"10.1234/x.{k}")
        item.add_tag("to read" if k % 2 else "zebra")
        if k % 5 == 0:
            item.notes.append(Note(html=f"<p>note {k}</p>"))
        item.deleted = k % 11 == 0
        write_old(conn, [item])
    conn.execute("DELETE FROM items WHERE id = 7")  # an orphan search row: the rebuild keeps what was there
    conn.execute("COMMIT")
    conn.close()


def _answers(folder: Path) -> list[tuple[str, int, list[int | None]]]:
    """Counts and pages, the items named by row id (their keys are random)."""
    with Library.open(folder, autotag=False) as lib:
        return [(q, lib.count(ItemQuery(search=q)), [rows.item_id(lib.db.conn, r["key"]) for r in lib.query(
            ItemQuery(search=q), 0, 100)]) for q in QUERIES]


def _fts_rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(FTS_ROWS)]
    finally:
        conn.close()


def test_version_5_library_gets_the_same_search_rows_and_answers(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _make_v5_library(folder)
    before = _fts_rows(folder / "library.sqlite")
    words = fts_words(folder / "library.sqlite")
    with Library.open(folder, autotag=False) as lib:
        conn = lib.db.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        # (schema 9 moved the prefix indexes to search_words)
        assert "prefix = '1 2 3'" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search_words'").fetchone()[0]
        assert conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # the old index's pages were given back
        assert lib.count(ItemQuery(search="s")) == lib.count(ItemQuery(search="senolytic")) > 0
        assert lib.count(ItemQuery(search="z")) == lib.count(ItemQuery(search="zebra")) > 0
    # Schema 9 builds the index again from the items: the orphan row of the item that is gone is not kept.
    assert fts_words(folder / "library.sqlite") == [w for w in words if w[0] != 7]
    # Answers of the rebuilt index are those of a library made at version 6 from the same writes.
    fresh = tmp_path / "fresh"
    _make_v5_library(fresh)
    conn = sqlite3.connect(fresh / "library.sqlite", isolation_level=None)
    conn.execute("DROP TABLE items_fts")
    conn.execute("CREATE VIRTUAL TABLE items_fts USING fts5(title, creators, abstract, tags, notes, identifiers,"
                 " publication, tokenize = 'unicode61 remove_diacritics 2')")  # no prefix index at all
    conn.executemany(f"INSERT INTO items_fts ({FTS_ROWS[7:FTS_ROWS.index(' FROM')]}) VALUES (?,?,?,?,?,?,?,?)", before)
    conn.execute("PRAGMA user_version = 7")  # the version 7 step would copy its text; this index is made plain
    conn.close()
    assert _answers(folder) == _answers(fresh)


def test_a_failed_rebuild_leaves_version_5_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _make_v5_library(folder)
    before = _fts_rows(folder / "library.sqlite")
    fail_midway(monkeypatch, 6)
    with pytest.raises(sqlite3.OperationalError):
        Library.open(folder, autotag=False)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    assert "prefix = '2 3'" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'").fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'items_fts_v6%'").fetchone()[0] == 0
    conn.close()
    assert _fts_rows(folder / "library.sqlite") == before


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_during_the_rebuild_leaves_version_5_whole(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _make_v5_library(folder, n=400)
    before = _fts_rows(folder / "library.sqlite")
    words = fts_words(folder / "library.sqlite")
    # The child kills itself from inside the rebuild, after the new index is filled and before COMMIT.
    open_killed_midway(folder, 6)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    conn.close()
    assert _fts_rows(folder / "library.sqlite") == before
    assert _answers(folder) == _answers(folder)  # and it migrates cleanly on the next open
    with Library.open(folder, autotag=False) as lib:
        assert lib.db.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert fts_words(folder / "library.sqlite") == [w for w in words if w[0] != 7]  # (schema 9: no orphan)
