"""The real main window: title, welcome, search, sort, tag and collection filters, edits, delete and undo."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from senref.core.settings import load_settings
from senref.gui.models.collection_tree import COLLECTION, TRASH, UNFILED
from senref.gui.models.item_table import COL_TITLE, COL_YEAR
from tests.gui.conftest import wait_idle

# The offscreen platform cannot resize a top-level window to its size hints; it says so once.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def titles(win: Any) -> list[str]:
    model = win.item_model
    return [model.index(r, COL_TITLE).data() for r in range(model.rowCount())]


def wait_titles(qtbot: Any, win: Any, expected: list[str]) -> None:
    """Filters apply when their background read returns; wait for the table to show *expected*."""
    qtbot.waitUntil(lambda: sorted(titles(win)) == sorted(expected))


def test_title_names_senref_and_library(window: Any) -> None:
    assert window.windowTitle() == "gui-lib"  # Qt shows it as "gui-lib — senref"
    assert not window.settings_action.shortcut().isEmpty()
    assert window.centre.currentWidget() is window.table
    assert window.count_label.text() == "3 items"


def test_empty_library_shows_welcome_then_demo(empty_window: Any, qtbot: Any) -> None:
    assert empty_window.centre.currentWidget() is empty_window.welcome
    with qtbot.waitSignal(empty_window.library_switch_requested, timeout=20_000) as blocker:
        empty_window.welcome.demo_button.click()
    folder, demo = blocker.args
    assert demo and (folder / "library.sqlite").exists()


def test_quick_search_filters_as_you_type(window: Any, qtbot: Any) -> None:
    qtbot.keyClicks(window.search_box, "navitocl")
    assert window.browse_controller.search_timer.isActive()  # debounced: no query per keystroke
    qtbot.waitUntil(lambda: window.item_model.rowCount() == 1)
    assert titles(window) == ["Senolytic navitoclax clears irradiated cells"]
    window.search_box.clear()
    qtbot.waitUntil(lambda: window.item_model.rowCount() == 3)


def test_sort_by_year_from_the_header(window: Any, qtbot: Any) -> None:
    header = window.table.horizontalHeader()
    header.setSortIndicator(COL_YEAR, Qt.SortOrder.AscendingOrder)
    model = window.item_model
    assert [model.index(r, COL_YEAR).data() for r in range(3)] == ["1995", "2019", "2021"]
    header.setSortIndicator(COL_YEAR, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, COL_YEAR).data() for r in range(3)] == ["2021", "2019", "1995"]


def test_filter_by_tags_any_and_all(window: Any, qtbot: Any) -> None:
    selector = window.tag_selector
    qtbot.waitUntil(lambda: "radiation" in selector.model.tag_names())
    selector.model.set_checked("radiation", True)
    both = ["A biomarker of senescent cells", "Senolytic navitoclax clears irradiated cells"]
    wait_titles(qtbot, window, both)
    selector.model.set_checked("senolytics", True)
    wait_titles(qtbot, window, ["Senolytic navitoclax clears irradiated cells"])
    selector.mode.setCurrentIndex(selector.mode.findData("or"))
    wait_titles(qtbot, window, both)
    selector.clear_selection()
    qtbot.waitUntil(lambda: len(titles(window)) == 3)


def test_filter_by_collection_and_unfiled(window: Any, qtbot: Any) -> None:
    lib = window.library
    key = lib.create_collection("Radiation")
    lib.add_to_collection(key, [lib.resolve_key("10.1111/acel.1")])
    qtbot.waitUntil(lambda: window.collection_model.find(COLLECTION, key).isValid())
    window.collection_controller.select_collection(COLLECTION, key)
    wait_titles(qtbot, window, ["Senolytic navitoclax clears irradiated cells"])
    window.collection_controller.select_collection(UNFILED)
    qtbot.waitUntil(lambda: len(titles(window)) == 2)


def test_edit_a_field_is_saved(window: Any, qtbot: Any) -> None:
    window.table.selectRow(0)
    key = window.table.current_key()
    editor = window.pane.fields.editors["volume"]
    editor.setText("113")
    editor.editingFinished.emit()
    qtbot.waitUntil(lambda: window.library.get_item(key).fields.get("volume") == "113")
    item = window.library.get_item(key)
    assert item.provenance["volume"] == "user"
    wait_idle(qtbot, window)
    assert window.pane.fields.editors["volume"].text() == "113"  # the pane re-read the saved item


def test_edit_creators_and_tags(window: Any, qtbot: Any) -> None:
    window.table.selectRow(0)
    key = window.table.current_key()
    creators = window.pane.creators
    creators.table.item(0, 1).setText("Dimri-Campisi")
    qtbot.waitUntil(lambda: window.library.get_item(key).creators[0].last_name == "Dimri-Campisi")
    wait_idle(qtbot, window)
    window.pane.tags.entry.setText("to-read")
    window.pane.tags.entry.returnPressed.emit()
    qtbot.waitUntil(lambda: "to-read" in window.library.get_item(key).tag_names())


def test_accept_and_reject_automatic_tags(window: Any, qtbot: Any) -> None:
    from senref.core.model import AUTOMATIC, MANUAL

    lib = window.library
    key = lib.resolve_key("10.1111/acel.1")
    lib.edit_items([key], lambda item: bool(item.add_tag("Senolytics", AUTOMATIC) or item.add_tag("SASP", AUTOMATIC)) or True)
    wait_idle(qtbot, window)
    window.table.select_keys([key])
    pane = window.pane.tags
    rows = {pane.list.item(r).data(Qt.ItemDataRole.UserRole + 1): pane.list.item(r) for r in range(pane.list.count())}
    assert rows["Senolytics"].font().italic() and "(automatic)" in rows["Senolytics"].text()
    pane.list.setCurrentItem(rows["Senolytics"])
    assert pane.accept_button.isEnabled()
    pane.accept_button.click()
    qtbot.waitUntil(lambda: any(t.tag == "Senolytics" and t.type == MANUAL for t in lib.get_item(key).tags))
    wait_idle(qtbot, window)
    rows = {pane.list.item(r).data(Qt.ItemDataRole.UserRole + 1): pane.list.item(r) for r in range(pane.list.count())}
    pane.list.setCurrentItem(rows["SASP"])
    pane.remove_button.click()
    qtbot.waitUntil(lambda: "SASP" in (lib.get_item(key).extras.get("rejectedTopics") or []))


def test_delete_moves_to_trash_and_undo_restores(window: Any, qtbot: Any) -> None:
    window.table.selectRow(0)
    window.table.selectRow(0)
    key = window.table.current_key()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.library.get_item(key).deleted)
    qtbot.waitUntil(lambda: window.item_model.rowCount() == 2)
    window.collection_controller.select_collection(TRASH)
    qtbot.waitUntil(lambda: window.item_model.rowCount() == 1)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not window.library.get_item(key).deleted)
    qtbot.waitUntil(lambda: window.item_model.rowCount() == 0)


def test_geometry_and_columns_are_remembered(window: Any, qtbot: Any, gui_library: Any) -> None:
    from senref.core.library import Library
    from senref.core.settings import load_settings
    from senref.gui.main_window import MainWindow

    window.table.horizontalHeader().setSectionHidden(COL_YEAR, True)
    window.resize(760, 540)  # within the offscreen screen, so restoring does not clamp it
    folder = window.library.folder
    window.close()
    again = MainWindow(Library.open(folder, role="gui"), settings=load_settings())
    qtbot.addWidget(again)
    try:
        assert again.table.horizontalHeader().isSectionHidden(COL_YEAR)
        assert (again.width(), again.height()) == (760, 540)
    finally:
        again.close()


def test_pane_shows_titles_as_plain_text(window: Any, qtbot: Any) -> None:
    lib = window.library
    key = lib.resolve_key("10.1111/acel.1")
    lib.edit_items([key], lambda item: bool(item.fields.update(title="<b>bold</b> & <i>NF-κB</i>")) or True)
    wait_idle(qtbot, window)
    window.table.select_keys([key])
    assert window.pane.title.textFormat() == Qt.TextFormat.PlainText
    assert window.pane.title.text() == "<b>bold</b> & <i>NF-κB</i>"
    assert isinstance(window.pane.fields.editors["title"], QLineEdit)


def test_file_menu_leads_from_the_demo_back_to_your_own_library(qtbot: Any, gui_library: Any,
                                                                 senref_home: Any) -> None:
    from senref.gui.main_window import MainWindow
    from senref.paths import get_paths

    demo = MainWindow(gui_library, settings=load_settings(), demo=True)
    qtbot.addWidget(demo)
    assert demo.switch_library_action.text() == "Open My Library"
    with qtbot.waitSignal(demo.library_switch_requested, timeout=5_000) as blocker:
        demo.switch_library_action.trigger()
    assert blocker.args == [get_paths().default_library, False]
    demo.close()


def test_file_menu_opens_the_demo_from_your_library(window: Any, qtbot: Any) -> None:
    assert window.switch_library_action.text() == "Open Demo Library"
    with qtbot.waitSignal(window.library_switch_requested, timeout=20_000) as blocker:
        window.switch_library_action.trigger()
    folder, demo = blocker.args
    assert demo and (folder / "library.sqlite").exists()
