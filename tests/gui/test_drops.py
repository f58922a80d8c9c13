"""Drops and pastes on the real window: identifier text, browser URLs, PDF and bibliography files,
items onto collections; the add dialog; all fetched from a local replay server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from senref.core.settings import load_settings
from senref.demo import simple_pdf
from senref.gui.dialogs.add_identifier import AddIdentifierDialog
from senref.gui.models.collection_tree import COLLECTION
from senref.storage.queries import ItemQuery
from tests.gui.conftest import wait_idle
from tests.gui.replay import FLAGSHIP_DOI, FLAGSHIP_TITLE

# The offscreen platform cannot resize a top-level window to its size hints; it says so once.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def drop(view: Any, mime: QMimeData, pos: QPoint) -> bool:
    """Drag enter, move and drop *mime* at *pos* of the view's viewport, as a drag from outside would."""
    viewport = view.viewport()
    action, button, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(viewport, QDragEnterEvent(QPointF(pos), action, mime, button, mods))
    QApplication.sendEvent(viewport, QDragMoveEvent(QPointF(pos), action, mime, button, mods))
    event = QDropEvent(QPointF(pos), action, mime, button, mods)
    QApplication.sendEvent(viewport, event)
    return event.isAccepted()


def text_mime(text: str) -> QMimeData:
    mime = QMimeData()
    mime.setText(text)
    return mime


def url_mime(*urls: QUrl) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(list(urls))
    return mime


def collection_pos(win: Any, key: str) -> QPoint:
    index = win.collection_model.find(COLLECTION, key)
    assert index.isValid()
    return win.collection_view.visualRect(index).center()


def make_collection(win: Any, qtbot: Any, name: str) -> str:
    key = win.library.create_collection(name)
    qtbot.waitUntil(lambda: win.collection_model.find(COLLECTION, key).isValid())
    win.collection_view.expandAll()
    return key


def test_flagship_dropped_on_collection_then_hal_url_adds_nothing(empty_window: Any, qtbot: Any,
                                                                   replay: Any) -> None:
    win = empty_window
    win.settings = load_settings()
    win.transfer_controller.fetch_texts = replay
    key = make_collection(win, qtbot, "TIS")
    with qtbot.waitSignal(win.jobs.job_finished, timeout=15_000):
        assert drop(win.collection_view, text_mime(FLAGSHIP_DOI), collection_pos(win, key))
    lib = win.library
    [item_key] = lib.keys(ItemQuery(collection=key))
    item = lib.get_item(item_key)
    assert item.title == FLAGSHIP_TITLE and item.identifiers["hal"] == "inserm-03547029"
    wait_idle(qtbot, win)
    # The new item shows at once in My Library; selecting it previews its PDF.
    assert win.centre.currentWidget() is win.table
    win.collection_controller.select_collection(COLLECTION, key)
    wait_idle(qtbot, win)
    win.table.select_keys([item_key])
    assert win.pane.preview.page_count() == 1
    with qtbot.waitSignal(win.jobs.job_finished, timeout=15_000) as blocker:
        assert drop(win.table, url_mime(QUrl("https://inserm.hal.science/inserm-03547029")), QPoint(20, 20))
    job = blocker.args[0]
    assert job.result.by_status("merged") and not job.result.by_status("added")
    assert lib.count() == 1


def test_dropped_text_with_several_identifiers_lands_in_current_collection(window: Any, qtbot: Any,
                                                                            replay: Any) -> None:
    window.transfer_controller.fetch_texts = replay
    key = make_collection(window, qtbot, "Batch")
    window.collection_controller.select_collection(COLLECTION, key)
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000):
        drop(window.table, text_mime("see 10.5555/batch.1 and doi:10.5555/batch.2\n10.5555/nothing.here"),
             QPoint(10, 10))
    wait_idle(qtbot, window)
    assert window.item_model.rowCount() == 2
    job = window.jobs.model.jobs[-1]
    assert job.summary == "2 added, 0 merged, 0 unchanged, 1 failed"
    assert window.jobs_dock.isVisible()  # a failure opens the jobs panel
    assert job.can_retry
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        window.jobs.retry(job)
    assert blocker.args[0].result.failed[0].label == "doi:10.5555/nothing.here"


def test_paste_identifiers_in_the_table(window: Any, qtbot: Any, replay: Any) -> None:
    window.transfer_controller.fetch_texts = replay
    QGuiApplication.clipboard().setText("https://doi.org/10.5555/batch.7")
    window.table.setFocus()
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000):
        qtbot.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.library.resolve_key("10.5555/batch.7")


def test_add_by_identifier_dialog(window: Any, qtbot: Any, replay: Any) -> None:
    window.transfer_controller.fetch_texts = replay

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AddIdentifierDialog)
        assert not dialog.ok_button.isEnabled()
        dialog.text.setPlainText("10.5555/batch.8\n10.5555/batch.9")
        dialog.accept()

    QTimer.singleShot(0, fill)
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000):
        window.add_action.trigger()
    assert window.library.count() == 5


def test_pdf_without_identifier_becomes_an_item_with_the_file(empty_window: Any, qtbot: Any, tmp_path: Path,
                                                              replay: Any) -> None:
    pdf = tmp_path / "lab-notes.pdf"
    pdf.write_bytes(simple_pdf(["Notes on senescent fibroblasts", "no identifier in here"]))
    win = empty_window
    win.settings = load_settings()
    with qtbot.waitSignal(win.jobs.job_finished, timeout=30_000) as blocker:
        drop(win.table, url_mime(QUrl.fromLocalFile(str(pdf))), QPoint(10, 10))
    assert blocker.args[0].state == "done", blocker.args[0].lines
    [key] = win.library.keys(ItemQuery())
    item = win.library.get_item(key)
    assert item.attachments and item.notes


def test_bibliography_file_drop_asks_before_importing(window: Any, qtbot: Any, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{x, title={Senescence escape}, year={2020}}\n", encoding="utf-8")
    drop(window.table, url_mime(QUrl.fromLocalFile(str(bib))), QPoint(10, 10))
    [dialog] = window.transfer_controller.dialogs
    qtbot.waitUntil(lambda: dialog.inspection_done)
    assert dialog.rows[bib].text() == "BibTeX — 1 entry"
    assert not window.jobs.model.jobs and window.library.count() == 3  # nothing imported before the answer
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        dialog.ok_button.click()
    assert blocker.args[0].state == "done" and window.library.count() == 4


def test_unsupported_file_gets_a_message(window: Any, tmp_path: Path) -> None:
    odd = tmp_path / "figure.png"
    odd.write_bytes(b"\x89PNG")
    drop(window.table, url_mime(QUrl.fromLocalFile(str(odd))), QPoint(10, 10))
    assert any("figure.png" in box.text() for box in window.error_boxes)
    assert not window.jobs.model.jobs


def test_items_dragged_onto_a_collection_are_filed_there(window: Any, qtbot: Any) -> None:
    key = make_collection(window, qtbot, "Reviews")
    window.table.selectAll()
    rows = [window.item_model.index(r, 0) for r in range(window.item_model.rowCount())]
    mime = window.item_model.mimeData(rows)
    assert drop(window.collection_view, mime, collection_pos(window, key))
    qtbot.waitUntil(lambda: window.library.count(ItemQuery(collection=key)) == 3)
    # Our own rows dropped back on the table do nothing.
    assert not drop(window.table, mime, QPoint(10, 10))
    wait_idle(qtbot, window)
