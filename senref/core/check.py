"""`senref check`: SQLite integrity, foreign keys, full-text index in step, files present and intact."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from senref.core.library import Library


def check_library(lib: Library, *, verify_hashes: bool = False) -> list[str]:
    """Problems found, one line each; an empty list means the library is healthy."""
    conn = lib.conn
    problems: list[str] = []
    result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        problems.extend(f"integrity: {line}" for line in result[:20])
    for row in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"foreign key: table {row[0]} row {row[1]} points at a missing {row[2]}")
    missing_fts = conn.execute("SELECT COUNT(*) FROM items WHERE id NOT IN (SELECT rowid FROM items_fts)").fetchone()[0]
    orphan_fts = conn.execute("SELECT COUNT(*) FROM items_fts WHERE rowid NOT IN (SELECT id FROM items)").fetchone()[0]
    if missing_fts:
        problems.append(f"search index: {missing_fts} items are not indexed")
    if orphan_fts:
        problems.append(f"search index: {orphan_fts} entries point at deleted items")
    try:
        conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    except Exception as exc:  # FTS5 reports corruption as an SQL error
        problems.append(f"search index: {exc}")
    for row in conn.execute(
        "SELECT i.key, a.key, a.path, a.sha256, a.link_mode FROM attachments a JOIN items i ON i.id = a.item_id "
        "WHERE a.link_mode IN ('imported_file', 'imported_url')"
    ):
        target = lib._inside_files(row[2]) if row[2] else None
        if target is None:
            problems.append(f"item {row[0]}: attachment {row[1]} has a path outside the library: {row[2]!r}")
        elif not target.is_file():
            problems.append(f"item {row[0]}: file missing: {row[2]}")
        elif verify_hashes and row[3]:
            digest = hashlib.sha256(target.read_bytes()).hexdigest()
            if digest != row[3]:
                problems.append(f"item {row[0]}: file changed on disk (sha256 differs): {row[2]}")
    return problems
