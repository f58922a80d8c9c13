"""Items written as senref wrote them before schema 8, for the migration tests of versions 6, 7 and 8.

The search rows go to the one search table schemas before 9 have (`before_v9`).

Today's write_item stores the deflated text in columns schema 7 has not got: the rows are written with
them added for the while, then turned into schema 7's forms (base64 inside the JSON, provenance as an
object, title_key and first_author filled) and the columns dropped again, so the file is as 7 left it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any
from unittest import mock

from senref.core import stored_evidence as ev
from senref.core.matching import first_author_key, fold, title_key
from senref.core.model import Item
from senref.storage import compact
from senref.storage import items as rows

_ADDED = ("packed_abstract", "packed_evidence")


def _pack_v8(evidence: Any) -> ev.Packed:
    """Evidence as schema 8 stored it: deflated without a preset dictionary."""
    form = ev.compact_form(evidence)
    if isinstance(form, list) and form[0] == ev.COMPACT:
        payload = ev.dumps(form[1])
        if len(payload) > ev.DEFLATE_OVER:
            packed = ev.deflate(payload)
            if len(packed) < len(payload.encode()):
                return [ev.IN_BLOB], packed
    return form, None


@contextlib.contextmanager
def before_v9() -> Iterator[None]:
    """Today's writes as schemas 6 to 8 made them: search rows only in `items_fts`, their one search table,
    the title kept in the fields JSON as well, the evidence deflated without a preset dictionary."""
    pack_row = compact.pack_row

    def pack_row_v8(fields: dict[str, Any], extras: dict[str, Any], provenance: dict[str, Any],
                    title: str | None = None) -> compact.Row:
        return pack_row(fields, extras, provenance)
    with mock.patch.object(rows, "_SEARCH_ROWS", rows._SEARCH_ROWS[:1]), mock.patch.object(ev, "pack", _pack_v8), \
            mock.patch.object(compact, "pack_row", pack_row_v8):
        yield


def write_old(conn: sqlite3.Connection, items: list[Item]) -> None:
    """Write *items* into a database below schema 8 (the caller holds a transaction)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(items)")}
    assert not columns & set(_ADDED), "the database is at schema 8 already"
    for name in _ADDED:
        conn.execute(f"ALTER TABLE items ADD COLUMN {name} BLOB")
    with before_v9():
        written = [(rows.write_item(conn, item), item) for item in items]
    factory, conn.row_factory = conn.row_factory, sqlite3.Row
    try:
        stored_items = rows.read_items_by_ids(conn, [rid for rid, _item in written])
    finally:
        conn.row_factory = factory
    for (rid, item), stored in zip(written, stored_items, strict=True):
        conn.execute("UPDATE items SET fields = ?, extras = ?, provenance = ?, title_key = ?, first_author = ? "
                     "WHERE id = ?",
                     (compact.encode_fields(stored.fields), compact.encode_extras(stored.extras),
                      compact.dumps(stored.provenance),
                      title_key(item.title) if "<" in item.title else fold(item.title),
                      first_author_key(item.creators), rid))
    for name in _ADDED:
        conn.execute(f"ALTER TABLE items DROP COLUMN {name}")
