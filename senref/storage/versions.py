"""The library's version counter (Zotero's `libraryVersion`): bumped once per write transaction."""

from __future__ import annotations

import sqlite3


def next_version(conn: sqlite3.Connection) -> int:
    """The next version, stored at once (the caller holds a write transaction)."""
    version = current_version(conn) + 1
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('library_version', ?)", (str(version),))
    return version


def current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = 'library_version'").fetchone()
    return int(row[0]) if row else 0
