"""The item table's page read (senref.storage.page_reads) gives exactly the rows queries.page gives, for
every kind of query, order and offset, including the short typed words it probes for itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.corpus import records
from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.query import SORT_FIELDS, ItemQuery
from senref.storage import page_reads, queries

#: What users type, first letters included, and what they should not break: FTS5 syntax, quotes,
#: separators, non-ASCII, digits, words no item has.
SEARCHES = ("", "s", "se", "sen", "senolytic", "p", "p1", "p16", "n k", "s c", "z", "q", "x", "ü", "Müller", "mu",
            '"', 's"', "s*", "AND", "s OR c", "NEAR(s c)", "-s", "s-c", "bench.7", "10.5555", "1", "19", "zzzz",
            "été", "🙂", "s " * 40)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library.open(Path(tmp_path_factory.mktemp("pages")) / "lib", autotag=False)
    lib.import_records(records(1200, seed=11), batch=400)
    extra = [Item(fields={"title": title, "date": "2001"}) for title in
             ("Über Müller's été", "s", "S. S. S.", "", "zzz-top", "\"quoted\" title")]
    extra[0].creators = [Creator("author", "Jörg", "Müller")]
    keys = [lib.save_item(item).key for item in extra]
    every = lib.keys(ItemQuery())
    lib.trash(every[::7])  # trashed items are out of every view but the Trash
    bench = next(c for c in lib.list_collections() if c.name == "Radiation")
    lib.add_to_collection(bench.key, keys)
    yield lib
    lib.close()


def queries_to_check(lib: Library) -> Iterator[ItemQuery]:
    collection = next(c.key for c in lib.list_collections() if c.name == "Radiation")
    for search in SEARCHES:
        for sort in ("title", "year"):
            yield ItemQuery(search=search, sort=sort)
        yield ItemQuery(search=search, sort="creator", descending=True)
        yield ItemQuery(search=search, trash=True)
        yield ItemQuery(search=search, tags=["review"])
        yield ItemQuery(search=search, tags=["review", "mouse"], tag_mode="or", sort="dateAdded")
        yield ItemQuery(search=search, collection=collection)
        yield ItemQuery(search=search, unfiled=True, descending=True)


def test_table_page_gives_the_rows_queries_page_gives(library: Library) -> None:
    conn = library.db.conn
    checked = 0
    for query in queries_to_check(library):
        for offset, limit in ((0, 25), (5, 20), (0, 37), (190, 200), (1000, 50)):
            expected = queries.page(conn, query, offset, limit)
            got = page_reads.table_page(conn, query, offset, limit)
            assert [tuple(r) for r in got] == [tuple(r) for r in expected], (query, offset, limit)
            if expected:
                assert got[0].keys() == expected[0].keys()
            checked += bool(expected)
    assert checked > 300


def test_sort_orders_all_agree(library: Library) -> None:
    conn = library.db.conn
    for sort in SORT_FIELDS:
        for descending in (False, True):
            query = ItemQuery(search="s", sort=sort, descending=descending)
            expected = [tuple(r) for r in queries.page(conn, query, 0, 300)]
            assert [tuple(r) for r in page_reads.table_page(conn, query, 0, 300)] == expected, (sort, descending)


def test_short_dense_words_are_probed_and_long_or_sparse_ones_are_not(library: Library) -> None:
    """The probe path must actually run for the typed first letters (else the test above proves nothing of it)."""
    conn = library.db.conn
    for word in ("s", "se", "sen", " S ", "s*"):
        # (a small library: only a short first page is worth probing; at 100,000 items, the first pages)
        assert page_reads.probed_page_ids(conn, ItemQuery(search=word), 0, 25) is not None, word
    # Longer than any prefix index, two words, a separator, no hits, far down the view: the general read.
    for word, offset in (("senolytic", 0), ("s c", 0), ("bench.7", 0), ("zzzz", 0), ("s", 200)):
        assert page_reads.probed_page_ids(conn, ItemQuery(search=word), offset, 25) is None, word


def test_a_walk_too_short_for_the_page_falls_back(library: Library) -> None:
    """A filter that leaves few items (one collection) makes the bounded walk end before the page: the
    general read answers, with the same rows."""
    conn = library.db.conn
    collection = next(c.key for c in library.list_collections() if c.name == "Radiation")
    query = ItemQuery(search="s", tags=["important"], collection=collection)
    assert [tuple(r) for r in page_reads.table_page(conn, query, 0, 200)] == \
        [tuple(r) for r in queries.page(conn, query, 0, 200)]
