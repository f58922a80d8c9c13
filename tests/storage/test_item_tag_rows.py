"""An item's tag rows: a name given twice keeps the last type, in a batch as in a single write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from senref.core.library import Library
from senref.core.model import AUTOMATIC, MANUAL, Item, Tag
from senref.core.records import ImportRecord


def _item(title: str, tags: list[Tag]) -> Item:
    item = Item(fields={"title": title})
    item.tags = list(tags)  # as a hostile or careless reader could leave them
    return item


def _rows(folder: Path) -> list[tuple[str, str, int]]:
    conn = sqlite3.connect(folder / "library.sqlite")
    try:
        return sorted(conn.execute(
            "SELECT i.title, t.name, it.type FROM item_tags it JOIN items i ON i.id = it.item_id"
            " JOIN tags t ON t.id = it.tag_id").fetchall())
    finally:
        conn.close()


def test_a_tag_named_twice_keeps_its_last_type(tmp_path: Path) -> None:
    cases = [("a", [Tag("x", MANUAL), Tag("y", MANUAL), Tag("x", AUTOMATIC)]),
             ("b", [Tag("x", AUTOMATIC), Tag("x", MANUAL)]),
             ("c", [Tag("z", MANUAL), Tag("z", MANUAL)])]
    want = [("a", "x", AUTOMATIC), ("a", "y", MANUAL), ("b", "x", MANUAL), ("c", "z", MANUAL)]
    with Library.open(tmp_path / "batch", autotag=False) as library:
        report = library.import_records([ImportRecord(item=_item(t, tags), line=1) for t, tags in cases])
        assert report.created == 3
        for key in report.keys:  # a rewrite of the same item replaces its rows, and clashes with none
            library.update_item(library.get_item(key), tag=False)
    with Library.open(tmp_path / "single", autotag=False) as library:
        for title, tags in cases:
            library.save_item(_item(title, tags), tag=False)
    assert _rows(tmp_path / "batch") == want
    assert _rows(tmp_path / "single") == want
