"""Tag tools in the real window's tag selector: rename and merge, delete, colours shown in the table,
automatic/manual toggles, and a click on a demo topic tag filtering the table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from senref.core.library import Library
from senref.demo import build_demo_library
from senref.gui.models.item_table import COL_TAGS, KEY_ROLE
from senref.gui.models.tag_tree import TAG_ROLE
from senref.storage.queries import ItemQuery
from tests.gui.conftest import _open, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def tag_index(win: Any, name: str) -> QModelIndex:
    """The tag selector's (proxy) index of tag *name*, searched through the nested tree."""
    proxy = win.tag_selector.proxy
    pending = [proxy.index(r, 0) for r in range(proxy.rowCount())]
    while pending:
        index = pending.pop()
        if index.data(TAG_ROLE) == name:
            return index
        pending.extend(proxy.index(r, 0, index) for r in range(proxy.rowCount(index)))
    return QModelIndex()


def tag_names(win: Any) -> set[str]:
    return {str(name) for name, _count, _type in win.tag_selector.model._rows}


def trigger(menu: Any, *path: str) -> None:
    """Trigger the menu action reached by the labels in *path* (submenus first)."""
    for label in path[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text() == label)
    next(a for a in menu.actions() if a.text() == path[-1]).trigger()


def test_rename_merges_into_an_existing_tag(window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = window
    qtbot.waitUntil(lambda: tag_index(win, "senolytics").isValid())
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("radiation", True))
    trigger(win.tag_selector.tag_menu("senolytics"), "Rename Tag…")
    qtbot.waitUntil(lambda: "senolytics" not in tag_names(win))
    wait_idle(qtbot, win)
    lib = win.library
    assert len(lib.keys(ItemQuery(tags=["radiation"]))) == 2  # both carried "radiation" already or now
    assert {name: count for name, count, _ in lib.tag_counts()}["radiation"] == 2
    assert not lib.keys(ItemQuery(tags=["senolytics"]))


def test_delete_tag_across_the_library(window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = window
    qtbot.waitUntil(lambda: tag_index(win, "radiation").isValid())
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    trigger(win.tag_selector.tag_menu("radiation"), "Delete Tag…")
    qtbot.waitUntil(lambda: "radiation" not in tag_names(win))
    assert not win.library.keys(ItemQuery(tags=["radiation"]))
    assert win.library.count() == 3


def test_colour_shows_in_selector_and_table_then_goes(window: Any, qtbot: Any) -> None:
    win = window
    qtbot.waitUntil(lambda: tag_index(win, "chemotherapy").isValid())
    trigger(win.tag_selector.tag_menu("chemotherapy"), "Assign Colour", "Green")
    qtbot.waitUntil(lambda: win.library.tag_colors() == {"chemotherapy": "#5fb236"})
    wait_idle(qtbot, win)
    node = win.tag_selector.model.itemFromIndex(win.tag_selector.proxy.mapToSource(tag_index(win, "chemotherapy")))
    assert node.foreground().color().name() == "#5fb236"
    decorated = {}
    for row in range(win.item_model.rowCount()):
        index = win.item_model.index(row, COL_TAGS)
        decorated[index.data(KEY_ROLE)] = index.data(Qt.ItemDataRole.DecorationRole)
    [chemo] = win.library.keys(ItemQuery(tags=["chemotherapy"]))
    assert [key for key, icon in decorated.items() if icon is not None] == [chemo]
    image = decorated[chemo].pixmap(10, 10).toImage()
    assert image.pixelColor(5, 5).name() == "#5fb236"
    # The menu marks the current colour, and removing it clears the dots.
    menu = win.tag_selector.tag_menu("chemotherapy")
    colours = next(a.menu() for a in menu.actions() if a.text() == "Assign Colour")
    assert [a.text() for a in colours.actions() if a.isChecked()] == ["Green"]
    trigger(menu, "Assign Colour", "Remove Colour")
    qtbot.waitUntil(lambda: not win.library.tag_colors())
    wait_idle(qtbot, win)
    row = next(r for r in range(win.item_model.rowCount()) if win.item_model.index(r, 0).data(KEY_ROLE) == chemo)
    assert win.item_model.index(row, COL_TAGS).data(Qt.ItemDataRole.DecorationRole) is None


def test_automatic_and_manual_toggles(window: Any, qtbot: Any) -> None:
    win = window
    qtbot.waitUntil(lambda: tag_index(win, "senolytics").isValid())
    types = {name: tag_type for name, _count, tag_type in win.tag_selector.model._rows}
    automatic = {name for name, tag_type in types.items() if tag_type}
    assert automatic, "the topic tagger tags the sample items"
    win.tag_selector.show_manual.setChecked(False)
    assert not tag_index(win, "senolytics").isValid()
    assert all(tag_index(win, name).isValid() for name in automatic)
    win.tag_selector.show_manual.setChecked(True)
    win.tag_selector.show_automatic.setChecked(False)
    assert tag_index(win, "senolytics").isValid()
    assert not any(tag_index(win, name).isValid() for name in automatic)


@pytest.fixture
def demo_window(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    build_demo_library(tmp_path / "demo")
    yield from _open(qtbot, Library.open(tmp_path / "demo", role="gui"))


def test_clicking_senolytics_in_the_demo_shows_the_senolytic_papers(demo_window: Any, qtbot: Any) -> None:
    win = demo_window
    qtbot.waitUntil(lambda: tag_index(win, "Senotherapeutics/Senolytics").isValid())
    index = tag_index(win, "Senotherapeutics/Senolytics")
    win.tag_selector.tree.scrollTo(index)
    rect = win.tag_selector.tree.visualRect(index)
    # On the name, right of the check box: Zotero selects a tag by clicking it.
    qtbot.mouseClick(win.tag_selector.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.tag_selector.checked_tags() == ["Senotherapeutics/Senolytics"]
    qtbot.waitUntil(lambda: win.item_model.rowCount() == 13)
    wait_idle(qtbot, win)
    shown = {win.item_model.index(r, 0).data(KEY_ROLE) for r in range(win.item_model.rowCount())}
    titles = {win.library.get_item(k).title for k in shown}
    assert "Cardiac glycosides are broad-spectrum senolytics" in titles
    assert "Fisetin is a senotherapeutic that extends health and lifespan" in titles
    # A CAR T therapy the authors call senolytic is immune clearance, not a senolytic drug.
    assert "Senolytic CAR T cells reverse senescence-associated pathologies" not in titles
    for key in shown:
        evidence = win.library.get_item(key).extras.get("topicEvidence", {})
        assert "Senotherapeutics/Senolytics" in evidence
    assert shown == set(win.library.keys(ItemQuery(tags=["Senotherapeutics/Senolytics"])))
