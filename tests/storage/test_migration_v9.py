"""Version 9: the search index split in two tables of the same rows, positions in one and the prefix indexes in
the other. Every search answers as before, both tables hold the same words of the same items, the file
shrinks, an upgrade that fails or is killed midway leaves version 8 whole, and the check sees either table."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from senref.core.check import repair_library
from senref.core.dupscore import blocking_keys, profile
from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.storage import dupstore, migrations, queries
from senref.storage import items as rows
from tests.storage.migration_helpers import fail_midway, fts_words, open_killed_midway
from tests.storage.old_rows import before_v9
from tests.storage.test_migration_v7 import QUERIES, _item, _unplaced_of
from tests.storage.test_migration_v8 import _exact
from tests.storage.test_migration_v8 import _item as _rich_item

#: Beyond the v7 set: prefixes of every length, phrases and words the tokenizer may split.
_MORE = ("q", "qu", "que", "quer", "fis", "z", "ze", "k", "o'neil", "van der", "aging cell", "j. ß", "日本語", "e\u0301",
         "10.1234/x.1", "x.1", "nf", "κ", "to", "world health")


def _library(folder: Path, *, v8: bool, n: int = 200, seed: int = 11, make: Callable[[random.Random, int], Item] = _item
             ) -> None:
    """*n* items written by today's code, at schema 8 (one search table) or at the latest."""
    rng = random.Random(seed)
    folder.mkdir()
    (folder / "files").mkdir()
    conn = sqlite3.connect(folder / "library.sqlite", isolation_level=None)
    migrations.migrate(conn, target=8 if v8 else migrations.LATEST)
    conn.execute("BEGIN")
    made = [make(rng, k) for k in range(n)]
    if v8:
        with before_v9():
            for item in made:
                rows.write_item(conn, item)
    else:
        for item in made:
            rows.write_item(conn, item)
    conn.execute("COMMIT")
    conn.close()


def _answers(folder: Path) -> list[tuple[object, ...]]:
    with Library.open(folder, autotag=False) as lib:
        out: list[tuple[object, ...]] = []
        for q in (*QUERIES, *_MORE):
            for sort in ("title", "year"):
                query = ItemQuery(search=q, sort=sort)
                page = [rows.item_id(lib.db.conn, r["key"]) for r in lib.query(query, 0, 60)]
                out.append((q, sort, lib.count(query), page, lib.count(ItemQuery(search=q, trash=True))))
        return out


def _vocabulary(path: Path, table: str) -> list[tuple[object, ...]]:
    """(word, items holding it) of a search table: equal lists, the same words of the same items."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, {table}, row)")
        return [tuple(r) for r in conn.execute("SELECT term, doc FROM temp.v ORDER BY term")]
    finally:
        conn.close()


def _hits(path: Path, table: str, text: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [int(r[0]) for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid",
                                                (text,))]
    finally:
        conn.close()


def test_version_8_library_answers_every_search_as_before_and_shrinks(tmp_path: Path) -> None:
    old, fresh = tmp_path / "old", tmp_path / "fresh"
    _library(old, v8=True, n=400)
    _library(fresh, v8=False, n=400)  # the same items written at version 9
    path = old / "library.sqlite"
    words, size = fts_words(path), path.stat().st_size
    with Library.open(old, autotag=False) as lib:
        conn = lib.db.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST == 10
        sql = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE name IN "
                                                "('items_fts', 'search_words')")}
        assert "prefix" not in sql["items_fts"] and "content = ''" in sql["items_fts"]
        assert "prefix = '1 2 3'" in sql["search_words"] and "detail = none" in sql["search_words"]
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert lib.check() == []
    assert path.stat().st_size < size
    # The positions table holds every word of every item (tags now in the stored item's order).
    assert _unplaced_of(fts_words(path)) == _unplaced_of(words)
    assert _vocabulary(path, "search_words") == _vocabulary(path, "items_fts") != []
    assert _answers(old) == _answers(fresh)


def test_both_tables_answer_each_word_search_alike(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, v8=False)
    path = folder / "library.sqlite"
    routed, phrases = set(), 0
    for q in (*QUERIES, *_MORE):
        text = queries.fts_query(q)
        if not text:
            continue
        table = queries.search_table(text)
        routed.add(table)
        try:
            words = _hits(path, "search_words", text)
        except sqlite3.OperationalError:  # a phrase: the words table keeps no positions (detail=none)
            assert table == "items_fts", q
            phrases += 1
            continue
        # What the words table answers, the positions table answers the same (a word outside the letters
        # known to be one word to the tokenizer goes to the positions table, which answers it too).
        assert words == _hits(path, "items_fts", text), q
    assert routed == {"search_words", "items_fts"} and phrases >= 5


def test_a_failed_upgrade_leaves_version_8_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _library(folder, v8=True)
    words = fts_words(folder / "library.sqlite")
    fail_midway(monkeypatch, 9)
    with pytest.raises(sqlite3.OperationalError):
        Library.open(folder, autotag=False)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 8
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'search_words%'").fetchone()[0] == 0
    assert "prefix = '1 2 3'" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'").fetchone()[0]
    conn.close()
    assert fts_words(folder / "library.sqlite") == words


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_during_the_upgrade_leaves_version_8_whole(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, v8=True, n=400)
    words = fts_words(folder / "library.sqlite")
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    open_killed_midway(folder, 9)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 8
    conn.close()
    assert fts_words(folder / "library.sqlite") == words
    assert _answers(folder) == _answers(copy)  # it upgrades cleanly on the next open
    assert _unplaced_of(fts_words(folder / "library.sqlite")) == _unplaced_of(words)


@pytest.mark.parametrize("table", rows.SEARCH_TABLES)
def test_the_check_sees_a_row_missing_from_either_table_and_mends_only_that(tmp_path: Path, table: str) -> None:
    folder = tmp_path / "lib"
    _library(folder, v8=False, n=60)
    path = folder / "library.sqlite"
    want = {t: _vocabulary(path, t) for t in rows.SEARCH_TABLES}
    with Library.open(folder, autotag=False) as lib:
        with lib.db.transaction() as conn:
            old = rows.indexed_values(conn, 5)
            (delete,) = [d for name, _insert, d in rows._SEARCH_ROWS if name == table]
            conn.execute(delete, old)
        assert lib.check() == ["search index: 1 items are not indexed"]
        done, left = repair_library(lib)
        assert left == [] and any("1 entries" in line for line in done)
        assert lib.check() == []
    assert {t: _vocabulary(path, t) for t in rows.SEARCH_TABLES} == want  # nothing twice in the other table


@pytest.mark.parametrize("table", rows.SEARCH_TABLES)
def test_a_row_of_a_gone_item_in_either_table_builds_the_index_again(tmp_path: Path, table: str) -> None:
    folder = tmp_path / "lib"
    _library(folder, v8=False, n=60)
    path = folder / "library.sqlite"
    with Library.open(folder, autotag=False) as lib:
        with lib.db.transaction() as conn:
            values = rows.indexed_values(conn, 7)
            assert values is not None
            (insert,) = [i for name, i, _delete in rows._SEARCH_ROWS if name == table]
            conn.execute(insert, (999_999, *values[1:]))  # as damage would leave it
        assert lib.check() == ["search index: 1 entries point at deleted items"]
        repair_library(lib)
        assert lib.check() == []
    assert _vocabulary(path, "search_words") == _vocabulary(path, "items_fts")


def test_blocking_keys_become_their_codes_and_still_meet(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, v8=True, n=80)
    conn = sqlite3.connect(folder / "library.sqlite", isolation_level=None)
    conn.row_factory = sqlite3.Row
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM items ORDER BY id")]
    keyed = {rid: blocking_keys(profile(item, rank=rid))
             for rid, item in zip(ids, rows.read_items_by_ids(conn, ids), strict=True)}
    conn.executemany("INSERT OR IGNORE INTO dup_keys (key, item_id) VALUES (?, ?)",  # as version 8 kept them
                     [(key, rid) for rid, keys in keyed.items() for key in keys])
    conn.close()
    with Library.open(folder, autotag=False) as lib:
        conn = lib.db.conn
        stored = sorted((int(r[0]), int(r[1])) for r in conn.execute("SELECT key, item_id FROM dup_keys"))
        assert stored == sorted({(dupstore.key_code(k), rid) for rid, keys in keyed.items() for k in keys})
        assert {type(r[0]) for r in conn.execute("SELECT key FROM dup_keys")} == {int}
        for rid, keys in list(keyed.items())[:20]:  # every item meets the items that share a key with it
            want = {(other, k) for other, theirs in keyed.items() if other != rid for k in set(keys) & set(theirs)}
            got = {(mate, k) for mate, k, _size in dupstore.block_mates(conn, keys, rid, limit=10_000)}
            assert got == want


def _read_all(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM items ORDER BY id")]
        return [_exact([i.fields, i.extras, i.provenance, i.title]) for i in rows.read_items_by_ids(conn, ids)]
    finally:
        conn.close()


def test_items_read_exactly_as_before_with_the_title_stored_once(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, v8=True, n=300, make=_rich_item)  # evidence, provenance and numbers of every kind
    path = folder / "library.sqlite"
    before = _read_all(path)
    conn = sqlite3.connect(path)
    try:  # written as version 8 wrote them
        assert {str(r[0]) for r in conn.execute("SELECT json_extract(extras, '$.topicEvidence') FROM items "
                                                "WHERE packed_evidence IS NOT NULL")} == {'["b"]'}
        pairs = conn.execute("SELECT title, fields FROM items WHERE title != ''").fetchall()
        assert len(pairs) > 250 and all(json.loads(fields)["title"] == title for title, fields in pairs)
    finally:
        conn.close()
    with Library.open(folder, autotag=False):
        pass
    assert _read_all(path) == before
    conn = sqlite3.connect(path)
    try:
        titled = conn.execute("SELECT COUNT(*) FROM items WHERE title != ''").fetchone()[0]
        assert titled > 250
        stored = conn.execute("SELECT title, fields FROM items WHERE title != ''").fetchall()
        assert len(stored) == titled and all(json.loads(fields)["title"] == ["t"] for _title, fields in stored)
        # the evidence deflated against its preset dictionary, as every profile
        evidence = [str(r[0]) for r in conn.execute("SELECT json_extract(extras, '$.topicEvidence') FROM items "
                                                    "WHERE packed_evidence IS NOT NULL")]
        assert evidence and set(evidence) == {'["b",1]'}
    finally:
        conn.close()
    # rewritten from what was read: the same again
    with Library.open(folder, autotag=False) as lib, lib.db.transaction() as conn:
        for key in lib.keys(ItemQuery()) + lib.keys(ItemQuery(trash=True)):
            item = lib.get_item(key)
            assert item is not None
            rows.write_item(conn, item)
    assert _read_all(path) == before
