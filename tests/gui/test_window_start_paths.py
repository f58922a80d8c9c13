"""The window's start-up and scroll fast paths answer what the slow ones answered: a deep page read by
row ids is the OFFSET page, whatever the sort, filter or search; the tag selector's topic names read
without compiling the tagger are the compiled tagger's; the duplicates count read at start-up is the
groups' count; the sync engine opens only when it is needed."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from senref.actions.duplicates import list_duplicates
from senref.core.dupscore import Candidate
from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.gui.controllers.duplicates import count_groups, load_groups
from senref.gui.models import item_table
from senref.gui.models.item_table import COLUMNS, PAGE_SIZE, ItemTableModel
from senref.gui.sync_service import SyncService
from senref.gui.topic_tags import selector_topic_names
from senref.paths import get_paths
from senref.storage.row_seek import rows_by_ids, view_ids
from senref.topics.deferred import DeferredTagger
from senref.topics.tagger import topic_names
from tests.gui.conftest import add_items

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

#: Ties (same title, year and publication: only the row id orders them), empty and odd values, tags.
SPECS: list[dict[str, Any]] = (
    [{"title": "Same", "date": "2001", "publicationTitle": "J"} for _ in range(60)]
    + [{"title": "", "date": ""}, {"title": "Ünïcode — “quotes”", "date": "0"}, {"title": "None", "date": "1999"}]
    + [{"title": f"Senescence {i % 37} of {i}", "date": str(1900 + i % 90), "publicationTitle": f"P{i % 7}",
        "creators": [f"Author{i % 11}", "Zed"], "tags": ["hot"] if i % 3 == 0 else []} for i in range(3 * PAGE_SIZE)]
)


def _rows(model: ItemTableModel) -> list[dict[str, Any]]:
    return [dict(model._row(row)) for row in range(model.rowCount())]  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [
    ItemQuery(), ItemQuery(sort="creator"), ItemQuery(sort="year", descending=True), ItemQuery(sort="publication"),
    ItemQuery(sort="dateAdded", descending=True), ItemQuery(search="senescence"), ItemQuery(search="sen", sort="year"),
    ItemQuery(tags=["hot"], sort="title", descending=True), ItemQuery(trash=True),
])
def test_a_page_read_by_row_ids_is_the_offset_page(gui_library: Library, monkeypatch: pytest.MonkeyPatch,
                                                    query: ItemQuery) -> None:
    add_items(gui_library, SPECS)
    monkeypatch.setattr(item_table, "SEEK_FROM", PAGE_SIZE)  # every page after the first is a seek
    model = ItemTableModel(gui_library)
    model.set_query(query)
    expected = [dict(r) for r in gui_library.query(model.query, 0, model.rowCount() + 10)]
    assert len(expected) == model.rowCount()
    assert _rows(model) == expected
    assert model._ids is not None or model.rowCount() <= PAGE_SIZE
    # Every column the table shows, through data(), as the OFFSET page shows it.
    for row in (0, PAGE_SIZE, model.rowCount() - 1):
        if 0 <= row < model.rowCount():
            for column, (_, name, _) in enumerate(COLUMNS):
                shown = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
                assert shown == ItemTableModel._display(column, expected[row][name])
    gui_library.close()


def test_the_row_ids_follow_changes_sorts_and_queries(gui_library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    add_items(gui_library, SPECS)
    monkeypatch.setattr(item_table, "SEEK_FROM", PAGE_SIZE)
    model = ItemTableModel(gui_library)
    _rows(model)
    assert model._ids is not None
    add_items(gui_library, [{"title": "Aardvark", "date": "2024"}, {"title": "Same", "date": "2001"}])
    model.refresh()
    assert model._ids is None  # forgotten with the pages
    assert _rows(model) == [dict(r) for r in gui_library.query(model.query, 0, model.rowCount())]
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert _rows(model) == [dict(r) for r in gui_library.query(model.query, 0, model.rowCount())]
    model.set_query(ItemQuery(search="senescence"))
    assert _rows(model) == [dict(r) for r in gui_library.query(model.query, 0, model.rowCount())]
    conn = gui_library.db.conn
    ids = view_ids(conn, model.query)
    assert len(ids) == model.rowCount() and rows_by_ids(conn, model.query, ids[:0]) == []
    gui_library.close()


def test_a_stand_in_page_reader_is_never_bypassed(gui_library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    add_items(gui_library, SPECS)
    monkeypatch.setattr(item_table, "SEEK_FROM", 0)
    model = ItemTableModel(gui_library)
    reads: list[int] = []

    def reader(query: ItemQuery, offset: int, limit: int) -> list[Any]:
        reads.append(offset)
        return gui_library.query(query, offset, limit)
    model._read_page = reader
    _rows(model)
    assert model._ids is None and reads == [n * PAGE_SIZE for n in range(len(reads))] and len(reads) > 2
    gui_library.close()


@pytest.mark.parametrize("user_file", [None, '[[topics]]\nname = "Model systems/Zebrafish"\nterms = ["zebrafish"]\n',
                                       '[[topics]]\nname = "X/Y"\nterms = ["y"]\n', "not [ toml"])
def test_topic_names_without_compiling_are_the_taggers(senref_home: Path, user_file: str | None) -> None:
    paths = get_paths()
    paths.config.mkdir(parents=True, exist_ok=True)
    if user_file is not None:
        (paths.config / "topics.toml").write_text(user_file, encoding="utf-8")
    fast = selector_topic_names(DeferredTagger(paths))
    assert fast == topic_names(DeferredTagger(paths)) and fast
    assert selector_topic_names(None) == topic_names(None)
    if user_file is not None:  # an edit of the user's file is seen at once
        (paths.config / "topics.toml").unlink()
        assert selector_topic_names(DeferredTagger(paths)) == topic_names(None)


def test_the_sync_engine_opens_only_when_needed(gui_library: Library, qtbot: Any) -> None:
    service = SyncService(gui_library)
    assert service._engine is None and service.open_conflicts() == [] and service.targets() == []
    assert service._engine is None
    assert service.engine is service.engine  # one engine, opened on first use
    assert service.open_conflicts() == []
    service.shutdown(1000)
    gui_library.close()


@pytest.mark.parametrize("seed", range(6))
def test_the_tree_count_of_duplicates_is_the_groups_count(seed: int) -> None:
    rng = random.Random(seed)
    keys = [f"K{n:03d}" for n in range(rng.randrange(2, 40))]
    pairs = [Candidate(*sorted(rng.sample(keys, 2)), 0.9, ("title",), None) for _ in range(rng.randrange(0, 60))]
    groups: list[set[str]] = []  # the connected components, the slow way
    for pair in pairs:
        touching = [g for g in groups if pair.a in g or pair.b in g]
        merged = set().union({pair.a, pair.b}, *touching)
        groups = [g for g in groups if g not in touching] + [merged]
    assert count_groups(pairs) == len(groups)


def test_the_start_up_duplicates_read_counts_the_groups(gui_library: Library) -> None:
    add_items(gui_library, [{"title": "Senescence in fibroblasts", "date": "2020", "doi": "10.1/x"},
                            {"title": "Senescence in fibroblasts", "date": "2020", "doi": "10.1/x"},
                            {"title": "Another paper entirely", "date": "1990"}])
    counted, full = load_groups(gui_library, False), load_groups(gui_library, True)
    assert counted.groups == [] and counted.group_count == full.group_count == len(full.groups) == 1
    assert len(list_duplicates(gui_library).groups) == full.group_count
    gui_library.close()
