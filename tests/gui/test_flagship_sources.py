"""The flagship paper added through the real sources (senref.sources.add.add_texts over HTTP to local
services answering as the real ones do), dropped on a collection of the real window."""

from __future__ import annotations

from typing import Any

import pytest

from senref.core.settings import load_settings
from senref.storage.queries import ItemQuery
from tests.gui.conftest import wait_idle
from tests.gui.test_drops import collection_pos, drop, make_collection, text_mime, url_mime

# The local services of the sources tests, used as they are (fixtures imported, not copied).
from tests.sources.conftest import flagship, fx, pdf, service_env  # noqa: F401 - pytest fixtures

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

FLAGSHIP_DOI = "10.1093/jnci/djab064"
FLAGSHIP_HAL_URL = "https://inserm.hal.science/inserm-03547029"


def test_flagship_doi_then_hal_page_through_the_real_sources(flagship: Any, empty_window: Any,  # noqa: F811
                                                              qtbot: Any) -> None:
    from PySide6.QtCore import QUrl

    win = empty_window
    win.settings = load_settings()  # the service addresses the fixture put in the environment
    assert win.transfer_controller.fetch_texts is None  # the window's own default: senref.sources.add.add_texts
    key = make_collection(win, qtbot, "TIS")
    with qtbot.waitSignal(win.jobs.job_finished, timeout=30_000) as blocker:
        assert drop(win.collection_view, text_mime(FLAGSHIP_DOI), collection_pos(win, key))
    assert blocker.args[0].state == "done", blocker.args[0].details
    wait_idle(qtbot, win)
    with qtbot.waitSignal(win.jobs.job_finished, timeout=30_000) as blocker:
        assert drop(win.collection_view, url_mime(QUrl(FLAGSHIP_HAL_URL)), collection_pos(win, key))
    assert blocker.args[0].state == "done", blocker.args[0].details
    wait_idle(qtbot, win)
    lib = win.library
    assert lib.count() == 1
    [item_key] = lib.keys(ItemQuery(collection=key))
    item = lib.get_item(item_key)
    assert item.identifiers["doi"] == FLAGSHIP_DOI and item.identifiers["hal"] == "inserm-03547029"
    # Topic tags from the tagger, with their evidence.
    automatic = [tag.tag for tag in item.tags if tag.type]
    assert automatic and item.extras.get("topicEvidence")
    assert any(name.startswith("TIS") for name in automatic)
    # Selected in its collection, the pane previews the PDF fetched from HAL and lists the tags.
    win.collection_controller.select_collection("collection", key)
    wait_idle(qtbot, win)
    win.table.select_keys([item_key])
    qtbot.waitUntil(lambda: win.pane.item is not None and win.pane.item.key == item_key)
    assert win.pane.preview.page_count() == 1
    assert any(a.content_type == "application/pdf" for a in item.attachments)
