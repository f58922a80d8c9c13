"""Version 7: a search index without its own copy of the text. The same words in the same places, the same
answers, a smaller file; an upgrade that fails or is killed midway leaves version 6 whole. Writes, rewrites in
one batch, tag removal and Empty Trash keep the index exactly what it would be built afresh from the items."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest

from senref.core.check import repair_library
from senref.core.library import Library
from senref.core.model import Creator, Item, Note
from senref.core.query import ItemQuery
from senref.storage import items as rows
from senref.storage import migrations
from senref.storage import tags as tag_rows
from tests.storage.migration_helpers import fail_midway, fts_words, open_killed_midway
from tests.storage.old_rows import write_old

QUERIES = ("s", "se", "sen", "senolytic", "m", "müller", "mull", "10.1", "x", "one-two", "q z", "ß", "zebra",
           "to read", "naïve", "p16", "NF-κB", "<b>", "a", "é", "consortium", "journal", "note")
_HOSTILE = ["<b>bold</b>", "one-two", "NF-κB", "Müller", "naïve", "ß", "p16INK4a", "10.1234/x", "\"quoted\"", "a*b",
            "NEAR(x y)", "AND", "OR", "-", "'", ";", "\u200b", "日本語", "e\u0301", "x" * 300, ""]


def _item(rng: random.Random, k: int) -> Item:
    pool = [*_HOSTILE, "senolytic", "quercetin", "fisetin", "senescence", "zebra"]

    def words(n: int) -> str:
        return " ".join(rng.choice(pool) for _ in range(n))
    item = Item(fields={"title": f"{words(5)} {k}", "abstractNote": words(rng.randrange(0, 40)),
                        "publicationTitle": rng.choice(["Aging Cell", "", "Nature <i>Aging</i>"]),
                        "journalAbbreviation": rng.choice(["", "Aging Cell", "J. ß"]), "date": str(1990 + k % 30)},
                creators=[Creator("author", rng.choice(["Jörg", "", "Ana"]), rng.choice(["Müller", "van der Berg", "O'Neil"])),
                          Creator("author", name=rng.choice(["Consortium", "World Health Organization"]))][:rng.randrange(3)])
    if rng.random() < 0.7:
        item.set_identifier("doi", f"10.1234/x.{k}")
    for tag in rng.sample(["to read", "zebra", "ß", "NF-κB", "one-two"], rng.randrange(4)):
        item.add_tag(tag)
    if rng.random() < 0.3:
        item.notes.append(Note(html=f"<p>note {words(3)}</p>"))
    item.deleted = rng.random() < 0.1
    return item


def _make_library(folder: Path, *, target: int | None = None, n: int = 120, seed: int = 7) -> None:
    """A library written through storage, at *target*'s schema (default the latest)."""
    rng = random.Random(seed)
    folder.mkdir()
    (folder / "files").mkdir()
    conn = sqlite3.connect(folder / "library.sqlite", isolation_level=None)
    migrations.migrate(conn, target=target or migrations.LATEST)
    conn.execute("BEGIN")
    made = [_item(rng, k) for k in range(n)]
    if (target or migrations.LATEST) < 8:
        write_old(conn, made)  # as the senref of that schema wrote them
    else:
        for item in made:
            rows.write_item(conn, item)
    conn.execute("COMMIT")
    conn.close()


def _unplaced(folder: Path) -> list[tuple[object, ...]]:
    return _unplaced_of(fts_words(folder / "library.sqlite"))


def _unplaced_of(words: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return sorted((doc, col, term) for doc, col, _offset, term in words)


_unplaced_words = _unplaced


def _answers(folder: Path) -> list[tuple[object, ...]]:
    with Library.open(folder, autotag=False) as lib:
        out: list[tuple[object, ...]] = []
        for q in QUERIES:
            for sort in ("title", "year"):
                query = ItemQuery(search=q, sort=sort)
                out.append((q, sort, lib.count(query), [rows.item_id(lib.db.conn, r["key"]) for r in lib.query(query, 0, 60)],
                            lib.count(ItemQuery(search=q, trash=True))))
        return out


def _built_afresh(folder: Path, copy: Path) -> None:
    """*folder* copied to *copy* with an index made from its stored items into a table that keeps its text."""
    shutil.copytree(folder, copy)
    conn = sqlite3.connect(copy / "library.sqlite", isolation_level=None)
    conn.row_factory = sqlite3.Row
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM items ORDER BY id")]
    values = [rows._fts_values(rid, item) for rid, item in zip(ids, rows.read_items_by_ids(conn, ids), strict=True)] \
        if ids else []
    conn.row_factory = None
    conn.execute("DROP TABLE items_fts")
    conn.execute("CREATE VIRTUAL TABLE items_fts USING fts5(title, creators, abstract, tags, notes, identifiers, "
                 "publication, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_words'").fetchone():  # schema 9
        conn.execute("INSERT INTO search_words (search_words) VALUES ('delete-all')")
    for _table, insert, _delete in rows._SEARCH_ROWS[:1 if "search_words" not in _tables(conn) else None]:
        conn.executemany(insert, values)
    conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}


def test_version_6_library_keeps_its_words_and_answers_and_shrinks(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _make_library(folder, target=6, n=300)
    words = fts_words(folder / "library.sqlite")
    plain = tmp_path / "plain"
    shutil.copytree(folder, plain)
    conn = sqlite3.connect(plain / "library.sqlite")
    conn.execute("PRAGMA user_version = 7")  # the old index with its text, read by today's code
    conn.close()
    answers = _answers(plain)
    size = (folder / "library.sqlite").stat().st_size
    with Library.open(folder, autotag=False) as lib:
        conn = lib.db.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'").fetchone()[0]
        assert "content = ''" in sql  # (its prefix indexes went to search_words in schema 9)
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('items_fts_content', 'items_title_key')"
                            ).fetchone()[0] == 0
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert (folder / "library.sqlite").stat().st_size < size
    assert _unplaced_words(folder) == _unplaced_of(words)  # schema 9 rebuilt it, tags in the stored item's order
    assert _answers(folder) == answers


def test_a_failed_upgrade_leaves_version_6_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _make_library(folder, target=6)
    words = fts_words(folder / "library.sqlite")
    fail_midway(monkeypatch, 7)
    with pytest.raises(sqlite3.OperationalError):
        Library.open(folder, autotag=False)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    assert "content" not in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'").fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'items_fts_v7%' OR name = 'items_title_key'"
                        ).fetchone()[0] == 1
    conn.close()
    assert fts_words(folder / "library.sqlite") == words


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_during_the_upgrade_leaves_version_6_whole(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _make_library(folder, target=6, n=400)
    words = fts_words(folder / "library.sqlite")
    open_killed_midway(folder, 7)
    conn = sqlite3.connect(folder / "library.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    conn.close()
    assert fts_words(folder / "library.sqlite") == words
    with Library.open(folder, autotag=False) as lib:
        assert lib.db.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert _unplaced_words(folder) == _unplaced_of(words)


@pytest.mark.parametrize("seed", range(4))
def test_every_change_keeps_the_index_as_built_afresh(tmp_path: Path, seed: int) -> None:
    folder = tmp_path / "lib"
    _make_library(folder, n=150, seed=seed)
    rng = random.Random(100 + seed)
    with Library.open(folder, autotag=False) as lib:
        keys = lib.keys(ItemQuery()) + lib.keys(ItemQuery(trash=True))
        with lib.db.transaction() as conn, rows.write_batch(conn):
            for key in rng.sample(keys, 40):  # rewritten, some twice in one batch
                for _ in range(rng.choice([1, 2])):
                    item = lib.get_item(key)
                    assert item is not None
                    fresh = _item(rng, rng.randrange(1000))
                    item.fields, item.creators, item.tags, item.notes = fresh.fields, fresh.creators, fresh.tags, []
                    rows.write_item(conn, item)
            for k in range(10):  # new ones beside them
                rows.write_item(conn, _item(rng, 2000 + k))
        for key in rng.sample(keys, 10):  # written one by one, outside a batch
            with lib.db.transaction() as conn:
                item = lib.get_item(key)
                assert item is not None
                item.fields["title"] = "Rewritten " + rng.choice(_HOSTILE)
                item.add_tag(rng.choice(["zebra", "fresh tag"]))
                rows.write_item(conn, item)
        with lib.db.transaction() as conn:
            tag_rows.forget(conn, "zebra")  # still on items: the cascade takes it, the index follows
        lib.trash(rng.sample(lib.keys(ItemQuery()), 5))
        lib.empty_trash()
        assert lib.count(ItemQuery(tags=["zebra"])) == 0
    oracle = tmp_path / "oracle"
    _built_afresh(folder, oracle)
    # The same words of the same items in the same columns, nothing left of what was replaced (a tag's place
    # among the item's tags is the order it was written in, and the stored item lists them by name).
    assert _unplaced(folder) == _unplaced(oracle)
    assert _answers(folder) == _answers(oracle)
    with Library.open(folder, autotag=False) as lib:
        assert lib.check() == []


def test_mending_an_index_with_rows_of_gone_items_builds_it_again(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _make_library(folder, n=60)
    with Library.open(folder, autotag=False) as lib:
        with lib.db.transaction() as conn:
            conn.execute("DELETE FROM items WHERE id IN (3, 4)")  # as damage would: the search rows stay
        assert any("deleted items" in p for p in lib.check())
        done, left = repair_library(lib)
        assert any("search index" in line for line in done) and left == []
    oracle = tmp_path / "oracle"
    _built_afresh(folder, oracle)
    assert fts_words(folder / "library.sqlite") == fts_words(oracle / "library.sqlite")
