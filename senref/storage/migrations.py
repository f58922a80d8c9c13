"""Numbered schema migrations; `PRAGMA user_version` holds the version a database is at."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator

from senref.storage import compact, dupstore, items

_V1 = """
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    item_type TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    sort_title TEXT NOT NULL DEFAULT '',
    creator_summary TEXT NOT NULL DEFAULT '',
    sort_creator TEXT NOT NULL DEFAULT '',
    year INTEGER,
    publication TEXT NOT NULL DEFAULT '',
    sort_publication TEXT NOT NULL DEFAULT '',
    date_added TEXT NOT NULL,
    date_modified TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    title_key TEXT NOT NULL DEFAULT '',
    first_author TEXT NOT NULL DEFAULT '',
    hal_version INTEGER,
    fields TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '{}',
    extras TEXT NOT NULL DEFAULT '{}',
    relations TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX items_sort_title ON items(deleted, sort_title);
CREATE INDEX items_sort_creator ON items(deleted, sort_creator);
CREATE INDEX items_year ON items(deleted, year);
CREATE INDEX items_publication ON items(deleted, sort_publication);
CREATE INDEX items_type ON items(deleted, item_type);
CREATE INDEX items_date_added ON items(deleted, date_added);
CREATE INDEX items_date_modified ON items(deleted, date_modified);
CREATE INDEX items_title_key ON items(title_key);

CREATE TABLE creators (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    creator_type TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_id, pos)
) WITHOUT ROWID;

CREATE TABLE identifiers (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (item_id, scheme)
) WITHOUT ROWID;
CREATE INDEX identifiers_value ON identifiers(scheme, value);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE item_tags (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    type INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX item_tags_tag ON item_tags(tag_id, item_id);

CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES collections(id) ON DELETE CASCADE,
    version INTEGER NOT NULL DEFAULT 0,
    date_modified TEXT NOT NULL
);
CREATE INDEX collections_parent ON collections(parent_id);
CREATE TABLE collection_items (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, item_id)
) WITHOUT ROWID;
CREATE INDEX collection_items_item ON collection_items(item_id);

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    html TEXT NOT NULL,
    date_added TEXT NOT NULL,
    date_modified TEXT NOT NULL
);
CREATE INDEX notes_item ON notes(item_id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT '',
    link_mode TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size INTEGER,
    sha256 TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    date_added TEXT NOT NULL
);
CREATE INDEX attachments_item ON attachments(item_id);

CREATE VIRTUAL TABLE items_fts USING fts5(
    title, creators, abstract, tags, notes, identifiers, publication,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Version 2: tag colours (shown in the item table) and a per-item attachment flag the table can
# show without joining attachments for every visible row.
_V2 = """
CREATE TABLE tag_colors (
    name TEXT PRIMARY KEY,
    color TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE items ADD COLUMN has_file INTEGER NOT NULL DEFAULT 0;
UPDATE items SET has_file = 1 WHERE id IN (
    SELECT item_id FROM attachments WHERE link_mode IN ('imported_file', 'imported_url', 'linked_file')
);
"""

# Version 3: the tag index covers the tag type, so the tag selector's counts never touch the table.
_V3 = """
DROP INDEX item_tags_tag;
CREATE INDEX item_tags_tag ON item_tags(tag_id, type, item_id);
"""

# Version 4: DOIs are kept as published and matched whatever their case, so the lookup needs a
# case-folding index (without it every new item scans all identifier rows).
_V4 = """
CREATE INDEX identifiers_value_nocase ON identifiers(scheme, value COLLATE NOCASE);
"""

# Version 5: duplicates (issue 14). Each live item's comparison profile and blocking keys, so a
# new record meets its likely duplicates through an index instead of every item; the likely pairs
# found, the pairs the user said are not duplicates, the keys merged away (and into what), and what
# each merge changed, for its undo.
_V5 = """
CREATE TABLE dup_profiles (
    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    profile TEXT NOT NULL
);
CREATE TABLE dup_keys (
    key TEXT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    PRIMARY KEY (key, item_id)
) WITHOUT ROWID;
CREATE INDEX dup_keys_item ON dup_keys(item_id);
CREATE TABLE dup_candidates (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL DEFAULT '[]',
    proof TEXT,
    found TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX dup_candidates_b ON dup_candidates(b);
CREATE TABLE dup_dismissed (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE dup_redirects (
    old_key TEXT PRIMARY KEY,
    new_key TEXT NOT NULL,
    token TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE dup_merges (
    token TEXT PRIMARY KEY,
    master TEXT NOT NULL,
    merged TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    date TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
)
"""

# Version 6: one-letter prefix queries (typing the first letter of a search) read a prefix index
# instead of merging the doclists of every term starting with that letter. FTS5 cannot add a prefix
# index to a table, so the index is rebuilt from the old one's own copy of the text. Positions stay
# (detail=full): a typed "one-two" is a phrase query.
_V6 = """
CREATE VIRTUAL TABLE items_fts_v6 USING fts5(
    title, creators, abstract, tags, notes, identifiers, publication,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO items_fts_v6 (rowid, title, creators, abstract, tags, notes, identifiers, publication)
    SELECT rowid, title, creators, abstract, tags, notes, identifiers, publication FROM items_fts ORDER BY rowid;
DROP TABLE items_fts;
ALTER TABLE items_fts_v6 RENAME TO items_fts;
INSERT INTO items_fts (items_fts) VALUES ('optimize')
"""

# Version 7: the search index keeps no copy of the text it indexes (a quarter of the file went to it, and the
# same text is in the items' own rows). Search rows are removed by handing FTS5 the words they were made from,
# which storage.items makes again from the stored item. Built from the old index's copy, so every search finds
# what it found before. The title_key index goes: no query reads it.
_V7 = """
CREATE VIRTUAL TABLE items_fts_v7 USING fts5(
    title, creators, abstract, tags, notes, identifiers, publication,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3',
    content = ''
);
INSERT INTO items_fts_v7 (rowid, title, creators, abstract, tags, notes, identifiers, publication)
    SELECT rowid, title, creators, abstract, tags, notes, identifiers, publication FROM items_fts ORDER BY rowid;
DROP TABLE items_fts;
ALTER TABLE items_fts_v7 RENAME TO items_fts;
INSERT INTO items_fts (items_fts) VALUES ('optimize');
DROP INDEX items_title_key
"""

Migration = Callable[[sqlite3.Connection], None]


def _v8(conn: sqlite3.Connection) -> None:
    """Version 8: deflated text as raw bytes in columns of its own, not base64 inside the JSON (the long
    abstract, the topic evidence); a provenance of one source for every field as that source; no copy of
    the title_key and first_author columns nothing reads. Every row is read back and written anew, so an
    item reads exactly as before."""
    conn.execute("ALTER TABLE items ADD COLUMN packed_abstract BLOB")
    conn.execute("ALTER TABLE items ADD COLUMN packed_evidence BLOB")
    for chunk in _chunks(conn, "SELECT id, fields, extras, provenance FROM items WHERE id > ? ORDER BY id LIMIT 500"):
        updates = []
        for rid, fields_json, extras_json, provenance_json in chunk:
            fields = compact.unpack_fields(fields_json, None)
            extras = compact.unpack_extras(extras_json, None)
            provenance = compact.unpack_provenance(provenance_json, fields)
            updates.append((*compact.pack_row(fields, extras, provenance), rid))
        conn.executemany("UPDATE items SET fields = ?, packed_abstract = ?, extras = ?, packed_evidence = ?, "
                         "provenance = ?, title_key = '', first_author = '' WHERE id = ?", updates)


# Version 9: the search index is split in two tables of the same rows (storage.items.SEARCH_TABLES): positions
# without prefix indexes, for phrases, and the words alone with the prefix indexes, for the prefix searches
# that most are. A third of the size, built again from the items (the index keeps no text to copy).
_SEARCH_COLUMNS = "title, creators, abstract, tags, notes, identifiers, publication"
_V9 = f"""
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5(
    {_SEARCH_COLUMNS},
    tokenize = 'unicode61 remove_diacritics 2',
    content = ''
);
CREATE VIRTUAL TABLE search_words USING fts5(
    {_SEARCH_COLUMNS},
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3',
    content = '',
    detail = none
)
"""


# ... and blocking keys are stored as 64-bit codes (storage.dupstore.key_code), not as their text.
_V9_KEYS = """
DROP INDEX dup_keys_item;
ALTER TABLE dup_keys RENAME TO dup_keys_v8;
CREATE TABLE dup_keys (
    key INTEGER NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    PRIMARY KEY (key, item_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO dup_keys (key, item_id) SELECT senref_key_code(key), item_id FROM dup_keys_v8 ORDER BY 1, 2;
CREATE INDEX dup_keys_item ON dup_keys(item_id);
DROP TABLE dup_keys_v8
"""


def _v9(conn: sqlite3.Connection) -> None:
    conn.create_function("senref_key_code", 1, dupstore.key_code, deterministic=True)
    _script(_V9_KEYS)(conn)
    _repack_items(conn)
    _repack_profiles(conn)
    _script(_V9)(conn)
    factory, conn.row_factory = conn.row_factory, sqlite3.Row
    try:
        items.rebuild_search_index(conn)
    finally:
        conn.row_factory = factory
    for table in items.SEARCH_TABLES:
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


def _repack_items(conn: sqlite3.Connection) -> None:
    """... and every item row is written again in today's stored forms (the title field not kept twice): read
    back, it is exactly what it was."""
    for chunk in _chunks(conn, "SELECT id, title, fields, packed_abstract, extras, packed_evidence, provenance "
                               "FROM items WHERE id > ? ORDER BY id LIMIT 500"):
        updates = []
        for rid, title, fields_json, abstract, extras_json, evidence, provenance_json in chunk:
            fields = compact.unpack_fields(fields_json, abstract, title)
            extras = compact.unpack_extras(extras_json, evidence)
            provenance = compact.unpack_provenance(provenance_json, fields)
            updates.append((*compact.pack_row(fields, extras, provenance, title), rid))
        conn.executemany("UPDATE items SET fields = ?, packed_abstract = ?, extras = ?, packed_evidence = ?, "
                         "provenance = ? WHERE id = ?", updates)


def _repack_profiles(conn: sqlite3.Connection) -> None:
    """... and so is every duplicate profile, deflated against the field's words (core.presets)."""
    for chunk in _chunks(conn, "SELECT item_id, profile FROM dup_profiles WHERE item_id > ? ORDER BY item_id LIMIT 500"):
        conn.executemany("UPDATE dup_profiles SET profile = ? WHERE item_id = ?",
                         [(compact.encode_profile(compact.decode_profile(stored)), rid) for rid, stored in chunk])


def _chunks(conn: sqlite3.Connection, select: str) -> Iterator[list[sqlite3.Row]]:
    """The rows of *select* (by a row id above its one parameter, ordered by it, LIMITed) a chunk at a time."""
    last = 0
    while chunk := conn.execute(select, (last,)).fetchall():
        yield chunk
        last = int(chunk[-1][0])


#: Version 10: every sync check reads each item's (key, version) in row order. Without an index holding
#: just those, SQLite walks the whole items table (0.10 s at 100,000 items, most of the rows being
#: abstracts and fields); the covering index answers in half that and costs about 4 MB.
_V10 = """
CREATE INDEX items_versions ON items(deleted, id, key, version)
"""


def _script(sql: str) -> Migration:
    def run(conn: sqlite3.Connection) -> None:
        for statement in _statements(sql):
            conn.execute(statement)
    return run


def _statements(sql: str) -> list[str]:
    """Split a script on ';' at statement ends (our scripts hold no ';' inside literals)."""
    return [s.strip() for s in sql.split(";\n") if s.strip()]


#: version -> migration that brings a database from version-1 to version.
MIGRATIONS: dict[int, Migration] = {1: _script(_V1), 2: _script(_V2), 3: _script(_V3), 4: _script(_V4),
                                 5: _script(_V5), 6: _script(_V6), 7: _script(_V7), 8: _v8, 9: _v9,
                                 10: _script(_V10)}
LATEST = max(MIGRATIONS)
#: Steps that rewrite a large table: the pages they free are handed back to the file system after.
_REWRITES = frozenset({6, 7, 8, 9})

log = logging.getLogger(__name__)


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Bring the database to *target* (the caller backs it up first, see storage.db); returns the version.

    Each step runs in its own transaction together with its version bump, so a crash leaves the
    database at a well-defined version.
    """
    version = current_version(conn)
    if version > LATEST:
        raise RuntimeError(
            f"library schema version {version} is newer than this senref understands ({LATEST}); "
            "upgrade senref"
        )
    for step in range(version + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[step](conn)
            conn.execute(f"PRAGMA user_version = {step}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    if _REWRITES.intersection(range(version + 1, target + 1)):
        _vacuum(conn)
    return max(version, target)


def _vacuum(conn: sqlite3.Connection) -> None:
    """Give back the pages a rewrite freed (a rebuilt search index leaves its old size as free pages).

    VACUUM is all or nothing; one that cannot run (no room for its copy) leaves a sound, larger file.
    """
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        log.warning("could not compact the library after its upgrade: %s", exc)
