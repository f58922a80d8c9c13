"""Zotero sync from the window (issue 17): the connect dialog, the toolbar's sync job, the conflict notice and dialog,
against the in-memory Web API server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.core.settings import settings_from
from senref.gui.controllers.zotero import sync_minutes
from senref.gui.workers.processes import ProcessWorker
from tests.gui.conftest import SAMPLE, _open, add_items
from tests.zotero.webapi_server import ZoteroServer

KEY, USER = "KEYANA", 1
LIBRARY = f"/users/{USER}"
JOB_MS = 60_000  # a worker process starts, then the sync makes a few dozen requests

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


@pytest.fixture
def server() -> Iterator[ZoteroServer]:
    server = ZoteroServer().start()
    server.add_key(KEY, user_id=USER, username="ana")
    yield server
    server.stop()


@pytest.fixture
def zwindow(qtbot: Any, gui_library: Library, server: ZoteroServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The window on the three SAMPLE items, its settings aimed at the local server (set before they load)."""
    monkeypatch.setenv("SENREF_ZOTERO_API_URL", server.url)
    add_items(gui_library, SAMPLE)
    yield from _open(qtbot, gui_library)


def connect_through_dialog(qtbot: Any, win: Any, key: str) -> Any:
    dialog = win.zotero_controller.open_connect()
    dialog.key.setText(key)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    return dialog


def sync(qtbot: Any, win: Any) -> Any:
    """Sync with the toolbar action; the finished job."""
    qtbot.waitUntil(win.zotero_sync_action.isEnabled, timeout=10_000)
    win.zotero_sync_action.trigger()
    job = win.jobs.model.jobs[-1]
    assert job.title == "Sync with Zotero"
    qtbot.waitUntil(lambda: not job.active, timeout=JOB_MS)
    assert job.state == "done", (job.summary, job.lines)
    return job


def test_connect_dialog_shows_the_connection_and_enables_sync(qtbot: Any, zwindow: Any) -> None:
    assert not zwindow.zotero_sync_action.isEnabled()
    dialog = connect_through_dialog(qtbot, zwindow, KEY)
    assert "not connected" not in dialog.current.text()
    assert f"users/{USER}" in dialog.current.text() and "ana" in dialog.current.text()
    assert "write" in dialog.answer.text() and not dialog.answer.property("problem")
    assert dialog.key.echoMode() == dialog.key.EchoMode.Password and not dialog.key.text()
    assert zwindow.zotero_sync_action.isEnabled()


def test_a_refused_key_is_shown_in_the_dialog(qtbot: Any, zwindow: Any) -> None:
    dialog = connect_through_dialog(qtbot, zwindow, "NOT-A-KEY")
    assert dialog.answer.property("problem") and "refused" in dialog.answer.text()
    assert "not connected" in dialog.current.text()
    assert not zwindow.zotero_sync_action.isEnabled()
    assert dialog.connect_button.isEnabled()  # the user may try another key


def test_a_group_needs_its_id(qtbot: Any, zwindow: Any, server: ZoteroServer) -> None:
    server.add_group(100, owner=USER)
    dialog = zwindow.zotero_controller.open_connect()
    dialog.key.setText(KEY)
    dialog.group.setChecked(True)
    assert not dialog.connect_button.isEnabled()
    dialog.group_id.setText("100")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert "groups/100" in dialog.current.text(), dialog.answer.text()


def test_toolbar_sync_uploads_the_items_from_a_worker_process(qtbot: Any, zwindow: Any, server: ZoteroServer) -> None:
    connect_through_dialog(qtbot, zwindow, KEY)
    job = sync(qtbot, zwindow)
    assert isinstance(job.worker, ProcessWorker)
    titles = {obj.data.get("title") for obj in server.library(LIBRARY).items.values()}
    assert titles >= {spec["title"] for spec in SAMPLE}
    assert "3 uploaded" in job.summary
    assert not zwindow.zotero_controller.notice.isVisible()


def test_a_conflict_is_shown_decided_and_the_next_sync_converges(qtbot: Any, zwindow: Any,
                                                                 server: ZoteroServer) -> None:
    connect_through_dialog(qtbot, zwindow, KEY)
    sync(qtbot, zwindow)
    library = zwindow.library
    key = library.keys(ItemQuery())[0]
    remote = server.library(LIBRARY).items[key]
    answer = requests.patch(f"{server.url}{LIBRARY}/items/{key}", json={"title": "Retitled in Zotero"},
                            headers={"Zotero-API-Key": KEY, "Zotero-API-Version": "3",
                                     "If-Unmodified-Since-Version": str(remote.version)}, timeout=10)
    assert answer.status_code == 204, answer.text
    mine = library.get_item(key)
    mine.fields["title"] = "Retitled here"
    library.update_item(mine, tag=False)

    sync(qtbot, zwindow)
    controller = zwindow.zotero_controller
    qtbot.waitUntil(controller.notice.isVisible)
    assert controller.notice.text().startswith("⚠ 1 Zotero conflict —")
    qtbot.mouseClick(controller.notice, Qt.MouseButton.LeftButton)
    dialog = controller.conflicts_dialog
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    assert table.rowCount() == 1
    assert [table.item(0, col).text() for col in range(4)] == ["Retitled here", "Title", "Retitled here",
                                                               "Retitled in Zotero"]
    keep_theirs = table.cellWidget(0, 4).findChild(QPushButton, "keep_remote")
    qtbot.mouseClick(keep_theirs, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: table.rowCount() == 0 and not controller.notice.isVisible())
    assert library.get_item(key).title == "Retitled in Zotero"

    job = sync(qtbot, zwindow)
    assert not job.result.conflicts and not controller.conflicts
    assert server.library(LIBRARY).items[key].data["title"] == "Retitled in Zotero"
    version = server.library(LIBRARY).version
    sync(qtbot, zwindow)
    assert server.library(LIBRARY).version == version  # nothing left to send: converged
    assert library.get_item(key).title == "Retitled in Zotero"


def test_decisions_wait_while_a_sync_runs(qtbot: Any, zwindow: Any, server: ZoteroServer) -> None:
    connect_through_dialog(qtbot, zwindow, KEY)
    controller = zwindow.zotero_controller
    dialog = controller.open_conflicts()
    server.latency = 0.3  # the sync below stays running while the dialog is looked at
    zwindow.zotero_sync_action.trigger()
    job = zwindow.jobs.model.jobs[-1]
    qtbot.waitUntil(lambda: "Wait for the running sync" in dialog.intro.text())
    assert not zwindow.zotero_sync_action.isEnabled()  # one sync at a time
    zwindow.jobs.cancel(job)
    qtbot.waitUntil(lambda: not job.active, timeout=JOB_MS)
    assert job.state == "cancelled"
    qtbot.waitUntil(lambda: "Wait" not in dialog.intro.text() and zwindow.zotero_sync_action.isEnabled())


def test_the_interval_starts_a_sync_when_due_and_never_two(qtbot: Any, zwindow: Any) -> None:
    connect_through_dialog(qtbot, zwindow, KEY)
    controller = zwindow.zotero_controller
    controller.on_tick()
    assert not zwindow.jobs.model.jobs  # [zotero] sync_minutes is 0 by default: no interval
    zwindow.settings.zotero_sync_minutes = 5
    controller.on_tick()
    assert not zwindow.jobs.model.jobs  # not due yet
    controller.last_sync = time.monotonic() - 5 * 60
    controller.on_tick()
    controller.on_tick()
    assert [j.title for j in zwindow.jobs.model.jobs] == ["Sync with Zotero"]
    job = zwindow.jobs.model.jobs[-1]
    qtbot.waitUntil(lambda: not job.active, timeout=JOB_MS)
    assert job.state == "done", job.lines


@pytest.mark.parametrize(("raw", "minutes"), [({}, 0), ({"zotero": {"sync_minutes": 15}}, 15),
                                              ({"zotero": {"sync_minutes": -3}}, 0),
                                              ({"zotero": {"sync_minutes": "15"}}, 0),
                                              ({"zotero": {"sync_minutes": True}}, 0), ({"zotero": 5}, 0)])
def test_sync_minutes_reads_the_zotero_table(raw: dict[str, Any], minutes: int) -> None:
    assert sync_minutes(settings_from(raw, env={})) == minutes


def test_the_interval_is_set_in_settings_and_saved(qtbot: Any, zwindow: Any, tmp_path: Any) -> None:
    from senref.core.settings import load_settings, save_settings
    from senref.gui.dialogs.settings_dialog import SettingsDialog

    settings = zwindow.settings
    dialog = SettingsDialog(settings, [], str(zwindow.library.folder), zwindow)
    qtbot.addWidget(dialog)
    assert dialog.zotero_minutes.value() == 0 and dialog.zotero_minutes.text() == "only when asked"
    dialog.zotero_minutes.setValue(30)
    dialog.apply_to(settings, str(zwindow.library.folder))
    save_settings(settings)
    assert load_settings().zotero_sync_minutes == 30
    assert sync_minutes(load_settings()) == 30
