"""Indexed item queries: filters (collection, tags, search, trash) and sorted pages, as SQL not Python."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from senref.core.query import ItemQuery
from senref.storage.items import SEARCH_TABLES, flush_search_rows

#: Sortable fields -> indexed SQL expression. Ties break on id so paging is stable.
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
class Compiled:
    """An ItemQuery as SQL over `items i`: the condition, its parameters and the ORDER BY."""

    where: str
    params: list[Any]
    order: str


def compile_query(conn: sqlite3.Connection, query: ItemQuery) -> Compiled:
    """The SQL for *query* (*conn* resolves collections and sizes the full-text hits)."""
    flush_search_rows(conn)
    clauses = ["i.deleted = ?"]
    params: list[Any] = [1 if query.trash else 0]
    # Filters are correlated EXISTS probes on (item_id, ...) indexes rather than IN-lists: the
    # page query walks the sort index and stops after `limit` hits, so a collection holding
    # most of a 100,000-item library costs as little as a small one.
    if query.collection:
        ids = collection_ids(conn, query.collection, query.recursive) or [-1]
        marks = ",".join("?" for _ in ids)
        clauses.append("EXISTS (SELECT 1 FROM collection_items ci WHERE ci.item_id = i.id "
                       f"AND ci.collection_id IN ({marks}))")
        params.extend(ids)
    if query.unfiled:
        clauses.append("NOT EXISTS (SELECT 1 FROM collection_items ci WHERE ci.item_id = i.id)")
    type_clause = " AND it.type = ?" if query.tag_type is not None else ""
    type_params: list[Any] = [query.tag_type] if query.tag_type is not None else []
    if query.tags:
        names_once = list(dict.fromkeys(query.tags))
        groups = [[t] for t in names_once] if query.tag_mode == "and" else [names_once]
        for names in groups:
            marks = ",".join("?" for _ in names)
            clauses.append("EXISTS (SELECT 1 FROM item_tags it WHERE it.item_id = i.id AND it.tag_id IN "
                           f"(SELECT id FROM tags WHERE name IN ({marks})){type_clause})")
            params.extend(names)
            params.extend(type_params)
    elif query.tag_type is not None:
        clauses.append(f"EXISTS (SELECT 1 FROM item_tags it WHERE it.item_id = i.id{type_clause})")
        params.extend(type_params)
    sparse = False
    if query.search.strip():
        text = fts_query(query.search)
        if text:
            sparse = search_hits(conn, text) <= SPARSE_HITS
            if sparse:
                # "+" stops SQLite from scanning the (deleted, ...) index and probing the hits.
                clauses[0] = "+i.deleted = ?"
            clauses.append(fts_clause(text))
            params.append(text)
    if query.keys is not None:
        marks = ",".join("?" for _ in query.keys)
        clauses.append(f"i.key IN ({marks})")
        params.extend(query.keys)
    if query.integrity:
        marks = ",".join("?" for _ in query.integrity)
        clauses.append(f"json_extract(i.extras, '$.integrity.status') IN ({marks})")
        params.extend(query.integrity)
    return Compiled(" AND ".join(clauses), params, _order_by(query, sparse))


def _order_by(query: ItemQuery, sparse: bool) -> str:
    expr = SORT_COLUMNS.get(query.sort, SORT_COLUMNS["title"])
    direction = "DESC" if query.descending else "ASC"
    if sparse:
        # Few full-text hits: take them from the FTS index and sort them ("+" keeps SQLite
        # from walking the whole sort index instead). Many hits: walking the index is cheaper.
        return f"+{expr} {direction}, i.id {direction}"
    # A plain "column, id" order lets SQLite walk the (deleted, column) index: no sort step,
    # so the first page of 100,000 items costs the same as the first page of 100.
    return f"{expr} {direction}, i.id {direction}"


#: Up to this many full-text hits, sorting the hits beats walking the sort index.
SPARSE_HITS = 500

#: Letters and digits the tokenizer surely keeps together (its Unicode tables are 6.1's, older than Python's):
#: a term of only these is one word to it, where another may be a phrase of several.
_ONE_WORD = re.compile('"[0-9a-z\u00aa-\u052f]+"\\*')


#: The longest prefix search_words has an index for (its prefix = '1 2 3').
_INDEXED_PREFIX = 3


def search_table(text: str) -> str:
    """The search table that answers the FTS query *text* fastest (see storage.items.SEARCH_TABLES).

    `search_words` when a term is a prefix it has an index for ("s", "sen"), and every term is one word
    (it keeps no positions for a phrase): there, `items_fts` merges the lists of every word the prefix
    starts, 5 to 25 times slower at 10k. Any other query goes to `items_fts`, which answers a longer prefix
    ("senescence"*) about three times faster than a table without positions does (measured at 10k items).
    """
    terms = text.split(" ")
    if not all(_ONE_WORD.fullmatch(term) for term in terms):
        return SEARCH_TABLES[0]
    # A three-letter prefix starts few enough words that positions cost less beside a longer term
    # ("dna olaparib"); one or two letters start too many.
    sizes = [len(term) - 3 for term in terms]  # the term less its quotes and star
    short = any(n < _INDEXED_PREFIX for n in sizes) or all(n <= _INDEXED_PREFIX for n in sizes)
    return SEARCH_TABLES[1] if short else SEARCH_TABLES[0]


def fts_clause(text: str) -> str:
    """The full-text clause compile_query writes for *text* (one of FTS_CLAUSES)."""
    table = search_table(text)
    return f"i.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"


#: Every clause fts_clause writes (senref.storage.page_reads looks for them too).
FTS_CLAUSES = tuple(f"i.id IN (SELECT rowid FROM {t} WHERE {t} MATCH ?)" for t in SEARCH_TABLES)


def clause_in(where: str) -> str | None:
    """The full-text clause in the compiled condition *where*, if any."""
    return next((c for c in FTS_CLAUSES if c in where), None)

#: The last search counted: (connection, FTS query, its total_changes, PRAGMA data_version, hits). A view
#: asks the count and then the page of one search, and each would count the hits afresh. One entry
#: holding its connection: an id of a closed connection could name another library's.
_LAST_HITS: list[tuple[sqlite3.Connection, str, int, int, int]] = []


def search_hits(conn: sqlite3.Connection, text: str) -> int:
    """How many items the FTS query *text* matches, counted once while nothing writes the library."""
    # data_version moves when another connection commits; total_changes when this one writes.
    changes, version = conn.total_changes, int(conn.execute("PRAGMA data_version").fetchone()[0])
    for known in _LAST_HITS:
        if known[0] is conn and known[1:4] == (text, changes, version):
            return known[4]
    table = search_table(text)
    hits = int(conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ?", (text,)).fetchone()[0])
    _LAST_HITS[:] = [(conn, text, changes, version, hits)]
    return hits


def collection_ids(conn: sqlite3.Connection, key: str, recursive: bool) -> list[int]:
    """Row ids of a collection (and, if *recursive*, of all its subcollections)."""
    if not recursive:
        return [int(r[0]) for r in conn.execute("SELECT id FROM collections WHERE key = ?", (key,))]
    sql = ("WITH RECURSIVE sub(id) AS (SELECT id FROM collections WHERE key = ? "
           "UNION SELECT c.id FROM collections c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub")
    return [int(r[0]) for r in conn.execute(sql, (key,))]


#: The columns the item table shows, fetched per page.
#: What the table shows from extras: the integrity status and OpenAlex's citation count.
EXTRA_COLUMNS = ("json_extract(i.extras, '$.integrity.status') AS integrity, "
                 "json_extract(i.extras, '$.cited_by_count.count') AS cited_by")
ROW_COLUMNS = ("key", "item_type", "title", "creator_summary", "year", "publication", "date_added",
               "date_modified", "has_file")


#: The item's most telling attachment, as the table's File column shows it: 4 a stored PDF, 3 another
#: stored file, 2 a linked file, 1 a link (URL), 0 none. Read per page through the attachments_item
#: index, so the table never asks per row.
ATTACHMENT_KIND = (
    "(SELECT COALESCE(MAX(CASE"
    " WHEN a.link_mode IN ('imported_file', 'imported_url')"
    " AND (a.content_type = 'application/pdf' OR lower(a.path) LIKE '%.pdf') THEN 4"
    " WHEN a.link_mode IN ('imported_file', 'imported_url') THEN 3"
    " WHEN a.link_mode = 'linked_file' THEN 2"
    " WHEN a.link_mode = 'linked_url' THEN 1 ELSE 0 END), 0)"
    " FROM attachments a WHERE a.item_id = i.id)"
)


def trash_is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM items WHERE deleted = 1 LIMIT 1").fetchone() is None


def count(conn: sqlite3.Connection, query: ItemQuery) -> int:
    flush_search_rows(conn)
    search = fts_query(query.search) if query.search.strip() else ""
    plain = query == ItemQuery(search=query.search, sort=query.sort, descending=query.descending)
    if search and plain and trash_is_empty(conn):
        # Every item is live, so the full-text index alone has the answer (no join to items).
        return search_hits(conn, search)
    sql = compile_query(conn, query)
    return int(conn.execute(f"SELECT COUNT(*) FROM items i WHERE {sql.where}", sql.params).fetchone()[0])


def page(conn: sqlite3.Connection, query: ItemQuery, offset: int, limit: int) -> list[sqlite3.Row]:
    sql = compile_query(conn, query)
    where = sql.where
    clause = clause_in(where)
    if clause is not None and not sql.order.startswith("+"):
        # Many hits: walk the sort index, testing each item against the hit set (built once), and
        # stop after the page. Left to itself SQLite drives the plan from the hits and sorts them all.
        where = where.replace(clause, f"+{clause}")
    cols = ", ".join(f"i.{c}" for c in ROW_COLUMNS)
    text = (f"SELECT {cols}, (SELECT COUNT(*) FROM item_tags it WHERE it.item_id = i.id) AS n_tags, "
            f"{ATTACHMENT_KIND} AS attachment_kind, {EXTRA_COLUMNS} "
            f"FROM items i WHERE {where} ORDER BY {sql.order} LIMIT ? OFFSET ?")
    return conn.execute(text, (*sql.params, limit, offset)).fetchall()


def iter_ids(conn: sqlite3.Connection, query: ItemQuery, chunk: int = 500) -> Iterator[list[int]]:
    """Row ids in id order, in chunks, by keyset paging (flat memory for any library size)."""
    sql = compile_query(conn, query)
    where, params = sql.where, sql.params
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
        whole = ("SELECT t.name, c.n, c.type FROM (SELECT tag_id, COUNT(*) AS n, MIN(type) AS type FROM item_tags "
                 "GROUP BY tag_id) c JOIN tags t ON t.id = c.tag_id ORDER BY t.name COLLATE NOCASE")
        return [(r[0], int(r[1]), int(r[2])) for r in conn.execute(whole)]
    sql = compile_query(conn, query)
    text = (f"SELECT t.name, COUNT(*) AS n, MIN(it.type) AS type FROM item_tags it "
            f"JOIN tags t ON t.id = it.tag_id JOIN items i ON i.id = it.item_id "
            f"WHERE {sql.where} GROUP BY t.id ORDER BY t.name COLLATE NOCASE")
    return [(r[0], int(r[1]), int(r[2])) for r in conn.execute(text, sql.params)]


def keys(conn: sqlite3.Connection, query: ItemQuery) -> list[str]:
    """Keys of every item matching *query*, in its order."""
    sql = compile_query(conn, query)
    return [str(r[0]) for r in conn.execute(f"SELECT i.key FROM items i WHERE {sql.where} ORDER BY {sql.order}",
                                            sql.params)]


def key_versions(conn: sqlite3.Connection, query: ItemQuery) -> list[tuple[str, int]]:
    """(key, version) of every item matching *query*, in row order (what a sync target holds)."""
    sql = compile_query(conn, query)
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: 100,000 Row objects cost more than the query
    return cursor.execute(f"SELECT i.key, i.version FROM items i WHERE {sql.where} ORDER BY i.id", sql.params).fetchall()


def any_match(conn: sqlite3.Connection, query: ItemQuery) -> bool:
    sql = compile_query(conn, query)
    return conn.execute(f"SELECT 1 FROM items i WHERE {sql.where} LIMIT 1", sql.params).fetchone() is not None
