"""Indexed item queries: filters (collection, tags, search, trash) and sorted pages, as SQL not Python."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: Sortable columns -> indexed SQL expression. Ties break on id so paging is stable.
SORT_COLUMNS: dict[str, str] = {
    "title": "i.sort_title",
    "creator": "i.sort_creator",
    "year": "i.year",
    "publication": "i.sort_publication",
    "type": "i.item_type",
    "dateAdded": "i.date_added",
    "dateModified": "i.date_modified",
}

_TOKEN = re.compile(r"[\w][\w.\-/]*", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a user types into a safe FTS5 query: every word must match, as a prefix.

    >>> fts_query('senolytic "one-two" AND x')
    '"senolytic"* "one-two"* "and"* "x"*'
    >>> fts_query('  ') == ''
    True
    """
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return " ".join('"' + t.replace('"', "") + '"*' for t in tokens[:32])


@dataclass
class ItemQuery:
    """What the item table shows: one filter set, one sort order."""

    collection: str | None = None  # collection key
    recursive: bool = False
    unfiled: bool = False
    tags: list[str] = field(default_factory=list)
    tag_mode: str = "and"  # "and" | "or"
    tag_type: int | None = None  # restrict tag matches to manual (0) or automatic (1)
    search: str = ""
    trash: bool = False
    keys: list[str] | None = None
    sort: str = "title"
    descending: bool = False

    def where(self, conn: sqlite3.Connection) -> tuple[str, list[Any]]:
        """SQL condition over `items i` and its parameters (*conn* resolves collections and search size)."""
        clauses = ["i.deleted = ?"]
        params: list[Any] = [1 if self.trash else 0]
        # Filters are correlated EXISTS probes on (item_id, ...) indexes rather than IN-lists: the
        # page query walks the sort index and stops after `limit` hits, so a collection holding
        # most of a 100,000-item library costs as little as a small one.
        if self.collection:
            ids = collection_ids(conn, self.collection, self.recursive) or [-1]
            marks = ",".join("?" for _ in ids)
            clauses.append("EXISTS (SELECT 1 FROM collection_items ci WHERE ci.item_id = i.id "
                           f"AND ci.collection_id IN ({marks}))")
            params.extend(ids)
        if self.unfiled:
            clauses.append("NOT EXISTS (SELECT 1 FROM collection_items ci WHERE ci.item_id = i.id)")
        type_clause = " AND it.type = ?" if self.tag_type is not None else ""
        type_params: list[Any] = [self.tag_type] if self.tag_type is not None else []
        if self.tags:
            groups = [[t] for t in dict.fromkeys(self.tags)] if self.tag_mode == "and" else [list(dict.fromkeys(self.tags))]
            for names in groups:
                marks = ",".join("?" for _ in names)
                clauses.append("EXISTS (SELECT 1 FROM item_tags it WHERE it.item_id = i.id AND it.tag_id IN "
                               f"(SELECT id FROM tags WHERE name IN ({marks})){type_clause})")
                params.extend(names)
                params.extend(type_params)
        elif self.tag_type is not None:
            clauses.append(f"EXISTS (SELECT 1 FROM item_tags it WHERE it.item_id = i.id{type_clause})")
            params.extend(type_params)
        self._sparse_search = False
        if self.search.strip():
            query = fts_query(self.search)
            if query:
                hits = conn.execute("SELECT COUNT(*) FROM items_fts WHERE items_fts MATCH ?", (query,)).fetchone()[0]
                self._sparse_search = hits <= SPARSE_HITS
                if self._sparse_search:
                    # "+" stops SQLite from scanning the (deleted, ...) index and probing the hits.
                    clauses[0] = "+i.deleted = ?"
                clauses.append("i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
                params.append(query)
        if self.keys is not None:
            marks = ",".join("?" for _ in self.keys)
            clauses.append(f"i.key IN ({marks})")
            params.extend(self.keys)
        return " AND ".join(clauses), params

    def order_by(self) -> str:
        expr = SORT_COLUMNS.get(self.sort, SORT_COLUMNS["title"])
        direction = "DESC" if self.descending else "ASC"
        if getattr(self, "_sparse_search", False):
            # Few full-text hits: take them from the FTS index and sort them ("+" keeps SQLite
            # from walking the whole sort index instead). Many hits: walking the index is cheaper.
            return f"+{expr} {direction}, i.id {direction}"
        # A plain "column, id" order lets SQLite walk the (deleted, column) index: no sort step,
        # so the first page of 100,000 items costs the same as the first page of 100.
        return f"{expr} {direction}, i.id {direction}"


#: Up to this many full-text hits, sorting the hits beats walking the sort index.
SPARSE_HITS = 5000


def collection_ids(conn: sqlite3.Connection, key: str, recursive: bool) -> list[int]:
    """Row ids of a collection (and, if *recursive*, of all its subcollections)."""
    if not recursive:
        return [int(r[0]) for r in conn.execute("SELECT id FROM collections WHERE key = ?", (key,))]
    sql = ("WITH RECURSIVE sub(id) AS (SELECT id FROM collections WHERE key = ? "
           "UNION SELECT c.id FROM collections c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub")
    return [int(r[0]) for r in conn.execute(sql, (key,))]


#: The columns the item table shows, fetched per page.
ROW_COLUMNS = ("key", "item_type", "title", "creator_summary", "year", "publication", "date_added",
               "date_modified", "has_file")


def trash_is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM items WHERE deleted = 1 LIMIT 1").fetchone() is None


def count(conn: sqlite3.Connection, query: ItemQuery) -> int:
    search = fts_query(query.search) if query.search.strip() else ""
    plain = query == ItemQuery(search=query.search, sort=query.sort, descending=query.descending)
    if search and plain and trash_is_empty(conn):
        # Every item is live, so the full-text index alone has the answer (no join to items).
        return int(conn.execute("SELECT COUNT(*) FROM items_fts WHERE items_fts MATCH ?", (search,)).fetchone()[0])
    where, params = query.where(conn)
    return int(conn.execute(f"SELECT COUNT(*) FROM items i WHERE {where}", params).fetchone()[0])


def page(conn: sqlite3.Connection, query: ItemQuery, offset: int, limit: int) -> list[sqlite3.Row]:
    where, params = query.where(conn)
    cols = ", ".join(f"i.{c}" for c in ROW_COLUMNS)
    sql = (f"SELECT {cols}, (SELECT COUNT(*) FROM item_tags it WHERE it.item_id = i.id) AS n_tags "
           f"FROM items i WHERE {where} ORDER BY {query.order_by()} LIMIT ? OFFSET ?")
    return conn.execute(sql, (*params, limit, offset)).fetchall()


def iter_ids(conn: sqlite3.Connection, query: ItemQuery, chunk: int = 500) -> Iterator[list[int]]:
    """Row ids in id order, in chunks, by keyset paging (flat memory for any library size)."""
    where, params = query.where(conn)
    last = -1
    while True:
        rows = conn.execute(
            f"SELECT i.id FROM items i WHERE {where} AND i.id > ? ORDER BY i.id LIMIT ?",
            (*params, last, chunk),
        ).fetchall()
        if not rows:
            return
        ids = [int(r[0]) for r in rows]
        yield ids
        last = ids[-1]


def tag_counts(conn: sqlite3.Connection, query: ItemQuery | None = None) -> list[tuple[str, int, int]]:
    """(tag, item count, type) for items matching *query*'s filters (the tag selector)."""
    if query is None:
        query = ItemQuery()
    if query == ItemQuery(sort=query.sort, descending=query.descending) and trash_is_empty(conn):
        # The whole live library: counts straight from the (tag_id, type, item_id) index.
        sql = ("SELECT t.name, c.n, c.type FROM (SELECT tag_id, COUNT(*) AS n, MIN(type) AS type FROM item_tags "
               "GROUP BY tag_id) c JOIN tags t ON t.id = c.tag_id ORDER BY t.name COLLATE NOCASE")
        return [(r[0], int(r[1]), int(r[2])) for r in conn.execute(sql)]
    where, params = query.where(conn)
    sql = (f"SELECT t.name, COUNT(*) AS n, MIN(it.type) AS type FROM item_tags it "
           f"JOIN tags t ON t.id = it.tag_id JOIN items i ON i.id = it.item_id "
           f"WHERE {where} GROUP BY t.id ORDER BY t.name COLLATE NOCASE")
    return [(r[0], int(r[1]), int(r[2])) for r in conn.execute(sql, params)]
