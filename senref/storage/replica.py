"""What a replica sync (Zotero's Web API) needs to read in one query each: every object's key and version."""

from __future__ import annotations

import sqlite3


def item_versions(conn: sqlite3.Connection) -> dict[str, int]:
    """key -> version of every item, trashed ones included."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return dict(cursor.execute("SELECT key, version FROM items").fetchall())


def collection_versions(conn: sqlite3.Connection) -> dict[str, int]:
    """key -> version of every collection."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return dict(cursor.execute("SELECT key, version FROM collections").fetchall())
