"""Tag rows beyond one item's: unused names, colours."""

from __future__ import annotations

import sqlite3

from senref.storage import items


def forget_if_unused(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("DELETE FROM tags WHERE name = ? AND id NOT IN (SELECT tag_id FROM item_tags)", (name,))


def forget_unused(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM item_tags)")


def forget(conn: sqlite3.Connection, name: str) -> None:
    """Drop the tag, from every item still carrying it too (their search rows made again without it)."""
    carrying = [int(r[0]) for r in conn.execute(
        "SELECT it.item_id FROM item_tags it JOIN tags t ON t.id = it.tag_id WHERE t.name = ? ORDER BY 1", (name,))]

    def drop() -> None:
        conn.execute("DELETE FROM tags WHERE name = ?", (name,))
    items.reindex(conn, carrying, drop)
    conn.execute("DELETE FROM tag_colors WHERE name = ?", (name,))


def rename_color(conn: sqlite3.Connection, old: str, new: str) -> None:
    conn.execute("UPDATE OR IGNORE tag_colors SET name = ? WHERE name = ?", (new, old))


def set_color(conn: sqlite3.Connection, name: str, color: str | None) -> None:
    if color is None:
        conn.execute("DELETE FROM tag_colors WHERE name = ?", (name,))
    else:
        conn.execute("INSERT OR REPLACE INTO tag_colors (name, color) VALUES (?, ?)", (name, color))


def colors(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute("SELECT name, color FROM tag_colors ORDER BY position, name")}
