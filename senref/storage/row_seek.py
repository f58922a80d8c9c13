"""Direct seeks for the item table: a page deep in a long view read by its row ids, not by OFFSET.

`LIMIT ? OFFSET ?` walks every row before the page: 28 ms to reach row 99,000 of 100,000, paid again on
every jump. The view's row ids in its order, read once (one walk of the sort index, ~0.8 MB for 100,000
rows), turn every later page into an id lookup. The rows are the ones `queries.page` returns for the
same offset: the order is total (its last key is the row id), so a page's ids sorted by it are that page.
Read-only SQL over the caller's connection (the Library's `view_ids` / `rows_by_ids`).
"""

from __future__ import annotations

import sqlite3
from array import array

from senref.core.query import ItemQuery
from senref.storage.queries import ATTACHMENT_KIND, EXTRA_COLUMNS, ROW_COLUMNS, compile_query

#: The table's row, column for column as `queries.page` selects it.
_COLUMNS = (", ".join(f"i.{c}" for c in ROW_COLUMNS)
            + ", (SELECT COUNT(*) FROM item_tags it WHERE it.item_id = i.id) AS n_tags, "
            + f"{ATTACHMENT_KIND} AS attachment_kind, {EXTRA_COLUMNS}")
def view_ids(conn: sqlite3.Connection, query: ItemQuery) -> array[int]:
    """Every row id of *query*'s view, in its order."""
    sql = compile_query(conn, query)
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: 100,000 Row objects cost more than the walk
    rows = cursor.execute(f"SELECT i.id FROM items i WHERE {sql.where} ORDER BY {sql.order}", sql.params)
    return array("q", (row[0] for row in rows))


def rows_by_ids(conn: sqlite3.Connection, query: ItemQuery, ids: array[int]) -> list[sqlite3.Row]:
    """The table rows of *ids* (one page of `view_ids`), in *query*'s order."""
    if not ids:
        return []
    order = compile_query(conn, ItemQuery(sort=query.sort, descending=query.descending)).order
    marks = ",".join("?" for _ in ids)
    return conn.execute(f"SELECT {_COLUMNS} FROM items i WHERE i.id IN ({marks}) ORDER BY {order}",
                        tuple(ids)).fetchall()
