"""Version 8: deflated text as raw bytes beside the JSON, a one-source provenance as that source, no copy of
columns nothing reads. Every item reads back exactly as version 7 read it (down to the order of keys and the
type of every number), the JSON queries answer the same, the search index is untouched, the file is smaller;
an upgrade that fails or is killed midway leaves version 7 whole."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.query import ItemQuery
from senref.storage import compact, migrations
from senref.storage import items as rows
from tests.storage.migration_helpers import fail_midway, fts_words, open_killed_midway
from tests.storage.old_rows import write_old

_WORDS = ["senescence", "p16INK4a", "NF-κB", "Müller", "\x00", "𝔘𝔫𝔦", "🧬", "<b>bold</b>", "e\u0301", "日本語",
          "\u200b", '"quoted"', "\\", "{", "]", "x" * 50, "SASP", "IL-6"]
_SOURCES = ["import:csljson", "crossref", "hal", "", "pubmed"]


def _text(rng: random.Random, n: int) -> str:
    if rng.random() < 0.2:  # hardly compressible
        return "".join(chr(rng.choice([rng.randrange(32, 0x2FF), rng.randrange(0x1F300, 0x1F6FF)])) for _ in range(n))
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def _evidence(rng: random.Random) -> Any:
    shape = rng.randrange(8)
    if shape == 0:
        return ["old", {"field": "title"}]  # a list, as no tagger writes
    if shape == 1:
        return rng.choice([None, "text", 3, {}, {"T": "not a list"}])
    if shape == 2:  # an old shape: entries without a rule, or with more keys
        return {"TIS": [{"field": "abstract", "term": "radiation", "weight": 3}, {"field": "mesh", "term": "x"}]}
    entries = ["title", "abstract", "keywords", "mesh", "implied", "other"]
    return {f"Topic{t}/{rng.choice(_WORDS)}": [
        {"field": rng.choice(entries), "term": rng.choice([f"Topic{t}/sub", *_WORDS]),
         "weight": rng.choice([1, 1.0, 2.25, 0.5, -0.0, 10**20]),
         **({"rule": rng.choice(["term", "rule: radiation + senescence in one sentence", "marker"])}
            if rng.random() < 0.8 else {}),
         **({"tag": "senolytics", "source": "user"} if rng.random() < 0.2 else {})}
        for _ in range(rng.randrange(1, 12))] for t in range(rng.randrange(1, 9))}


def _item(rng: random.Random, k: int) -> Item:
    fields = {"title": f"{_text(rng, 6)} {k}", "abstractNote": _text(rng, rng.choice([0, 5, 80, 400, 6000])),
              "date": rng.choice(["", str(1990 + k % 30)]), "extra": rng.choice(["", "PMID: 1"]),
              "publicationTitle": rng.choice(["Aging Cell", ""])}
    if rng.random() < 0.3:
        fields["citationKey"] = f"key{k}"
    if rng.random() < 0.2:
        fields.pop("abstractNote")
    item = Item(fields=fields, creators=[Creator("author", rng.choice(["Jörg", ""]), rng.choice(["Müller", "O'Neil"]))])
    filled = [name for name, value in fields.items() if value]
    shape = rng.randrange(6)
    if shape == 0:  # one source for every filled field, as an import leaves it
        source = rng.choice(_SOURCES)
        item.provenance = dict.fromkeys(filled, source)
    elif shape == 1:  # ... in another order, or over a field that is empty, or one more source
        item.provenance = dict.fromkeys(reversed(filled), "hal")
    elif shape == 2:
        item.provenance = dict.fromkeys(fields, "hal")
    elif shape == 3 and filled:
        item.provenance = dict.fromkeys(filled, "hal") | {filled[-1]: "crossref"}
    elif shape == 4:
        item.provenance = {}
    if rng.random() < 0.8:
        item.extras["topicEvidence"] = _evidence(rng)
    if rng.random() < 0.5:
        item.extras = {"integrity": {"status": rng.choice(["ok", "retracted"])}, **item.extras,
                       "cited_by_count": {"count": rng.choice([0, 7, 2.5])}}
    return item


def _v7_library(folder: Path, n: int = 160, seed: int = 3) -> list[Item]:
    rng = random.Random(seed)
    folder.mkdir()
    (folder / "files").mkdir()
    made = [_item(rng, k) for k in range(n)]
    conn = sqlite3.connect(folder / "library.sqlite", isolation_level=None)
    migrations.migrate(conn, target=7)
    conn.execute("BEGIN")
    write_old(conn, made)
    conn.execute("COMMIT")
    conn.close()
    return made


def _exact(value: Any) -> str:
    """JSON with each number's type: equal strings mean equal values, key order and types included."""
    def typed(v: Any) -> Any:
        if isinstance(v, dict):
            return [[k, typed(x)] for k, x in v.items()]
        if isinstance(v, list):
            return [typed(x) for x in v]
        return [type(v).__name__, v]
    return json.dumps(typed(value), ensure_ascii=False)


def _as_v7_read_them(path: Path) -> list[str]:
    """Each row's fields, extras and provenance, decoded as version 7's reader did."""
    conn = sqlite3.connect(path)
    try:
        return [_exact([compact.decode_fields(f), compact.decode_extras(e), json.loads(p)])
                for f, e, p in conn.execute("SELECT fields, extras, provenance FROM items ORDER BY id")]
    finally:
        conn.close()


def _read_now(folder: Path) -> list[str]:
    with Library.open(folder, autotag=False) as lib:
        ids = [int(r[0]) for r in lib.db.conn.execute("SELECT id FROM items ORDER BY id")]
        return [_exact([i.fields, i.extras, i.provenance]) for i in rows.read_items_by_ids(lib.db.conn, ids)]


_QUERIES = ("SELECT id, json_extract(extras, '$.integrity.status'), json_extract(extras, '$.cited_by_count.count'), "
            "json_extract(fields, '$.citationKey'), title, sort_title FROM items ORDER BY id")


def _raw(path: Path, sql: str = "SELECT * FROM items ORDER BY id") -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_version_7_library_reads_the_same_and_shrinks(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    made = _v7_library(folder, n=300)
    path = folder / "library.sqlite"
    before, answers, words, size = _as_v7_read_them(path), _raw(path, _QUERIES), fts_words(path), path.stat().st_size
    assert before == [_exact([i.fields, i.extras, i.provenance]) for i in made]  # the v7 writer kept all
    after = _read_now(folder)  # opening migrates
    assert _raw(path, "PRAGMA user_version") == [(migrations.LATEST,)]
    assert after == before
    assert _raw(path, _QUERIES) == answers
    assert fts_words(path) == words
    assert _raw(path, "SELECT COUNT(*) FROM items WHERE title_key != '' OR first_author != ''") == [(0,)]
    assert _raw(path, "SELECT COUNT(*) FROM items WHERE packed_abstract IS NOT NULL")[0][0] > 0
    assert _raw(path, "SELECT COUNT(*) FROM items WHERE packed_evidence IS NOT NULL")[0][0] > 0
    assert _raw(path, "SELECT COUNT(*) FROM items WHERE provenance LIKE '\"%'")[0][0] > 0
    assert path.stat().st_size < size
    with Library.open(folder, autotag=False) as lib:
        assert lib.check() == []
        assert lib.count(ItemQuery(search="senescence")) > 0


@pytest.mark.parametrize("seed", range(3))
def test_items_written_at_version_8_read_back_exactly(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    made = [_item(rng, k) for k in range(200)]
    with Library.open(tmp_path / "lib", autotag=False) as lib:
        with lib.db.transaction() as conn, rows.write_batch(conn):
            ids = [rows.write_item(conn, item) for item in made]
        got = rows.read_items_by_ids(lib.db.conn, ids)
        assert [_exact([i.fields, i.extras, i.provenance]) for i in got] == \
            [_exact([i.fields, i.extras, i.provenance]) for i in made]
        # rewritten from what was read: the same bytes again
        stored = _raw(tmp_path / "lib" / "library.sqlite", "SELECT fields, packed_abstract, extras, packed_evidence, "
                      "provenance FROM items ORDER BY id")
        with lib.db.transaction() as conn:
            for item in got:
                rows.write_item(conn, item)
        assert _raw(tmp_path / "lib" / "library.sqlite", "SELECT fields, packed_abstract, extras, packed_evidence, "
                    "provenance FROM items ORDER BY id") == stored


def test_a_failed_upgrade_leaves_version_7_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _v7_library(folder)
    path = folder / "library.sqlite"
    stored = _raw(path)
    fail_midway(monkeypatch, 8)
    with pytest.raises(sqlite3.OperationalError):
        Library.open(folder, autotag=False)
    assert _raw(path, "PRAGMA user_version") == [(7,)]
    assert _raw(path) == stored  # not one column more, not one row changed


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_during_the_upgrade_leaves_version_7_whole(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _v7_library(folder, n=400)
    path = folder / "library.sqlite"
    stored, before = _raw(path), _as_v7_read_them(path)
    open_killed_midway(folder, 8)
    assert _raw(path, "PRAGMA user_version") == [(7,)]
    assert _raw(path) == stored
    assert _read_now(folder) == before


def test_a_backup_of_version_7_is_made_before_the_upgrade(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _v7_library(folder, n=20)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    with Library.open(folder, autotag=False) as lib:
        backup = lib.db.backup_path
    assert backup is not None and backup.name.endswith(f"-before-v{migrations.LATEST}.sqlite")
    assert _raw(backup, "PRAGMA user_version") == [(7,)]
    assert _as_v7_read_them(backup) == _as_v7_read_them(copy / "library.sqlite")
