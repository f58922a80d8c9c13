"""The import floor stores the same records whichever format it reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.corpus_files import write_corpus
from bench.floor import build


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("floor")
    files = write_corpus(folder, 120, seed=2)
    out = {}
    for fmt in ("json", "ris", "rdf"):
        out[fmt] = folder / f"{fmt}.sqlite"
        assert build(files[fmt], out[fmt]) == 120
    return out


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_format_gives_the_same_items_people_and_index(databases: dict[str, Path]) -> None:
    queries = ["SELECT id, title, doi FROM items ORDER BY id",
               "SELECT item_id, pos, role, family, given, literal FROM creators ORDER BY item_id, pos",
               "SELECT rowid FROM items_fts WHERE items_fts MATCH 'galactosidase' ORDER BY rowid"]
    for sql in queries:
        expected = _rows(databases["json"], sql)
        assert expected
        for fmt in ("ris", "rdf"):
            assert _rows(databases[fmt], sql) == expected, (fmt, sql)


def test_rebuilding_replaces_the_database(databases: dict[str, Path], tmp_path: Path) -> None:
    files = write_corpus(tmp_path, 7, seed=2)
    db = tmp_path / "again.sqlite"
    build(files["json"], db)
    build(files["json"], db)
    assert _rows(db, "SELECT count(*) FROM items") == [(7,)]
