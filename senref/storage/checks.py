"""What `senref check` asks the database: SQLite's own checks and the search index's."""

from __future__ import annotations

import sqlite3

from senref.storage import health
from senref.storage import items as rows


def integrity(conn: sqlite3.Connection, *, full: bool = False) -> list[str]:
    """`PRAGMA quick_check` lines, or with *full* `PRAGMA integrity_check`'s (["ok"] when healthy).

    quick_check reads every page and checks each b-tree's structure, free list and record formats:
    what damage to the file does. integrity_check also reads every index back against its table
    (and UNIQUE and NOT NULL over every row), most of the time of a check at 100k items.
    """
    pragma = "integrity_check" if full else "quick_check"
    return health.check_lines(conn, pragma)


def foreign_key_problems(conn: sqlite3.Connection, limit: int = 20) -> list[tuple[str, int | None, str]]:
    """(table, row id or None for a table WITHOUT ROWID, parent table) of rows pointing at a missing parent."""
    try:
        found = conn.execute("PRAGMA foreign_key_check").fetchall()[:limit]
    except UnicodeDecodeError as exc:  # the error message of a damaged file, which Python decodes strictly
        raise sqlite3.DatabaseError("database disk image is malformed (its error message is not text)") from exc
    return [(str(r[0]), None if r[1] is None else int(r[1]), str(r[2])) for r in found]


def search_index_gaps(conn: sqlite3.Connection) -> tuple[int, int]:
    """(items not indexed, index rows of items that are gone), over both search tables."""
    rows.flush_search_rows(conn)
    gaps = [_gaps(conn, table) for table in rows.SEARCH_TABLES]
    return sum(m for m, _o in gaps), sum(o for _m, o in gaps)


def _gaps(conn: sqlite3.Connection, table: str) -> tuple[int, int]:
    missing = conn.execute(f"SELECT COUNT(*) FROM items WHERE id NOT IN (SELECT rowid FROM {table})").fetchone()[0]
    orphan = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE rowid NOT IN (SELECT id FROM items)").fetchone()[0]
    return int(missing), int(orphan)


def search_index_error(conn: sqlite3.Connection) -> str:
    """FTS5's own integrity check of each search table ("" when they pass or cannot run on a read-only library)."""
    rows.flush_search_rows(conn)
    for table in rows.SEARCH_TABLES:
        try:
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.Error as exc:  # FTS5 reports corruption as an SQL error
            if "readonly" not in str(exc):  # the check is an INSERT in form
                return f"{table}: {exc}"
    return ""


def mend_search_index(conn: sqlite3.Connection) -> int:
    """Drop index rows of deleted items and index the items missing; returns entries changed."""
    missing_count, gone = search_index_gaps(conn)
    if gone:
        # The index keeps no copy of its text, and a row is removed only with the words it was made
        # from: those of an item that is gone are unknown, so the index is made again whole.
        rows.rebuild_search_index(conn)
        return gone + missing_count
    for table in rows.SEARCH_TABLES:  # each table apart: an item may lack its row in one of them only
        missing = [int(r[0]) for r in conn.execute(f"SELECT id FROM items WHERE id NOT IN (SELECT rowid FROM {table})")]
        rows.add_search_rows(conn, table, missing)
    return missing_count
