"""Reading and writing one item's rows (item, creators, identifiers, tags, collections, notes, files, FTS)."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from senref.core import identifiers as ids
from senref.core.matching import fold
from senref.core.model import Attachment, Creator, Item, Note, Tag, creator_summary
from senref.storage import compact

_TAGS = re.compile(r"<[^>]{0,500}>")
_FTS_COLUMNS = "rowid, title, creators, abstract, tags, notes, identifiers, publication"
#: The search index is two FTS5 tables of the same rows (schema 9): `items_fts` with the words' positions,
#: for phrases ("one-two"), and `search_words` with the words alone and prefix indexes, for what most
#: searches are (words typed as prefixes). Prefix indexes with positions took two thirds of the index.
SEARCH_TABLES = ("items_fts", "search_words")
#: (table, insert, delete) for each. The search index keeps no copy of its text (schema 7): a row is removed
#: by giving FTS5 the words it was made from, which are the stored item's. Every change to what a row is made
#: from goes through write_item, reindex or purge_trashed, which take the old words from the stored rows
#: before they change.
_SEARCH_ROWS = tuple((t, f"INSERT INTO {t} ({_FTS_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
                      f"INSERT INTO {t} ({t}, {_FTS_COLUMNS}) VALUES ('delete',?,?,?,?,?,?,?,?)")
                     for t in SEARCH_TABLES)


@dataclass
class _Batch:
    """What a write batch holds back until its end: search rows by item row id, and tag ids by name."""

    #: row id -> (the values its search row in the index was made from, or None for none; the new values)
    fts: dict[int, tuple[tuple[Any, ...] | None, tuple[Any, ...]]] = field(default_factory=dict)
    tag_ids: dict[str, int] = field(default_factory=dict)


#: id(connection) -> its open batch. Connections are per thread and take no weak references.
_BATCHES: dict[int, _Batch] = {}


@contextlib.contextmanager
def write_batch(conn: sqlite3.Connection) -> Iterator[None]:
    """Hold the search-index rows of the items written inside back, and write them in one go at the end.

    FTS5 flushes its pending index writes whenever another statement opens a savepoint, so one
    search row interleaved with each item's other rows costs several times the same rows written
    apart. Inside a batch nothing may read the search index before the batch ends (storage's own
    readers call flush_search_rows first). Nested batches join the outer one; on an error the held
    rows are dropped with the transaction they belonged to.
    """
    if id(conn) in _BATCHES:
        yield
        return
    _BATCHES[id(conn)] = _Batch()
    try:
        yield
        flush_search_rows(conn)
    finally:
        _BATCHES.pop(id(conn), None)


def flush_search_rows(conn: sqlite3.Connection) -> None:
    """Write the search rows an open batch holds (none open: nothing to do)."""
    batch = _BATCHES.get(id(conn))
    if batch is None or not batch.fts:
        return
    pending, batch.fts = batch.fts, {}
    old_rows = [old for old, _new in pending.values() if old is not None]
    new_rows = [values for _old, values in pending.values()]
    for _table, insert, delete in _SEARCH_ROWS:
        conn.executemany(delete, old_rows)
        conn.executemany(insert, new_rows)


_dumps = compact.dumps


def item_id(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT id FROM items WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else None


def write_item(conn: sqlite3.Connection, item: Item) -> int:
    """Insert or replace *item* and all its child rows; returns the row id. Caller holds a transaction."""
    summary = creator_summary(item.creators)
    sort_title = fold(item.title)
    fields, abstract, extras, evidence, provenance = compact.pack_row(item.fields, item.extras, item.provenance,
                                                                      item.title)
    columns: dict[str, Any] = {
        "key": item.key,
        "item_type": item.item_type,
        "title": item.title,
        "sort_title": sort_title,
        "creator_summary": summary,
        "sort_creator": fold(summary),
        "year": item.year,
        "publication": item.publication,
        "sort_publication": fold(item.publication),
        "date_added": item.date_added,
        "date_modified": item.date_modified,
        "version": item.version,
        "deleted": 1 if item.deleted else 0,
        # (title_key and first_author stay empty: nothing reads them since schema 8)
        "hal_version": item.hal_version,
        "fields": fields,
        "packed_abstract": abstract,
        "provenance": provenance,
        "extras": extras,
        "packed_evidence": evidence,
        "relations": _dumps(item.relations),
        "has_file": 1 if any(a.link_mode != "linked_url" for a in item.attachments) else 0,
    }
    rid = item_id(conn, item.key)
    indexed: tuple[Any, ...] | None = None
    if rid is None:
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        cur = conn.execute(f"INSERT INTO items ({names}) VALUES ({marks})", tuple(columns.values()))
        rid = int(cur.lastrowid or 0)
    else:
        indexed = indexed_values(conn, rid)  # before the rows it is made from change
        sets = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(f"UPDATE items SET {sets} WHERE id = ?", (*columns.values(), rid))
        for table in ("creators", "identifiers", "item_tags", "collection_items", "notes", "attachments"):
            conn.execute(f"DELETE FROM {table} WHERE item_id = ?", (rid,))
    conn.executemany(
        "INSERT INTO creators (item_id, pos, creator_type, first_name, last_name, name) VALUES (?,?,?,?,?,?)",
        [(rid, pos, c.creator_type, c.first_name, c.last_name, c.name) for pos, c in enumerate(item.creators)],
    )
    conn.executemany(
        "INSERT INTO identifiers (item_id, scheme, value) VALUES (?,?,?)",
        [(rid, scheme, value) for scheme, value in item.identifiers.items() if value],
    )
    batch = _BATCHES.get(id(conn))
    if batch is None:
        for tag in item.tags:
            conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag.tag,))
        conn.executemany(
            "INSERT OR REPLACE INTO item_tags (item_id, tag_id, type) "
            "SELECT ?, id, ? FROM tags WHERE name = ?",
            [(rid, tag.type, tag.tag) for tag in item.tags],
        )
    else:
        # The item's rows are gone or never were (above), so only a name given twice can clash: the last
        # one's type wins, as with OR REPLACE, which costs a third more under foreign keys.
        types = {_tag_id(conn, batch, tag.tag): tag.type for tag in item.tags}
        conn.executemany("INSERT OR IGNORE INTO item_tags (item_id, tag_id, type) VALUES (?,?,?)",
                         [(rid, tag_id, kind) for tag_id, kind in types.items()])
    conn.executemany(
        "INSERT OR IGNORE INTO collection_items (collection_id, item_id) "
        "SELECT id, ? FROM collections WHERE key = ?",
        [(rid, ckey) for ckey in item.collections],
    )
    conn.executemany(
        # Plain INSERT: a note or file key owned by another item must fail loudly, never move.
        "INSERT INTO notes (key, item_id, html, date_added, date_modified) VALUES (?,?,?,?,?)",
        [(n.key, rid, n.html, n.date_added, n.date_modified) for n in item.notes],
    )
    conn.executemany(
        "INSERT INTO attachments (key, item_id, title, link_mode, path, url, content_type, size,"
        " sha256, source, date_added) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(a.key, rid, a.title, a.link_mode, a.path, a.url, a.content_type, a.size, a.sha256, a.source,
          a.date_added) for a in item.attachments],
    )
    index_fts(conn, rid, item, indexed)
    return rid


def _tag_id(conn: sqlite3.Connection, batch: _Batch, name: str) -> int:
    """The tag's row id, made if new; remembered for the batch (tags are never deleted inside one)."""
    found = batch.tag_ids.get(name)
    if found is None:
        row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        found = int(row[0]) if row else int(conn.execute("INSERT INTO tags (name) VALUES (?)", (name,)).lastrowid or 0)
        batch.tag_ids[name] = found
    return found


def index_fts(conn: sqlite3.Connection, rid: int, item: Item, indexed: tuple[Any, ...] | None) -> None:
    """Replace the item's full-text row (same rowid as the item); held back to the end of a batch.

    *indexed*: `indexed_values` of the row as it was before this write (None: it had no search row).
    """
    values = _fts_values(rid, item)
    batch = _BATCHES.get(id(conn))
    if batch is not None:
        older = batch.fts.get(rid)
        # A row written earlier in the batch is not in the index yet: what is there is what that write replaced.
        batch.fts[rid] = (older[0] if older is not None else indexed, values)
        return
    for _table, insert, delete in _SEARCH_ROWS:
        if indexed is not None:
            conn.execute(delete, indexed)
        conn.execute(insert, values)


def indexed_values(conn: sqlite3.Connection, rid: int) -> tuple[Any, ...] | None:
    """The values the search index holds for item *rid*, made again from its stored rows (None: no row).

    Inside a batch, a row written earlier in it is not yet in the index: index_fts keeps the older values.
    """
    batch = _BATCHES.get(id(conn))
    if batch is not None and rid in batch.fts:
        return batch.fts[rid][0]
    if conn.execute("SELECT 1 FROM items_fts WHERE rowid = ?", (rid,)).fetchone() is None:
        return None
    stored = read_items_by_ids(conn, [rid])
    return _fts_values(rid, stored[0]) if stored else None


def reindex(conn: sqlite3.Connection, ids: list[int], change: Callable[[], None]) -> None:
    """Run *change* (SQL that alters what the search rows of items *ids* are made from, e.g. a cascade) and
    bring those rows in step: their old words are read before it runs."""
    flush_search_rows(conn)
    old = {rid: indexed_values(conn, rid) for rid in ids}
    change()
    for item_row in _chunks(ids):
        for rid, item in zip(item_row, read_items_by_ids(conn, item_row), strict=True):
            index_fts(conn, rid, item, old[rid])


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Make the whole search index again from the stored items (it may hold rows whose words are unknown)."""
    flush_search_rows(conn)
    for table, _insert, _delete in _SEARCH_ROWS:
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM items ORDER BY id")]
    for chunk in _chunks(ids):
        values = [_fts_values(rid, item) for rid, item in zip(chunk, read_items_by_ids(conn, chunk), strict=True)]
        for _table, insert, _delete in _SEARCH_ROWS:
            conn.executemany(insert, values)


def add_search_rows(conn: sqlite3.Connection, table: str, ids: list[int]) -> None:
    """Index items *ids* in the search table *table*, which has no row of theirs (a mend after damage)."""
    flush_search_rows(conn)
    (insert,) = [ins for name, ins, _delete in _SEARCH_ROWS if name == table]
    for chunk in _chunks(ids):
        conn.executemany(insert, [_fts_values(rid, item) for rid, item in
                                  zip(chunk, read_items_by_ids(conn, chunk), strict=True)])


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _fts_values(rid: int, item: Item) -> tuple[Any, ...]:
    return (
        rid,
        item.title,
        " ; ".join(c.display for c in item.creators),
        _TAGS.sub(" ", item.fields.get("abstractNote", "")),
        " ; ".join(t.tag for t in item.tags),
        " ".join(_TAGS.sub(" ", n.html) for n in item.notes),
        " ".join(item.identifiers.values()),
        " ".join(filter(None, [item.publication, item.fields.get("journalAbbreviation", "")])),
    )


def read_item(conn: sqlite3.Connection, key: str) -> Item | None:
    row = conn.execute("SELECT * FROM items WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    return _from_row(conn, row)


def read_items_by_ids(conn: sqlite3.Connection, ids: list[int]) -> list[Item]:
    """Items for row ids, in the given order (one query per table, not per item)."""
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    rows = {r["id"]: r for r in conn.execute(f"SELECT * FROM items WHERE id IN ({marks})", ids)}
    children = _children(conn, ids)
    return [_from_row(conn, rows[i], children) for i in ids if i in rows]


def _children(conn: sqlite3.Connection, ids: list[int]) -> dict[str, dict[int, list[Any]]]:
    marks = ",".join("?" for _ in ids)
    out: dict[str, dict[int, list[Any]]] = {
        "creators": {}, "identifiers": {}, "tags": {}, "collections": {}, "notes": {}, "attachments": {},
    }
    queries = {
        "creators": f"SELECT * FROM creators WHERE item_id IN ({marks}) ORDER BY item_id, pos",
        "identifiers": f"SELECT * FROM identifiers WHERE item_id IN ({marks})",
        "tags": f"SELECT it.item_id, t.name, it.type FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                f"WHERE it.item_id IN ({marks}) ORDER BY it.item_id, t.name",
        "collections": f"SELECT ci.item_id, c.key FROM collection_items ci JOIN collections c "
                       f"ON c.id = ci.collection_id WHERE ci.item_id IN ({marks})",
        "notes": f"SELECT * FROM notes WHERE item_id IN ({marks}) ORDER BY id",
        "attachments": f"SELECT * FROM attachments WHERE item_id IN ({marks}) ORDER BY id",
    }
    for name, sql in queries.items():
        for row in conn.execute(sql, ids):
            out[name].setdefault(row[0] if name in ("tags", "collections") else row["item_id"], []).append(row)
    return out


def _from_row(conn: sqlite3.Connection, row: sqlite3.Row,
              children: dict[str, dict[int, list[Any]]] | None = None) -> Item:
    rid = int(row["id"])
    if children is None:
        children = _children(conn, [rid])
    fields = compact.unpack_fields(row["fields"], row["packed_abstract"], row["title"])
    item = Item(
        item_type=row["item_type"],
        fields=fields,
        key=row["key"],
        version=row["version"],
        date_added=row["date_added"],
        date_modified=row["date_modified"],
        deleted=bool(row["deleted"]),
        hal_version=row["hal_version"],
        provenance=compact.unpack_provenance(row["provenance"], fields),
        extras=compact.unpack_extras(row["extras"], row["packed_evidence"]),
        relations=json.loads(row["relations"]),
    )
    item.creators = [Creator(r["creator_type"], r["first_name"], r["last_name"], r["name"])
                     for r in children["creators"].get(rid, [])]
    item.identifiers = {r["scheme"]: r["value"] for r in children["identifiers"].get(rid, [])}
    item.tags = [Tag(r[1], int(r[2])) for r in children["tags"].get(rid, [])]
    item.collections = sorted(r[1] for r in children["collections"].get(rid, []))
    item.notes = [Note(html=r["html"], key=r["key"], date_added=r["date_added"], date_modified=r["date_modified"])
                  for r in children["notes"].get(rid, [])]
    item.attachments = [
        Attachment(key=r["key"], title=r["title"], link_mode=r["link_mode"], path=r["path"], url=r["url"],
                   content_type=r["content_type"], size=r["size"], sha256=r["sha256"], source=r["source"],
                   date_added=r["date_added"])
        for r in children["attachments"].get(rid, [])
    ]
    return item


def find_by_identifier(conn: sqlite3.Connection, scheme: str, value: str, *, include_trash: bool = False,
                       exclude_key: str = "") -> str | None:
    """The oldest item carrying identifier *scheme*:*value* (live ones only unless *include_trash*).

    DOIs match whatever their case: stored as published, and lower-cased by senref before 2026.
    """
    if scheme == "isbn":  # ISBNs are kept as written (hyphens, several in one field): compare their digits
        wanted = ids.identifier_key(scheme, value)
        for key, written in conn.execute(
                "SELECT i.key, d.value FROM identifiers d JOIN items i ON i.id = d.item_id "
                "WHERE d.scheme = 'isbn' AND (? OR i.deleted = 0) AND i.key != ? ORDER BY i.id",
                (include_trash, exclude_key)):
            if ids.identifier_key(scheme, str(written)) == wanted:
                return str(key)
        return None
    # SQLite's NOCASE folds ASCII only, which is what DOI names are case-insensitive over.
    match = "d.value = ? COLLATE NOCASE" if scheme in ids.CASE_INSENSITIVE_SCHEMES else "d.value = ?"
    row = conn.execute(
        "SELECT i.key FROM identifiers d JOIN items i ON i.id = d.item_id "
        f"WHERE d.scheme = ? AND {match} AND (? OR i.deleted = 0) AND i.key != ? ORDER BY i.id LIMIT 1",
        (scheme, value, include_trash, exclude_key),
    ).fetchone()
    return str(row[0]) if row else None


def identifiers_of(conn: sqlite3.Connection, rid: int) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute("SELECT scheme, value FROM identifiers WHERE item_id = ?", (rid,))}


def child_key_in_use(conn: sqlite3.Connection, kind: str, key: str) -> bool:
    """True when a note (*kind* "note") or an attachment ("attachment") already has *key*."""
    table = {"note": "notes", "attachment": "attachments"}[kind]
    return conn.execute(f"SELECT 1 FROM {table} WHERE key = ?", (key,)).fetchone() is not None


def stored_attachments(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, int | None]]:
    """(item key, attachment key, path, sha256, size) of every file stored in the library."""
    return [(str(r[0]), str(r[1]), str(r[2] or ""), str(r[3] or ""), r[4]) for r in conn.execute(
        "SELECT i.key, a.key, a.path, a.sha256, a.size FROM attachments a JOIN items i ON i.id = a.item_id "
        "WHERE a.link_mode IN ('imported_file', 'imported_url')")]


def trashed(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in conn.execute("SELECT id, key FROM items WHERE deleted = 1")]


def trashed_stored_files(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(attachment key, path) of the stored files of trashed items."""
    return [(str(r[0]), str(r[1])) for r in conn.execute(
        "SELECT a.key, a.path FROM attachments a JOIN items i ON i.id = a.item_id "
        "WHERE i.deleted = 1 AND a.link_mode IN ('imported_file', 'imported_url') AND a.path != ''")]


def purge_trashed(conn: sqlite3.Connection, ids: list[int]) -> None:
    """Delete the trashed items for good (children by cascade, search rows explicitly)."""
    flush_search_rows(conn)
    old_rows = [old for old in (indexed_values(conn, rid) for rid in ids) if old is not None]
    for _table, _insert, delete in _SEARCH_ROWS:
        conn.executemany(delete, old_rows)
    conn.execute("DELETE FROM items WHERE deleted = 1")


def pinned_citation_keys(conn: sqlite3.Connection) -> set[str]:
    """Every citation key pinned on an item (one scan of the JSON column, no item is loaded)."""
    rows = conn.execute("SELECT json_extract(fields, '$.citationKey') FROM items "
                        "WHERE json_extract(fields, '$.citationKey') != ''")
    return {str(r[0]) for r in rows if r[0]}


def versions_of(conn: sqlite3.Connection, keys: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" for _ in chunk)
        out.update((str(k), int(v)) for k, v in conn.execute(f"SELECT key, version FROM items WHERE key IN ({marks})", chunk))
    return out
