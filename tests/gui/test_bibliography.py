"""Copy Bibliography in the real window: the remembered style, the searchable style list over the official
styles, recent styles in the menu, `.csl` files checked first, and no formatting on the GUI thread."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from senref.actions import bibliography as bibliography_action
from senref.core.settings import load_settings
from senref.formats.csl_styles import make_entry, official
from senref.gui.dialogs.style_picker import STYLE_ID_ROLE, StyleListModel, StylePickerDialog
from tests.formats.test_cite import official_file
from tests.gui.conftest import wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def copy_bibliography(win: Any, qtbot: Any) -> str:
    win.table.selectAll()
    with qtbot.waitSignal(win.transfer_controller.bibliography_copied, timeout=10_000) as blocker:
        win.copy_bibliography_action.trigger()
    text: str = blocker.args[0]
    return text


def expected(win: Any, style: str) -> bibliography_action.BibliographyReport:
    keys = win.table.selected_keys()
    return bibliography_action.cite(win.library, win.transfer_controller.settings, keys=keys, style=style)


def open_picker(win: Any, qtbot: Any) -> StylePickerDialog:
    """Bibliography Style > More Styles…, and wait until the catalog (read off the GUI thread) is in."""
    menu = win.style_menu
    menu.aboutToShow.emit()
    [more] = [a for a in menu.actions() if a.text() == "More Styles…"]
    more.trigger()
    dialog: StylePickerDialog = win.transfer_controller.dialogs[-1]
    qtbot.waitUntil(lambda: len(dialog.model.all) > 10_000, timeout=10_000)
    return dialog


def test_copy_bibliography_puts_text_and_html_in_the_remembered_style(window: Any, qtbot: Any) -> None:
    win = window
    assert win.transfer_controller.bibliography_style == "apa"  # nothing chosen yet: the settings' default
    plain = copy_bibliography(win, qtbot)
    report = expected(win, "apa")
    mime = QGuiApplication.clipboard().mimeData()
    assert plain == mime.text() == report.text and mime.html() == report.html
    assert len([line for line in plain.splitlines() if line]) == 3 and "(2019)" in plain
    assert "<i>Aging Cell</i>" in mime.html()  # italics for word processors
    assert "APA Style 7th edition" in win.statusBar().currentMessage()
    assert win.copy_bibliography_action.shortcut().toString() == "Ctrl+Shift+C"


def test_the_style_list_filters_as_you_type_and_the_choice_is_remembered(window: Any, qtbot: Any) -> None:
    win = window
    dialog = open_picker(win, qtbot)
    assert dialog.count.text() == f"{len(official().entries()):,} styles"
    assert dialog.chosen_style() == "apa"  # the current style is selected
    qtbot.keyClicks(dialog.filter, "national cancer")  # speed per keystroke: bench/bench_style_filter.py
    ids = [dialog.model.index(r, 0).data(STYLE_ID_ROLE) for r in range(dialog.model.rowCount())]
    assert "journal-of-the-national-cancer-institute" in ids and dialog.ok_button.isEnabled()
    dialog.filter.setText("JNCI")
    assert dialog.chosen_style() == "journal-of-the-national-cancer-institute"
    dialog.ok_button.click()
    assert win.transfer_controller.bibliography_style == "journal-of-the-national-cancer-institute"
    wait_idle(qtbot, win)  # saved on the write thread
    saved = load_settings()
    assert saved.cite_style == "journal-of-the-national-cancer-institute" and saved.cite_recent[:2] == [
        "journal-of-the-national-cancer-institute", "apa"]
    plain = copy_bibliography(win, qtbot)
    assert plain == expected(win, "journal-of-the-national-cancer-institute").text and plain.startswith("1.")
    assert "Journal of the National Cancer Institute" in win.statusBar().currentMessage()


def test_the_keyboard_never_leaves_the_filter_line(window: Any, qtbot: Any) -> None:
    dialog = open_picker(window, qtbot)
    chosen: list[str] = []
    dialog.style_chosen.connect(chosen.append)
    qtbot.keyClicks(dialog.filter, "nature")
    assert dialog.chosen_style() == "nature"
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Down)
    second = dialog.model.index(1, 0).data(STYLE_ID_ROLE)
    assert dialog.chosen_style() == second != "nature"
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert chosen == [second] and window.transfer_controller.bibliography_style == second


def test_recent_styles_are_in_the_menu(window: Any, qtbot: Any) -> None:
    win = window
    controller = win.transfer_controller
    controller.on_bibliography_style_chosen("nature")
    controller.on_bibliography_style_chosen("cell")
    win.style_menu.aboutToShow.emit()
    qtbot.waitUntil(lambda: controller.style_entries is not None, timeout=10_000)
    win.style_menu.aboutToShow.emit()  # titles now come from the catalog
    actions = [a for a in win.style_menu.actions() if a.isCheckable()]
    assert [a.data() for a in actions] == ["cell", "nature", "apa"]
    assert [a.isChecked() for a in actions] == [True, False, False]
    assert actions[1].text() == "Nature"
    actions[1].trigger()
    assert controller.bibliography_style == "nature" and controller.settings.cite_recent[:3] == ["nature", "cell", "apa"]
    plain = copy_bibliography(win, qtbot)
    assert plain == expected(win, "nature").text


def test_a_csl_file_is_checked_before_it_is_used(window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = window
    controller = win.transfer_controller
    problems: list[tuple[str, str]] = []
    controller.problem_found.connect(lambda title, message: problems.append((title, message)))
    bad = tmp_path / "bad.csl"
    bad.write_text("<html>not a style</html>", encoding="utf-8")
    dialog = open_picker(win, qtbot)
    dialog.choose_file(str(bad))
    qtbot.waitUntil(lambda: bool(problems), timeout=10_000)
    reason = "bad.csl is not a CSL style (its root element is not <style> in the CSL namespace)"
    assert problems == [("Cannot use this style", reason)]
    assert controller.bibliography_style == "apa"
    good = tmp_path / "house.csl"
    shutil.copy(official_file("nature"), good)
    with qtbot.waitSignal(controller.bibliography_style_changed, timeout=10_000):
        controller.on_bibliography_style_chosen(str(good))
    assert controller.bibliography_style == str(good)
    assert copy_bibliography(win, qtbot) == expected(win, "nature").text


def test_a_style_gone_since_it_was_chosen_is_reported(window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = window
    controller = win.transfer_controller
    problems: list[str] = []
    controller.problem_found.connect(lambda _title, message: problems.append(message))
    controller.bibliography_style = str(tmp_path / "deleted.csl")
    win.table.selectAll()
    win.copy_bibliography_action.trigger()
    qtbot.waitUntil(lambda: bool(problems), timeout=10_000)
    assert problems == [f"no style file {str(tmp_path / 'deleted.csl')!r}"]


def test_styles_are_read_and_formatted_off_the_gui_thread(window: Any, qtbot: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    win = window
    threads: list[str] = []
    real_cite = bibliography_action.cite

    def cite(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_cite(*args, **kwargs)
    monkeypatch.setattr("senref.gui.controllers.transfer.cite", cite)
    copy_bibliography(win, qtbot)
    real_entries = type(official()).entries

    def entries(self: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_entries(self)
    monkeypatch.setattr(type(official()), "entries", entries)
    open_picker(win, qtbot)
    assert len(threads) == 2 and threading.main_thread().name not in threads


def test_style_list_model(qtmodeltester: Any) -> None:
    model = StyleListModel()
    entries = [make_entry("apa", "APA Style 7th edition"), make_entry("nature", "Nature"),
               make_entry("jnci", "Journal of the National Cancer Institute", "JNCI", parent="ama")]
    model.set_entries(entries, pinned=["nature"])
    assert [model.index(r, 0).data(STYLE_ID_ROLE) for r in range(3)] == ["nature", "apa", "jnci"]
    qtmodeltester.check(model)
    model.set_query("jnci")
    assert model.rowCount() == 1 and model.index(0, 0).data() == "Journal of the National Cancer Institute (JNCI)"
    assert "uses the rules of ama" in model.index(0, 0).data(3)  # the tooltip
    qtmodeltester.check(model)


def test_copying_a_bibliography_with_a_retracted_work_says_so(window: Any, qtbot: Any) -> None:
    key = window.item_model.key_at(0)

    def flag(item: Any) -> bool:
        item.extras["integrity"] = {"status": "retracted", "notices": [
            {"kind": "retracted", "notice_doi": "10.5555/notice.1", "date": "2024-01-02", "source": "crossref",
             "url": "https://doi.org/10.5555/notice.1", "label": ""}]}
        return True
    window.library.edit_items([key], flag)
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.transfer_controller.problem_found, timeout=10_000) as problem:
        copy_bibliography(window, qtbot)
    title, message = problem.args
    assert title == "The bibliography cites flagged works"
    assert message.startswith("retracted: ") and "10.5555/notice.1" in message
