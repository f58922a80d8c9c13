"""Sync set up and run from the window: Keep in Sync… menus, the Sync panel's buttons, conflicts the user sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QStandardItemModel
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton

from senref.core.library import Library
from senref.gui.dialogs.export_dialog import KEPT_IN_SYNC
from senref.gui.dialogs.sync_conflicts_dialog import COL_FIELD, COL_FILE, COL_KEEP, COL_LIBRARY
from senref.gui.models.collection_tree import COLLECTION_KEY_ROLE
from senref.sync.targets import Scope, Target
from tests.gui.conftest import wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where targets go: outside the library folder, as the target rules require."""
    folder = tmp_path / "papers"
    folder.mkdir()
    return folder


@pytest.fixture
def filed(window: Any, qtbot: Any) -> str:
    """A collection "Radiation" holding the two SAMPLE items tagged radiation, shown in the tree."""
    lib: Library = window.library

    def build() -> str:
        key = lib.create_collection("Radiation")
        for item in list(lib.iter_items()):
            if "radiation" in {t.tag for t in item.tags}:
                lib.save_item(item, collections=[key])
        return key
    keys: list[str] = []
    window.write(lambda: keys.append(build()))
    qtbot.waitUntil(lambda: bool(keys) and _tree_index(window.collection_model, keys[0]).isValid(), timeout=10_000)
    wait_idle(qtbot, window)
    return keys[0]


def _tree_index(model: QStandardItemModel, key: str) -> QModelIndex:
    pending = [model.index(0, 0)]
    while pending:
        index = pending.pop()
        if index.data(COLLECTION_KEY_ROLE) == key:
            return index
        pending.extend(model.index(row, 0, index) for row in range(model.rowCount(index)))
    return QModelIndex()


def _trigger(menu: QMenu, text: str) -> None:
    action = next((a for a in menu.actions() if a.text() == text), None)
    assert action is not None, [a.text() for a in menu.actions()]
    action.trigger()


def _keep_in_sync_from_collection(win: Any, qtbot: Any, key: str, path: Path, format_label: str = "BibTeX") -> Target:
    _trigger(win.context_menus.collection_menu(_tree_index(win.collection_model, key)), "Keep in Sync…")
    dialog = win.sync_controller.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.scope() == Scope("collection", key, False)  # pre-filled from the row
    dialog.format.setCurrentIndex(dialog.format.findText(format_label))
    dialog.path.setText(str(path))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    targets: list[Target] = win.sync_service.targets()
    assert len(targets) == 1
    return targets[0]


def _wait_written(win: Any, qtbot: Any, target: Target) -> None:
    def done() -> None:
        assert win.sync_service.engine.state(target.id).state == "ok"
        assert not win.sync_service.busy()
    qtbot.waitUntil(done, timeout=10_000)


def _title(lib: Library, key: str) -> str:
    return lib.get_item(key).title


def _radiation_keys(lib: Library, collection: str) -> list[str]:
    return [key for key, _version in lib.key_versions(Scope("collection", collection).query())]


def test_collection_menu_target_writes_its_file_and_a_hand_edit_comes_back(window: Any, qtbot: Any, filed: str,
                                                                           out_dir: Path) -> None:
    win = window
    path = out_dir / "radiation.bib"
    target = _keep_in_sync_from_collection(win, qtbot, filed, path)
    assert target.format == "bibtex" and Path(target.path) == path
    qtbot.waitUntil(path.exists, timeout=10_000)  # the first export runs at once
    _wait_written(win, qtbot, target)
    text = path.read_text(encoding="utf-8")
    assert "navitoclax" in text and "biomarker" in text.lower() and "Doxorubicin" not in text

    path.write_text(text.replace("clears irradiated", "removes irradiated"), encoding="utf-8")
    key = next(k for k in _radiation_keys(win.library, filed) if "navitoclax" in _title(win.library, k))
    qtbot.waitUntil(lambda: "removes irradiated" in _title(win.library, key), timeout=10_000)


def test_a_conflict_shows_a_notice_and_the_dialog_resolves_it(window: Any, qtbot: Any, filed: str,
                                                              out_dir: Path) -> None:
    win = window
    path = out_dir / "radiation.bib"
    target = _keep_in_sync_from_collection(win, qtbot, filed, path)
    _wait_written(win, qtbot, target)
    notice = win.sync_controller.notice
    assert not notice.isVisible() and not win.sync_dock.isVisible()

    # Both sides edit the same title while syncing is paused, so neither reaches the other first.
    win.sync_panel.pause_all.setChecked(True)
    lib = win.library
    key = next(k for k in _radiation_keys(lib, filed) if "navitoclax" in _title(lib, k))

    def edit_library() -> None:
        item = lib.get_item(key)
        item.fields["title"] = "Navitoclax retitled in the library"
        lib.update_item(item)
    win.write(edit_library)
    wait_idle(qtbot, win)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("clears irradiated", "clears irradiated (file)"), encoding="utf-8")
    with qtbot.waitSignal(win.sync_service.conflicts_found, timeout=10_000) as found:
        win.sync_panel.pause_all.setChecked(False)
        win.sync_service.sync_now(target.id)
    assert found.args == [target.id, 1]

    qtbot.waitUntil(notice.isVisible)
    assert "1 sync conflict" in notice.text()
    assert win.sync_dock.isVisible() and "conflict" in win.sync_dock.windowTitle()
    assert "conflict" in win.statusBar().currentMessage()
    assert path.read_text(encoding="utf-8").count("(file)") == 1  # the file is left as it is

    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton)
    dialog = win.sync_controller.conflicts_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, COL_FIELD).text() == "Title"
    assert dialog.table.item(0, COL_LIBRARY).text() == "Navitoclax retitled in the library"
    assert "(file)" in dialog.table.item(0, COL_FILE).text()
    keep_file = dialog.table.cellWidget(0, COL_KEEP).findChild(QPushButton, "keep_file")
    qtbot.mouseClick(keep_file, Qt.MouseButton.LeftButton)

    assert not notice.isVisible() and dialog.table.rowCount() == 0
    assert "conflict" not in win.sync_dock.windowTitle()
    qtbot.waitUntil(lambda: "(file)" in _title(lib, key), timeout=10_000)
    _wait_written(win, qtbot, target)


def test_pause_stops_writes_and_resume_writes_again(window: Any, qtbot: Any, filed: str, out_dir: Path) -> None:
    win = window
    path = out_dir / "radiation.ris"
    target = _keep_in_sync_from_collection(win, qtbot, filed, path, "RIS")
    _wait_written(win, qtbot, target)
    panel = win.sync_panel
    panel.table.selectRow(0)
    assert panel.pause_button.isEnabled() and panel.pause_button.text() == "Pause"
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    assert panel.pause_button.text() == "Resume" and not panel.sync_button.isEnabled()
    before = path.read_bytes()
    key = _radiation_keys(win.library, filed)[0]

    def edit() -> None:
        item = win.library.get_item(key)
        item.fields["title"] = "Written while paused"
        win.library.update_item(item)
    win.write(edit)
    wait_idle(qtbot, win)
    win.sync_service.sync_now(target.id)  # a sync attempt on a paused target records "paused", writes nothing
    qtbot.waitUntil(lambda: win.sync_service.engine.state(target.id).state == "paused"
                    and not win.sync_service.busy(), timeout=10_000)
    assert path.read_bytes() == before

    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Written while paused" in path.read_text(encoding="utf-8"), timeout=10_000)


def test_remove_asks_and_leaves_the_file_and_open_folder_opens_its_folder(
        window: Any, qtbot: Any, filed: str, out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    win = window
    path = out_dir / "radiation.bib"
    target = _keep_in_sync_from_collection(win, qtbot, filed, path)
    _wait_written(win, qtbot, target)
    panel = win.sync_panel
    assert not panel.remove_button.isEnabled() and not panel.folder_button.isEnabled()  # nothing selected
    panel.table.selectRow(0)

    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True
    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    qtbot.mouseClick(panel.folder_button, Qt.MouseButton.LeftButton)
    assert [Path(u.toLocalFile()) for u in opened] == [out_dir.resolve()]

    asked: list[str] = []

    def answer(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if len(asked) == 1 else QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert len(win.sync_service.targets()) == 1  # cancelled
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert "stays on disk" in asked[-1]
    assert win.sync_service.targets() == [] and panel.table.rowCount() == 0
    assert path.exists() and "navitoclax" in path.read_text(encoding="utf-8")


def test_edit_changes_scope_in_place_and_a_new_file_becomes_a_new_target(window: Any, qtbot: Any, filed: str,
                                                                         out_dir: Path) -> None:
    win = window
    path = out_dir / "radiation.bib"
    target = _keep_in_sync_from_collection(win, qtbot, filed, path)
    _wait_written(win, qtbot, target)
    panel = win.sync_panel
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = win.sync_controller.dialog
    assert dialog.path.text() == str(path) and dialog.format_name() == "bibtex"
    dialog.scope_kind.setCurrentIndex(dialog.scope_kind.findData("library"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [t.id for t in win.sync_service.targets()] == [target.id]  # same file: same target
    qtbot.waitUntil(lambda: "Doxorubicin" in path.read_text(encoding="utf-8"), timeout=10_000)
    _wait_written(win, qtbot, target)

    panel.table.selectRow(0)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = win.sync_controller.dialog
    dialog.format.setCurrentIndex(dialog.format.findData("csljson"))
    assert dialog.path.text().endswith("radiation.json")  # the extension follows the format
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    new_path = out_dir / "radiation.json"
    qtbot.waitUntil(new_path.exists, timeout=10_000)
    (new,) = win.sync_service.targets()
    assert new.id != target.id and new.format == "csljson" and new.scope == Scope()
    assert path.exists()  # the old file stays, as after Remove


def test_tag_search_and_library_menus_prefill_their_scope(window: Any, qtbot: Any) -> None:
    win = window
    _trigger(win.tag_selector.tag_menu("radiation"), "Keep in Sync…")
    assert win.sync_controller.dialog.scope() == Scope("tag", "radiation")
    assert win.sync_controller.dialog.path.text().endswith("radiation.bib")
    win.sync_controller.dialog.reject()

    _trigger(win.context_menus.collection_menu(win.collection_model.library_index()), "Keep in Sync…")
    assert win.sync_controller.dialog.scope() == Scope()
    win.sync_controller.dialog.reject()

    win.search_box.setText("senescence")
    menu = win.context_menus.table_menu()
    _trigger(menu, "Keep Search “senescence” in Sync…")
    assert win.sync_controller.dialog.scope() == Scope("search", "senescence")


def test_a_refused_target_keeps_the_dialog_open_with_the_reason(window: Any, qtbot: Any) -> None:
    win = window
    _trigger(win.context_menus.collection_menu(win.collection_model.library_index()), "Keep in Sync…")
    dialog = win.sync_controller.dialog
    dialog.path.setText(str(win.library.folder / "inside.bib"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "inside the library folder" in dialog.problem.text()
    assert win.sync_service.targets() == []


def test_export_dialog_keep_in_sync_makes_a_target_instead_of_a_one_off_export(window: Any, qtbot: Any,
                                                                                filed: str, out_dir: Path) -> None:
    win = window
    _trigger(win.context_menus.collection_menu(_tree_index(win.collection_model, filed)), "Export Collection…")
    dialog = win.context_menus.export_dialog
    assert dialog is not None and "Radiation" in dialog.windowTitle()
    dialog.format.setCurrentIndex(dialog.format.findData("ris"))
    path = out_dir / "radiation.ris"
    dialog.path.setText(str(path))
    assert dialog.keep_in_sync.isVisible() and dialog.keep_in_sync.isEnabled()
    dialog.keep_in_sync.setChecked(True)
    jobs_before = win.jobs.model.rowCount()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == KEPT_IN_SYNC
    (target,) = win.sync_service.targets()
    assert target.format == "ris" and target.scope == Scope("collection", filed, False)
    _wait_written(win, qtbot, target)
    assert "navitoclax" in path.read_text(encoding="utf-8")
    assert win.jobs.model.rowCount() == jobs_before  # no export job raced the target's first write
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    assert not dialog.keep_in_sync.isEnabled()  # senref JSON is not a sync format


def test_last_success_reads_as_a_local_time() -> None:
    from datetime import datetime

    from senref.gui.sync_panel import readable_time

    local = datetime.now().astimezone().tzinfo
    now = datetime(2026, 12, 1, 15, 0, tzinfo=local)

    def at(*parts: int) -> str:
        return datetime(*parts, tzinfo=local).isoformat()
    assert readable_time("") == "never"
    assert readable_time(at(2026, 12, 1, 13, 50, 12), now) == "13:50"
    assert readable_time(at(2026, 11, 30, 13, 50, 12), now) == "30 Nov 13:50"
    assert readable_time(at(2025, 11, 30, 13, 50, 12), now) == "30 Nov 2025"
    assert readable_time("not a time") == "not a time"
