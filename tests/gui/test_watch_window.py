"""The window's side of the watch and of preprints: the Inbox with its count, watches run from Tools, and a
preprint's banner that updates it to its published version (in a worker, undoable from the CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.core.library import Library
from senref.core.model import Item
from senref.gui.workers.processes import ProcessWorker
from tests.gui.conftest import wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]
WATCH = Path(__file__).resolve().parents[1] / "fixtures" / "watch"


def tree_texts(window: Any) -> list[str]:
    model = window.collection_model
    root = model.index(0, 0)
    return [model.index(r, 0, root).data() for r in range(model.rowCount(root))]


def test_watches_run_from_tools_fill_the_inbox_and_it_shows_its_count(window: Any, qtbot: Any,
                                                                     httpserver: HTTPServer) -> None:
    def search(request: Request) -> Response:
        page = "europepmc_search_page1.json" if request.args.get("cursorMark") == "*" else "europepmc_search_page2.json"
        return Response((WATCH / page).read_bytes(), content_type="application/json")
    httpserver.expect_request("/search").respond_with_handler(search)
    window.settings.urls["europepmc"] = httpserver.url_for("").rstrip("/")
    assert window.watch_controller.watch_action in window.menuBar().actions()[-2].menu().actions()
    with qtbot.waitSignal(window.jobs.job_finished, timeout=60_000) as finished:
        window.watch_controller.watch_action.trigger()
    job = finished.args[0]
    assert isinstance(job.worker, ProcessWorker) and job.state == "done", job.lines
    assert job.summary.startswith("4 new papers in the Inbox")  # the flagship is not in this library
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: "Inbox (4)" in tree_texts(window), timeout=10_000)
    assert window.watch_controller.run_now() is not None  # a second run is allowed once the first is done
    qtbot.waitUntil(lambda: not any(j.active for j in window.jobs.model.jobs), timeout=60_000)
    assert "Inbox (4)" in tree_texts(window)  # the second run added nothing


def test_a_preprint_banner_updates_it_to_its_article(window: Any, qtbot: Any, gui_library: Library) -> None:
    preprint = Item(item_type="preprint", fields={"title": "A TIS preprint", "citationKey": "okafor2024tis"})
    preprint.set_identifier("doi", "10.1101/2024.01.01.000001")
    preprint.extras["versions"] = {"published": [{"doi": "10.1111/acel.1", "source": "crossref",
                                                  "journal": "Aging Cell"}]}
    key = gui_library.save_item(preprint, tag=False).key
    gui_library.add_note(key, "<p>my reading notes</p>")
    article = gui_library.find_by_identifier("doi", "10.1111/acel.1")
    wait_idle(qtbot, window)
    window.search_box.setText("preprint")
    window.browse_controller.apply_search_now()
    qtbot.waitUntil(lambda: window.item_model.rowCount() == 1, timeout=10_000)
    window.table.select_keys([key], current=key)
    banner = window.pane.header.versions
    qtbot.waitUntil(banner.isVisible, timeout=10_000)
    assert "Published in Aging Cell as 10.1111/acel.1" in banner.text()
    assert banner.textFormat() == Qt.TextFormat.RichText
    with qtbot.waitSignal(window.jobs.job_finished, timeout=60_000) as finished:
        banner.linkActivated.emit(f"update:{key}")
    assert finished.args[0].state == "done", finished.args[0].lines
    moved = gui_library.get_item(article)
    assert [n.html for n in moved.notes] == ["<p>my reading notes</p>"]
    assert moved.fields["citationKey"] == "okafor2024tis"
    wait_idle(qtbot, window)
    window.table.select_keys([key], current=key)
    qtbot.waitUntil(lambda: "Updated to its published version" in banner.text(), timeout=10_000)


def test_the_citations_column_shows_openalex_counts(window: Any, qtbot: Any, gui_library: Library) -> None:
    from senref.gui.models.item_table import COL_CITED, COLUMNS

    key = gui_library.find_by_identifier("doi", "10.1111/acel.1")
    gui_library.edit_items([key], lambda item: item.extras.update(
        cited_by_count={"count": 42, "source": "openalex", "checked": "2026-12-01"}) or True)
    wait_idle(qtbot, window)
    model = window.item_model
    assert COLUMNS[COL_CITED][0] == "Citations" and window.table.horizontalHeader().isSectionHidden(COL_CITED)
    qtbot.waitUntil(lambda: "42" in [model.index(r, COL_CITED).data() for r in range(model.rowCount())],
                    timeout=10_000)
    assert sorted(model.index(r, COL_CITED).data() for r in range(model.rowCount())) == ["", "", "42"]
