"""Which of the two search tables (schema 9) answers a query: the one with prefix indexes for the short
prefixes a user types first, the one with positions for phrases and longer words; both give the same hits."""

from __future__ import annotations

import pytest

from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.storage import queries


@pytest.mark.parametrize(("typed", "table"), [
    ("s", "search_words"), ("se", "search_words"), ("sen", "search_words"), ("sene", "items_fts"),
    ("senescence", "items_fts"), ("s metastasis", "search_words"), ("dna olaparib", "items_fts"),
    ("p16 dna", "search_words"), ("one-two", "items_fts"), ("10.1093/jnci", "items_fts"), ("o a", "search_words"),
    ("one-tw s", "items_fts"), ("sénescence", "items_fts"), ("é", "search_words"), ("日本", "items_fts"),
])
def test_each_query_goes_to_the_table_that_answers_it(typed: str, table: str) -> None:
    assert queries.search_table(queries.fts_query(typed)) == table


def test_both_routes_find_the_same_items(tmp_path: object) -> None:
    titles = ["Senescence one-two punch", "Senolytic navitoclax", "Sénescence induite", "DNA damage olaparib",
              "p16 and DNA", "One two three", "Metastasis in s-phase", "日本 study"]
    with Library.open(tmp_path / "lib", autotag=False) as lib:  # type: ignore[operator]
        for title in titles:
            lib.save_item(Item(fields={"title": title}))
        conn = lib.db.conn
        for typed in ("s", "sen", "sene", "one-two", "one two", "dna olaparib", "p16 dna", "s metastasis", "日本",
                      "senescence", "o", "on", "one"):
            text = queries.fts_query(typed)
            got = sorted(r["title"] for r in lib.query(ItemQuery(search=typed), 0, 50))
            # the positions table answers every query: the oracle
            want = sorted(str(r[0]) for r in conn.execute(
                "SELECT title FROM items WHERE id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)", (text,)))
            assert got == want and lib.count(ItemQuery(search=typed)) == len(want), typed
