"""An import writes its search rows and tags per batch: the library must end exactly as item by item."""

from __future__ import annotations

import contextlib
import copy
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from senref.core.library import Library
from senref.core.model import Creator, Item, Note
from senref.core.query import ItemQuery
from senref.core.records import ImportProblem, ImportRecord
from senref.formats import registry
from senref.storage import compact, dupstore
from senref.storage import items as rows
from senref.topics.tagger import get_tagger

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHARED = (Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared") / "fixtures")


def _hostile() -> list[ImportRecord | ImportProblem]:
    """Same works twice in one batch, a preprint and its article, odd tags, markup, notes, nothing at all."""
    out: list[ImportRecord | ImportProblem] = []
    for n in range(40):
        item = Item(fields={"title": f"Senolytic <i>navitoclax</i> clears p16 cells — part {n % 7}",
                            "abstractNote": "Radiation-induced senescence; the SASP <b>and</b> NF-κB " * (n % 3),
                            "date": str(2000 + n % 5), "publicationTitle": "Aging Cell" if n % 2 else ""},
                    creators=[Creator("author", "Jörg", "Müller"), Creator("author", name="Senescence Consortium")])
        if n % 4 == 0:
            item.set_identifier("doi", f"10.1234/Dup.{n % 8}")  # repeats: merged into an earlier item
        if n % 5 == 0:
            item.set_identifier("arxiv", f"2101.{n:05d}")
        for tag in ("review", "Review", "to read", "x" * 200, "ünïcode", "review")[: n % 6]:
            item.add_tag(tag)
        if n % 9 == 0:
            item.notes.append(Note(html=f"<p>note {n} <b>senolytic</b></p>"))
        out.append(ImportRecord(item, [("Top", f"Sub {n % 3}")] if n % 2 else [], n + 1))
        if n % 13 == 0:
            out.append(ImportProblem(n + 1, "broken entry"))
    out.append(ImportRecord(Item(fields={}), [], 99))
    return out


def _file_records(path: Path) -> list[ImportRecord | ImportProblem]:
    fmt = registry.for_path(path) or registry.sniff(path)
    assert fmt is not None, path
    return list(fmt.read(path))


def _sources() -> list[tuple[str, list[ImportRecord | ImportProblem]]]:
    found = [("hostile", _hostile())]
    for path in sorted((FIXTURES / "duplicates").glob("*.bib")) + sorted((FIXTURES / "formats").glob("*.bib")):
        found.append((path.name, _file_records(path)))
    shared = sorted(p for p in SHARED.rglob("*.bib") if p.stat().st_size < 400_000)[:6] if SHARED.is_dir() else []
    found += [(f"shared/{p.name}", _file_records(p)) for p in shared]
    return found


_index_item = dupstore.index_item


@contextlib.contextmanager
def _no_batch(conn: sqlite3.Connection) -> Iterator[None]:
    yield


def _state(lib: Library) -> dict[str, list[tuple[object, ...]]]:
    """Everything an import writes, by row id (keys and times are random or the clock's)."""
    conn = lib.db.conn
    queries = {
        "items": "SELECT id, item_type, title, sort_title, creator_summary, year, publication, title_key, "
                 "first_author, deleted, fields, provenance, extras, relations, has_file FROM items ORDER BY id",
        # every word the search index holds, where (the index keeps no copy of its text since schema 7)
        "fts": "SELECT doc, col, offset, term FROM temp.fts_words ORDER BY doc, col, offset, term",
        "tags": "SELECT it.item_id, t.name, it.type FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                "ORDER BY it.item_id, t.name",
        "creators": "SELECT * FROM creators ORDER BY item_id, pos",
        "identifiers": "SELECT * FROM identifiers ORDER BY item_id, scheme",
        "collections": "SELECT ci.item_id, c.name FROM collection_items ci JOIN collections c ON c.id = "
                       "ci.collection_id ORDER BY 1, 2",
        "notes": "SELECT item_id, html FROM notes ORDER BY id",
        "candidates": "SELECT COUNT(*) FROM dup_candidates",
        "profiles": "SELECT item_id, version IS NOT NULL, profile FROM dup_profiles ORDER BY item_id",
        "blocking": "SELECT item_id, key FROM dup_keys ORDER BY item_id, key",
    }
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_words USING fts5vocab(main, items_fts, instance)")
    state = {name: [tuple(r) for r in conn.execute(sql)] for name, sql in queries.items()}
    # the profile (stored deflated) names the item by key: compare it without
    state["profiles"] = [(rid, known, sorted((k, repr(v)) for k, v in compact.decode_profile(stored).items() if k != "k"))
                         for rid, known, stored in state["profiles"]]
    state["search"] = [(q, lib.count(ItemQuery(search=q)), tuple(r["title"] for r in lib.query(
        ItemQuery(search=q), 0, 20))) for q in ("s", "se", "senolytic", "review", "müller", "10.1234", "x")]
    return state


def _import_twice(folder: Path, records: list[ImportRecord | ImportProblem]) -> dict[str, list[tuple[object, ...]]]:
    with Library.open(folder, tagger=get_tagger()) as lib:
        first = lib.import_records(copy.deepcopy(records), batch=7)
        again = lib.import_records(copy.deepcopy(records), batch=500)  # every record meets its stored self
        state = _state(lib)
        state["reports"] = [(first.created, first.merged, len(first.problems), again.created, again.merged)]
        assert lib.db.conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)")
    return state


@pytest.mark.parametrize(("name", "records"), _sources(), ids=lambda v: v if isinstance(v, str) else "")
def test_batched_import_ends_as_item_by_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                             records: list[ImportRecord | ImportProblem]) -> None:
    batched = _import_twice(tmp_path / "batched", records)
    with monkeypatch.context() as patch:
        patch.setattr(rows, "write_batch", _no_batch)
        # and each profile made afresh from the stored item, as before it was made once per record
        patch.setattr(dupstore, "index_item", lambda conn, rid, item, known=None, cache=None: _index_item(conn, rid, item))
        one_by_one = _import_twice(tmp_path / "plain", records)
    assert batched["items"], name
    for table in one_by_one:
        assert batched[table] == one_by_one[table], (name, table)


def test_a_search_inside_a_batch_sees_the_rows_held_back(library: Library) -> None:
    with library.db.transaction() as conn, rows.write_batch(conn):
        rows.write_item(conn, Item(fields={"title": "Quercetin clears senescent cells"}))
        assert library.count(ItemQuery(search="querc")) == 1
        assert [r["title"] for r in library.query(ItemQuery(search="q"), 0, 5)] == ["Quercetin clears senescent cells"]
        rows.write_item(conn, Item(fields={"title": "Fisetin too"}))
    assert library.count(ItemQuery(search="fisetin")) == 1


def test_a_failed_batch_leaves_nothing_held_for_the_next(library: Library) -> None:
    with pytest.raises(RuntimeError), library.db.transaction() as conn, rows.write_batch(conn):
        rows.write_item(conn, Item(fields={"title": "Dasatinib lost"}))
        raise RuntimeError("killed")
    assert not rows._BATCHES
    with library.db.transaction() as conn:
        rows.write_item(conn, Item(fields={"title": "Olaparib kept"}))
    assert library.count(ItemQuery(search="dasatinib")) == 0
    assert library.count(ItemQuery(search="olaparib")) == 1
    assert library.db.conn.execute("SELECT COUNT(*) FROM items_fts").fetchone()[0] == 1
