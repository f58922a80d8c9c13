"""Tools > Check for Retractions and Corrections: a worker-process job whose finding reaches the table and the pane."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.gui.models.item_table import COL_INTEGRITY
from senref.gui.workers.processes import ProcessWorker
from tests.gui.conftest import wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

RETRACTED_DOI = "10.1111/acel.1"  # SAMPLE's first item (tests/gui/conftest.py)


def serve_crossref(server: HTTPServer) -> None:
    """Our own Crossref-shaped answers: the first sample work retracted (a Retraction Watch entry), others clean."""
    def work(doi: str) -> dict[str, Any]:
        found: dict[str, Any] = {"DOI": doi, "type": "journal-article", "title": ["A sample work"]}
        if doi == RETRACTED_DOI:
            found["updated-by"] = [{"DOI": "10.1111/acel.retraction", "type": "retraction", "source": "retraction-watch",
                                    "label": "Retraction", "updated": {"date-parts": [[2024, 3, 1]]}}]
        return found

    def works(request: Request) -> Response:
        wanted = request.args.get("filter", "")
        if wanted.startswith("updates:"):
            return Response(json.dumps({"status": "ok", "message": {"items": [], "total-results": 0}}),
                            content_type="application/json")
        if wanted.startswith("doi:"):  # the batch check: a works list
            items = [work(d.removeprefix("doi:").lower()) for d in wanted.split(",")]
            return Response(json.dumps({"status": "ok", "message": {"items": items, "total-results": len(items)}}),
                            content_type="application/json")
        one = work(request.path.split("/works/", 1)[1].lower())
        return Response(json.dumps({"status": "ok", "message": one}), content_type="application/json")
    server.expect_request(re.compile(r"^/works.*")).respond_with_handler(works)


def test_the_check_runs_in_a_worker_and_a_retraction_shows(window: Any, qtbot: Any, httpserver: HTTPServer) -> None:
    serve_crossref(httpserver)
    window.settings.urls["crossref"] = httpserver.url_for("").rstrip("/")
    with qtbot.waitSignal(window.jobs.job_finished, timeout=60_000) as finished:
        window.integrity_action.trigger()
    job = finished.args[0]
    assert isinstance(job.worker, ProcessWorker) and job.state == "done", job.lines
    assert job.summary.startswith("1 newly retracted item (3 checked")
    wait_idle(qtbot, window)
    model = window.item_model
    rows = {model.index(r, 0).data(): model.index(r, COL_INTEGRITY).data() for r in range(model.rowCount())}
    assert rows["Senolytic navitoclax clears irradiated cells"] == "Retracted"
    assert list(rows.values()).count("") == 2


def test_the_schedule_checks_when_due_and_never_twice_at_once(window: Any, qtbot: Any, httpserver: HTTPServer) -> None:
    from senref.gui.controllers.integrity import LAST_RUN, is_integrity_check
    from senref.gui.gui_settings import window_settings

    serve_crossref(httpserver)
    window.settings.urls["crossref"] = httpserver.url_for("").rstrip("/")
    controller = window.integrity_controller
    controller.on_tick()
    assert not any(is_integrity_check(j) for j in window.jobs.model.jobs)  # [integrity] check_days is 0: off
    window.settings.integrity_check_days = 7
    window_settings().setValue(LAST_RUN, 0)
    controller.on_tick()
    controller.on_tick()  # the first is still running: no second one
    checks = [j for j in window.jobs.model.jobs if is_integrity_check(j)]
    assert len(checks) == 1
    qtbot.waitUntil(lambda: not checks[0].active, timeout=60_000)
    controller.on_tick()  # just ran: not due for a week
    assert len([j for j in window.jobs.model.jobs if is_integrity_check(j)]) == 1
    wait_idle(qtbot, window)


def test_the_interval_is_a_setting(qtbot: Any, window: Any) -> None:
    from senref.core.settings import load_settings, save_settings
    from senref.gui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, [], str(window.library.folder), window)
    qtbot.addWidget(dialog)
    assert dialog.integrity_days.text() == "only when asked"
    dialog.integrity_days.setValue(14)
    dialog.apply_to(window.settings, str(window.library.folder))
    save_settings(window.settings)
    assert load_settings().integrity_check_days == 14
