"""Schema migrations: a version-1 library opens, is backed up into backups/, and is migrated in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from senref.core.library import Library, LibraryError
from senref.storage import migrations


def _make_v1_library(folder: Path) -> None:
    folder.mkdir()
    (folder / "files").mkdir()
    conn = sqlite3.connect(folder / "library.sqlite", isolation_level=None)
    migrations.migrate(conn, target=1)
    conn.execute("INSERT INTO items (key, item_type, title, sort_title, date_added, date_modified, fields) "
                 "VALUES ('ABCD2345', 'journalArticle', 'Old senescence paper', 'old senescence paper', "
                 "'2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', '{\"title\": \"Old senescence paper\"}')")
    conn.execute("INSERT INTO attachments (key, item_id, link_mode, path, date_added) "
                 "VALUES ('FILE2345', 1, 'imported_file', 'files/FILE2345/a.pdf', '2020-01-01T00:00:00Z')")
    conn.execute("INSERT INTO items_fts (rowid, title) VALUES (1, 'Old senescence paper')")
    conn.close()


def test_version_1_database_is_backed_up_and_migrated(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _make_v1_library(folder)
    with Library.open(folder) as lib:
        assert lib.db.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST == 10
        assert lib.db.conn.execute("SELECT has_file FROM items WHERE key = 'ABCD2345'").fetchone()[0] == 1
        assert lib.get_item("ABCD2345").title == "Old senescence paper"
        lib.set_tag_color("SASP", "#aa3300")
        assert lib.tag_colors() == {"SASP": "#aa3300"}
        backup = lib.db.backup_path
    assert backup is not None and backup.parent == folder / "backups" and backup.name.endswith(f"-before-v{migrations.LATEST}.sqlite")
    old = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT title FROM items").fetchone()[0] == "Old senescence paper"
    assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    old.close()
    # Opening again migrates nothing, so no second pre-migration backup.
    with Library.open(folder):
        pass
    assert len(list((folder / "backups").glob(f"*-before-v{migrations.LATEST}.sqlite"))) == 1


def test_new_library_needs_no_backup(tmp_path: Path) -> None:
    with Library.open(tmp_path / "fresh") as lib:
        assert lib.db.backup_path is None


def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _make_v1_library(folder)
    conn = sqlite3.connect(folder / "library.sqlite")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = (folder / "library.sqlite").read_bytes()
    with pytest.raises(LibraryError, match="newer than this senref"):
        Library.open(folder)
    assert (folder / "library.sqlite").read_bytes() == before


def test_failed_migration_step_rolls_back_to_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _make_v1_library(folder)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE tag_colors (name TEXT)")
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setitem(migrations.MIGRATIONS, 2, broken)
    with pytest.raises(sqlite3.OperationalError):
        Library.open(folder)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'tag_colors'").fetchone()[0] == 0
    conn.close()


def test_the_sync_check_reads_the_covering_index(library: Library) -> None:
    """Schema 10: (key, version) in row order is read from its own index, not from the wide items rows."""
    from senref.core.query import ItemQuery
    from senref.storage.queries import compile_query

    conn = library.db.conn
    sql = compile_query(conn, ItemQuery())
    plan = " ".join(str(row[3]) for row in conn.execute(
        f"EXPLAIN QUERY PLAN SELECT i.key, i.version FROM items i WHERE {sql.where} ORDER BY i.id", sql.params))
    assert "COVERING INDEX items_versions" in plan
