"""Every Qt model of the window, checked by pytest-qt's model tester and by what it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from senref.core.library import Collection, Library
from senref.gui.models.collection_tree import COLLECTION, COLLECTION_KEY_ROLE, TRASH, CollectionTreeModel
from senref.gui.models.item_table import COL_TITLE, COL_YEAR, ITEM_KEYS_MIME, KEY_ROLE, ItemTableModel
from senref.gui.models.tag_tree import TAG_ROLE, TagTreeModel
from senref.gui.workers.jobs import Job, JobsModel
from senref.storage.queries import ItemQuery
from tests.gui.conftest import SAMPLE, add_items

# The offscreen platform cannot resize a top-level window to its size hints; it says so once.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def test_item_table_model_pages_sorts_and_filters(qtmodeltester: Any, gui_library: Library) -> None:
    add_items(gui_library, SAMPLE + [{"title": f"Filler {i:03}", "date": str(1990 + i % 30)} for i in range(450)])
    model = ItemTableModel(gui_library)
    qtmodeltester.check(model)
    assert model.rowCount() == 453
    # A row past the first page is fetched on demand and the page window stays bounded.
    assert model.index(420, COL_TITLE).data().startswith("Filler")
    model.sort(COL_YEAR, Qt.SortOrder.DescendingOrder)
    years = [int(model.index(r, COL_YEAR).data()) for r in range(0, 453, 50)]
    assert years == sorted(years, reverse=True)
    model.set_query(ItemQuery(tags=["radiation"]))
    assert model.rowCount() == 2
    assert model.query.sort == "year"  # the filter keeps the user's sort
    mime = model.mimeData([model.index(0, 0), model.index(0, 1)])
    key = model.index(0, 0).data(KEY_ROLE)
    assert bytes(mime.data(ITEM_KEYS_MIME).data()).decode() == key
    assert mime.text() == "Zhou (2019). Senolytic navitoclax clears irradiated cells. Aging Cell. https://doi.org/10.1111/acel.1"
    qtmodeltester.check(model)
    gui_library.close()


def test_collection_tree_model(qtmodeltester: Any) -> None:
    model = CollectionTreeModel("My Library")
    model.set_collections([Collection("AAAAAAAA", "TIS", None, 3), Collection("BBBBBBBB", "Radiation", "AAAAAAAA", 1),
                           Collection("CCCCCCCC", "SASP", None, 0)])
    qtmodeltester.check(model)
    root = model.library_index()
    names = [model.index(r, 0, root).data() for r in range(model.rowCount(root))]
    assert names == ["SASP", "TIS", "Duplicate Items", "Unfiled Items", "Trash"]
    child = model.find(COLLECTION, "BBBBBBBB")
    assert child.data() == "Radiation" and child.parent().data() == "TIS"
    assert child.data(COLLECTION_KEY_ROLE) == "BBBBBBBB"
    assert model.find(TRASH).isValid()
    assert not model.flags(model.find(TRASH)) & Qt.ItemFlag.ItemIsDropEnabled


def test_tag_tree_model_nests_and_keeps_ticks(qtmodeltester: Any) -> None:
    model = TagTreeModel()
    model.set_tags([("TIS/Radiation", 4, 1), ("TIS/Chemotherapy", 2, 1), ("review", 3, 0)], {"review": "#ff0000"})
    qtmodeltester.check(model)
    top = [model.index(r, 0).data(TAG_ROLE) for r in range(model.rowCount())]
    assert top == ["TIS", "review"]
    group = model.index(0, 0)
    assert not model.flags(group) & Qt.ItemFlag.ItemIsUserCheckable  # a path prefix only groups
    assert model.index(0, 0, group).data() == "Radiation (4)"
    model.set_checked("TIS/Radiation", True)
    assert model.checked == {"TIS/Radiation"}
    model.set_tags([("TIS/Radiation", 5, 1), ("review", 3, 0)])
    assert model.checked == {"TIS/Radiation"}
    model.set_show_automatic(False)
    assert [model.index(r, 0).data(TAG_ROLE) for r in range(model.rowCount())] == ["review"]
    qtmodeltester.check(model)


def test_jobs_model(qtmodeltester: Any) -> None:
    model = JobsModel()
    qtmodeltester.check(model)
    job = Job("Add 10.1093/jnci/djab064", lambda progress, stop: None)
    model.add(job)
    job.done, job.total = 1, 2
    model.changed(job)
    assert model.index(0, 2).data() == "1/2"
    qtmodeltester.check(model)
    model.clear_finished()  # a queued job is active and stays
    assert model.rowCount(QModelIndex()) == 1


def test_qsettings_live_under_senref_home(senref_home: Path) -> None:
    from senref.gui.gui_settings import window_settings

    store = window_settings()
    store.setValue("probe", 1)
    store.sync()
    assert Path(store.fileName()).is_relative_to(senref_home)
