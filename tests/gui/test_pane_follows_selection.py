"""The item pane shows the current selection and nothing else; an added item is selected; a collection's
table, its Export and View > Show Items from Subcollections follow one rule (issue 16, point 5)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from senref.core.library import Library
from senref.core.settings import load_settings
from senref.gui.models.collection_tree import COLLECTION
from tests.gui.conftest import _open, add_items, wait_idle
from tests.gui.test_drops import drop, text_mime

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def select_title(win: Any, qtbot: Any, word: str) -> str:
    [key] = [k for k in win.library.keys(win.item_model.query) if word in win.library.get_item(k).title]
    win.table.select_keys([key], key)
    qtbot.waitUntil(lambda: win.pane.item is not None and win.pane.item.key == key)
    assert not win.pane.empty_state.isVisible()
    assert win.pane.fields.editors["title"].text() == win.pane.item.title
    return key


def assert_pane_empty(win: Any) -> None:
    pane = win.pane
    assert pane.item is None
    assert pane.empty_state.isVisible() and pane.empty_state.geometry() == pane.rect()
    # Nothing of the last item is left under the empty state either.
    assert pane.title.text() == "" and pane.abstract.toPlainText() == ""
    assert all(not editor.text() for editor in pane.fields.editors.values())
    assert pane.tags.list.count() == 0 and pane.creators.creators() == []


def test_pane_clears_on_deselect(window: Any, qtbot: Any) -> None:
    select_title(window, qtbot, "navitoclax")
    assert window.pane.tags.list.count() >= 2  # its own two, and any topics the tagger found
    window.table.clearSelection()
    assert_pane_empty(window)
    select_title(window, qtbot, "biomarker")  # and it comes back for the next selection


def test_pane_clears_after_a_search_that_drops_the_item(window: Any, qtbot: Any) -> None:
    key = select_title(window, qtbot, "navitoclax")
    window.search_box.setText("navitoclax")
    window.apply_search_now()
    wait_idle(qtbot, window)
    assert window.item_model.rowCount() == 1 and window.pane.item is not None and window.pane.item.key == key
    window.search_box.setText("doxorubicin")
    window.apply_search_now()
    wait_idle(qtbot, window)
    assert window.item_model.rowCount() == 1 and window.table.selected_keys() == []
    assert_pane_empty(window)


def test_pane_clears_after_trash(window: Any, qtbot: Any) -> None:
    key = select_title(window, qtbot, "navitoclax")
    window.trash_action.trigger()
    wait_idle(qtbot, window)
    assert window.library.get_item(key).deleted and window.item_model.rowCount() == 2
    assert_pane_empty(window)


def test_dropped_doi_is_selected_and_scrolled_to_when_added(window: Any, qtbot: Any, replay: Any) -> None:
    # Enough rows sorting before the new one that it lands below the fold.
    add_items(window.library, [{"title": f"A filler paper {n:03}"} for n in range(80)])
    wait_idle(qtbot, window)
    window.table.selectRow(0)
    window.transfer_controller.fetch_texts = replay
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        assert drop(window.table, text_mime("10.5555/batch.7"), QPoint(10, 10))
    [outcome] = blocker.args[0].result.by_status("added")
    wait_idle(qtbot, window)
    assert window.table.selected_keys() == [outcome.key]
    assert window.pane.item is not None and window.pane.item.key == outcome.key
    row = window.item_model.row_of(outcome.key)
    assert row is not None and row > 40
    rect = window.table.visualRect(window.item_model.index(row, 0))
    assert window.table.viewport().rect().intersects(rect)


@pytest.fixture
def demo_window(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    from senref.demo import build_demo_library
    from senref.session import Session

    folder = tmp_path / "demo-lib"
    folder.mkdir()
    build_demo_library(folder)
    library: Library = Session.start(library=folder).open_library(role="gui")
    yield from _open(qtbot, library)


def export_count(win: Any, qtbot: Any, key: str, target: Path) -> tuple[int, int]:
    """(the count the Export dialog announces, the items it writes) for the collection *key*."""
    dialog = win.transfer_controller.open_export(key, "TIS")
    [label] = [w.text() for w in dialog.findChildren(QLabel) if w.text().startswith("Collection “TIS”:")]
    announced = int(label.rsplit(":", 1)[1].split()[0])
    dialog.format.setCurrentIndex(dialog.format.findData("csljson"))
    dialog.path.setText(str(target))
    with qtbot.waitSignal(win.jobs.job_finished, timeout=15_000) as blocker:
        dialog.ok_button.click()
    assert blocker.args[0].state == "done", blocker.args[0].details
    return announced, len(json.loads(dialog.target().read_text(encoding="utf-8")))


def test_tis_table_and_export_agree_under_both_subcollection_settings(demo_window: Any, qtbot: Any,
                                                                      tmp_path: Path) -> None:
    win = demo_window
    assert not win.settings.show_subcollection_items and not win.subcollections_action.isChecked()
    [tis] = [c.key for c in win.library.list_collections() if c.name == "TIS" and c.parent_key is None]
    win.collection_controller.select_collection(COLLECTION, tis)
    wait_idle(qtbot, win)
    counts = {}
    for on in (False, True):
        win.subcollections_action.setChecked(on)
        wait_idle(qtbot, win)
        shown = win.item_model.rowCount()
        assert win.count_label.text().startswith(f"{shown} item")
        assert export_count(win, qtbot, tis, tmp_path / f"tis-{on}.json") == (shown, shown)
        [tree_count] = [c.item_count for c in win.collection_controller.collections if c.key == tis]
        assert tree_count == shown  # the collection tree counts by the same rule
        counts[on] = shown
    assert counts[True] > counts[False]  # the demo's TIS files its items in its subcollections
    assert load_settings().show_subcollection_items  # remembered
    win.subcollections_action.setChecked(False)
    wait_idle(qtbot, win)
    assert win.item_model.rowCount() == counts[False] and not load_settings().show_subcollection_items
