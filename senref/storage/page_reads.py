"""The item table's first pages of a search for the short word a user types first ("s", "se", "p16").

Such a word matches most of a 100,000-item library. `queries.page` walks the sort index and tests each
item against the set of hits, which it must build first: 100,000 ids read from the full-text index,
tens of milliseconds before the first row. A word no longer than one of the full-text index's prefix
indexes can instead be probed item by item, at microseconds each, and the walk stops after the page.
Every other query is `queries.page`'s. Read-only SQL over the caller's connection.
"""

from __future__ import annotations

import re
import sqlite3

from senref.core.query import ItemQuery
from senref.storage.queries import (
    ATTACHMENT_KIND,
    EXTRA_COLUMNS,
    ROW_COLUMNS,
    clause_in,
    compile_query,
    fts_query,
    page,
    search_hits,
    search_table,
)

#: A probe walk looks at most this many items per row it must find (dense hits: most items match) ...
_WALK_PER_ROW = 4
#: ... and only for the first rows of a view, where the walk is short.
_PROBE_ROWS = 1000
#: One probe costs about as much as this many entries of the hit set (measured: ~20 us against ~0.5 us).
_PROBE_COST = 40

_COLUMNS = (", ".join(f"i.{c}" for c in ROW_COLUMNS)
            + ", (SELECT COUNT(*) FROM item_tags it WHERE it.item_id = i.id) AS n_tags, "
            + f"{ATTACHMENT_KIND} AS attachment_kind, {EXTRA_COLUMNS}")
_PLAIN_TOKEN = re.compile(r'"([a-z0-9]+)"\*')
_PREFIX_OPTION = re.compile(r"prefix\s*=\s*'([0-9 ]+)'", re.IGNORECASE)


def table_page(conn: sqlite3.Connection, query: ItemQuery, offset: int, limit: int) -> list[sqlite3.Row]:
    """Rows *offset* to *offset* + *limit* of *query*, exactly as `queries.page` returns them."""
    ids = probed_page_ids(conn, query, offset, limit)
    if ids is None:
        return page(conn, query, offset, limit)
    if not ids:
        return []
    order = compile_query(conn, ItemQuery(sort=query.sort, descending=query.descending)).order
    marks = ",".join("?" for _ in ids)
    return conn.execute(f"SELECT {_COLUMNS} FROM items i WHERE i.id IN ({marks}) ORDER BY {order}", ids).fetchall()


def probed_page_ids(conn: sqlite3.Connection, query: ItemQuery, offset: int, limit: int) -> list[int] | None:
    """The row ids of the page by probing, in *query*'s order; None when probing does not suit the query."""
    if offset + limit > _PROBE_ROWS or not _prefix_indexed(conn, query.search):
        return None
    sql = compile_query(conn, query)
    clause = clause_in(sql.where)
    if clause is None or sql.order.startswith("+"):
        return None  # few hits: compile_query's plan starts from them
    # Ids are never reused downwards, so the largest is at least the number of items: a cheap bound.
    items = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM items").fetchone()[0])
    hits = search_hits(conn, fts_query(query.search))
    # The walk probes about (offset + limit) * items / hits items; the hit set costs one entry per hit.
    if hits * _WALK_PER_ROW < items or (offset + limit) * items * _PROBE_COST > hits * hits:
        return None
    return _probe_walk(conn, sql.where, clause, sql.params, sql.order, offset=offset, limit=limit)


def _probe_walk(conn: sqlite3.Connection, where: str, clause: str, params: list[object], order: str, *,
                offset: int, limit: int) -> list[int] | None:
    """The page from a bounded walk of the sort index, each item probed in the full-text index; None when
    the walk was too short to hold the page (sparser hits than it was sized for)."""
    wanted, walk = offset + limit, (offset + limit) * _WALK_PER_ROW
    # The set clause becomes an always-true test of the same parameter, so the parameters keep their places.
    others = where.replace(clause, "? IS NOT NULL")
    search = params[_parameter_index(where, clause)]
    table = search_table(str(search))
    probe = f"EXISTS (SELECT 1 FROM {table} f WHERE f.{table} MATCH ? AND f.rowid = w.id)"
    walked = (f"SELECT i.id AS id, row_number() OVER (ORDER BY {order}) AS n FROM items i WHERE {others} "
              f"ORDER BY {order} LIMIT {walk}")
    # No outer ORDER BY, so the walk stops at the page's last row instead of probing all of it; the
    # walk's own numbering shows whether its order held (it does in SQLite's co-routine plan).
    found = conn.execute(f"SELECT w.id, w.n FROM ({walked}) AS w WHERE {probe} LIMIT {wanted}",
                         (*params, search)).fetchall()
    numbers = [int(r[1]) for r in found]
    if numbers != sorted(numbers):
        return None
    if len(found) < wanted:
        seen = conn.execute(f"SELECT COUNT(*) FROM ({walked})", params).fetchone()[0]
        if seen >= walk:
            return None  # the walk ended before the page did: the hits are not dense enough here
    return [int(r[0]) for r in found[offset:]]


def _parameter_index(where: str, clause: str) -> int:
    return where[:where.index(clause)].count("?") + clause.count("?") - 1


def _prefix_indexed(conn: sqlite3.Connection, search: str) -> bool:
    """Whether *search* is one word short enough for the full-text index's prefix index: a probe of a
    longer prefix merges the doclists of every term it starts, and each further word is a probe more
    (at two words, the hit set is the cheaper way)."""
    text = fts_query(search)
    found = _PLAIN_TOKEN.fullmatch(text)
    return found is not None and len(found.group(1)) in _prefix_lengths(conn, search_table(text))


def _prefix_lengths(conn: sqlite3.Connection, table: str) -> frozenset[int]:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    found = _PREFIX_OPTION.search(str(row[0])) if row else None
    return frozenset(int(n) for n in found.group(1).split()) if found else frozenset()
