"""A search's hit count is counted once per view refresh, and never outlives a change or its library."""

from __future__ import annotations

from pathlib import Path

from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.storage import items as rows


def _add(lib: Library, *titles: str) -> None:
    for title in titles:
        lib.save_item(Item(fields={"title": title}), tag=False)


def test_two_libraries_never_share_a_count(tmp_path: Path) -> None:
    for n in (1, 3, 2):  # connections of closed libraries may come back at the same address
        with Library.open(tmp_path / f"lib{n}", autotag=False) as lib:
            _add(lib, *(f"Navitoclax study {k}" for k in range(n)))
            assert lib.count(ItemQuery(search="navitoclax")) == n
            assert len(lib.query(ItemQuery(search="n"), 0, 50)) == n


def test_a_write_from_this_or_another_connection_is_counted(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", autotag=False) as lib:
        _add(lib, "Fisetin one")
        query = ItemQuery(search="fis")
        assert lib.count(query) == 1
        _add(lib, "Fisetin two")
        assert lib.count(query) == 2
        with Library.open(tmp_path / "lib", autotag=False) as other, other.db.transaction() as conn:  # its own connection
            rows.write_item(conn, Item(fields={"title": "Fisetin three"}))
        assert lib.count(query) == 3
        assert [r["title"] for r in lib.query(query, 0, 10)] == ["Fisetin one", "Fisetin three", "Fisetin two"]
        with lib.db.transaction() as conn:
            rid = conn.execute("SELECT id FROM items WHERE title = 'Fisetin two'").fetchone()[0]
            old = rows.indexed_values(conn, rid)
            for _table, _insert, delete in rows._SEARCH_ROWS:  # a removal the search tables see, not the items
                conn.execute(delete, old)
        assert lib.count(query) == 2


def test_many_hits_page_in_the_sort_order_with_offsets(library: Library) -> None:
    titles = [f"Senescence {chr(97 + k % 26)}{k:04d}" for k in range(700)]  # more hits than the sparse plan takes
    _add(library, *titles)
    _add(library, "Unrelated")
    expected = sorted(titles, key=str.lower)
    for sort, descending in (("title", False), ("title", True)):
        query = ItemQuery(search="s", sort=sort, descending=descending)
        assert library.count(query) == 700
        want = expected[::-1] if descending else expected
        got = [r["title"] for offset in (0, 50, 650) for r in library.query(query, offset, 50)]
        assert got == want[0:50] + want[50:100] + want[650:700]
