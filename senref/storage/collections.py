"""Collection rows: the tree, member counts, create, rename, move, delete."""

from __future__ import annotations

import sqlite3

from senref.storage.queries import trash_is_empty


def listing(conn: sqlite3.Connection, *, recursive: bool = False) -> list[tuple[str, str, str | None, int]]:
    """(key, name, parent key, live member count) for every collection, by name.

    With *recursive*, a collection counts the distinct live items of its whole subtree (Zotero's "Show Items
    from Subcollections"), so an item filed in a parent and a child counts once.
    """
    sql = ("SELECT c.id, c.key, c.name, p.key AS parent FROM collections c "
           "LEFT JOIN collections p ON p.id = c.parent_id ORDER BY c.name COLLATE NOCASE")
    if recursive:
        rows = conn.execute(
            "WITH RECURSIVE tree(root, id, depth) AS (SELECT id, id, 0 FROM collections UNION ALL "
            "SELECT t.root, c.id, t.depth + 1 FROM collections c JOIN tree t ON c.parent_id = t.id WHERE t.depth < 64) "
            "SELECT t.root, COUNT(DISTINCT ci.item_id) FROM tree t JOIN collection_items ci ON ci.collection_id = t.id "
            "JOIN items i ON i.id = ci.item_id AND i.deleted = 0 GROUP BY t.root")
        deep = dict(rows.fetchall())
        return [(str(r[1]), str(r[2]), r[3], int(deep.get(r[0], 0))) for r in conn.execute(sql)]
    # Membership counts from the index alone, minus the (usually few) trashed members.
    counts = dict(conn.execute("SELECT collection_id, COUNT(*) FROM collection_items GROUP BY collection_id").fetchall())
    if not trash_is_empty(conn):
        for cid, n in conn.execute("SELECT ci.collection_id, COUNT(*) FROM items i JOIN collection_items ci "
                                   "ON ci.item_id = i.id WHERE i.deleted = 1 GROUP BY ci.collection_id"):
            counts[cid] = counts.get(cid, 0) - n
    return [(str(r[1]), str(r[2]), r[3], int(counts.get(r[0], 0))) for r in conn.execute(sql)]


def row_id(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT id FROM collections WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else None


def insert(conn: sqlite3.Connection, key: str, name: str, *, parent_id: int | None, version: int, when: str) -> None:
    conn.execute("INSERT INTO collections (key, name, parent_id, version, date_modified) VALUES (?,?,?,?,?)",
                 (key, name, parent_id, version, when))


def child_named(conn: sqlite3.Connection, name: str, parent_key: str | None) -> str | None:
    if parent_key is None:
        row = conn.execute("SELECT key FROM collections WHERE name = ? AND parent_id IS NULL", (name,)).fetchone()
    else:
        row = conn.execute("SELECT c.key FROM collections c JOIN collections p ON p.id = c.parent_id "
                           "WHERE c.name = ? AND p.key = ?", (name, parent_key)).fetchone()
    return str(row[0]) if row else None


def rename(conn: sqlite3.Connection, key: str, name: str, version: int, when: str) -> bool:
    cur = conn.execute("UPDATE collections SET name = ?, date_modified = ?, version = ? WHERE key = ?",
                       (name, when, version, key))
    return bool(cur.rowcount)


def parent_of(conn: sqlite3.Connection, key: str) -> tuple[bool, str | None]:
    """(the collection exists, its parent's key)."""
    row = conn.execute("SELECT p.key FROM collections c LEFT JOIN collections p ON p.id = c.parent_id "
                       "WHERE c.key = ?", (key,)).fetchone()
    return (False, None) if row is None else (True, row[0])


def reparent(conn: sqlite3.Connection, key: str, parent_id: int | None, version: int) -> bool:
    cur = conn.execute("UPDATE collections SET parent_id = ?, version = ? WHERE key = ?", (parent_id, version, key))
    return bool(cur.rowcount)


def delete(conn: sqlite3.Connection, key: str) -> tuple[bool, list[str]]:
    """Delete a collection (its subcollections go by cascade); (it existed, keys of its direct members)."""
    members = [str(r[0]) for r in conn.execute(
        "SELECT i.key FROM collection_items ci JOIN items i ON i.id = ci.item_id "
        "JOIN collections c ON c.id = ci.collection_id WHERE c.key = ?", (key,))]
    cur = conn.execute("DELETE FROM collections WHERE key = ?", (key,))
    return bool(cur.rowcount), members
