"""A job whose works failed says so: in its state column (state word first), in the status bar, with a
notice that opens the jobs panel on it; Retry Failed needs no selected job and re-runs only what failed."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from pytest_httpserver import HTTPServer

from senref.core.settings import load_settings
from tests.gui.conftest import wait_idle
from tests.gui.test_drops import drop, text_mime
from tests.gui.test_import_files import FIXTURES, import_dropped

# Every source address on the local server (the fixture is shared with the sources tests, not copied).
from tests.sources.conftest import service_env  # noqa: F401 - pytest fixture

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def state_cell(win: Any, job: Any) -> str:
    model = win.jobs.model
    return str(model.index(model.jobs.index(job), 1).data())


def assert_each_line_once(lines: list[str]) -> None:
    """Outcome lines are unique; their indented reasons ("    no PDF: …") may repeat under different works."""
    repeated = [line for line, n in Counter(line for line in lines if line[:1].strip()).items() if n > 1]
    assert not repeated, repeated


@pytest.mark.parametrize("text", ["10.9999/no.such.work", "no identifier in this sentence"])
def test_a_failed_add_says_failed_everywhere(empty_window: Any, qtbot: Any, httpserver: HTTPServer,
                                             service_env: Any, text: str) -> None:  # noqa: F811
    httpserver.expect_request(re.compile(".*")).respond_with_data("Resource not found.", status=404)
    win = empty_window
    win.transfer_controller.settings = load_settings()  # the local addresses service_env set
    with qtbot.waitSignal(win.jobs.job_finished, timeout=30_000) as blocker:
        drop(win.table, text_mime(text), QPoint(10, 10))
    job = blocker.args[0]
    assert job.result.failed and win.library.count() == 0
    assert state_cell(win, job).startswith("failed: 1 of 1")
    assert "failed: 1 of 1" in win.statusBar().currentMessage()
    notice = win.job_status
    assert notice.notice.isVisible() and notice.show_button.text() == "1 job failed — Show"
    # Retry Failed is there before anyone picks the job.
    assert not win.jobs_panel.table.selectionModel().selectedRows()
    assert win.jobs_panel.retry_button.isEnabled() and notice.retry_button.isVisible()
    win.jobs_dock.hide()
    notice.show_button.click()
    assert win.jobs_dock.isVisible() and win.jobs_panel.selected_job() is job
    assert not notice.notice.isVisible()  # opened: the notice has done its work
    log = win.jobs_panel.log.toPlainText().splitlines()
    assert any(line.startswith("failed") for line in log)
    assert_each_line_once(log)


def test_partly_failed_batch_retries_only_the_failed_work_from_the_status_bar(window: Any, qtbot: Any,
                                                                            replay: Any) -> None:
    window.transfer_controller.fetch_texts = replay
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        drop(window.table, text_mime("10.5555/batch.1 and 10.5555/batch.2\n10.5555/nothing.here"), QPoint(10, 10))
    wait_idle(qtbot, window)
    job = blocker.args[0]
    assert job.state == "done" and window.library.count() == 5
    assert state_cell(window, job).startswith("partly failed: 1 of 3")
    assert "partly failed: 1 of 3" in window.statusBar().currentMessage()
    assert window.job_status.show_button.text() == "1 job partly failed — Show"
    # Progress told each work as it finished, the report lists them again: the job keeps one line each.
    assert_each_line_once(job.lines)
    assert len([line for line in job.lines if line.startswith(("added", "failed"))]) == 3
    window.jobs_panel.table.selectRow(0)
    assert_each_line_once(window.jobs_panel.log.toPlainText().splitlines())
    window.jobs_panel.table.clearSelection()

    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        window.job_status.retry_button.click()
    retry = blocker.args[0]
    assert replay.asked[-1] == ["doi:10.5555/nothing.here"]  # only the failed work, fetched again
    assert [o.label for o in retry.result.outcomes] == ["doi:10.5555/nothing.here"]
    assert window.library.count() == 5
    assert job.retried and job not in window.jobs.failed_jobs()
    # The retry failed again, wholly this time: a fresh notice for it, the old one gone.
    assert state_cell(window, retry).startswith("failed: 1 of 1")
    assert window.job_status.pending == [retry]


def test_jobs_panel_retry_needs_no_selection(window: Any, qtbot: Any, replay: Any) -> None:
    window.transfer_controller.fetch_texts = replay
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000):
        drop(window.table, text_mime("10.5555/batch.3\n10.5555/missing.one"), QPoint(10, 10))
    panel = window.jobs_panel
    assert panel.selected_job() is None and panel.retry_button.isEnabled()
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        panel.retry_button.click()
    assert [o.label for o in blocker.args[0].result.outcomes] == ["doi:10.5555/missing.one"]
    assert replay.calls == 2
    # Each failure is retried once from here; the new failure is what the button offers now.
    assert window.jobs.failed_jobs() == [blocker.args[0]]


def test_successful_add_raises_no_notice(window: Any, qtbot: Any, replay: Any) -> None:
    window.transfer_controller.fetch_texts = replay
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        drop(window.table, text_mime("10.5555/batch.4"), QPoint(10, 10))
    job = blocker.args[0]
    assert state_cell(window, job).startswith("done: 1 added")
    assert "failed:" not in window.statusBar().currentMessage()
    assert not window.job_status.notice.isVisible() and not window.jobs_panel.retry_button.isEnabled()
    assert_each_line_once(job.lines)


def test_import_with_skipped_entries_is_partly_failed_without_retry(empty_window: Any, qtbot: Any) -> None:
    win = empty_window
    _dialog, job = import_dropped(win, qtbot, FIXTURES / "malformed.bib")
    assert state_cell(win, job).startswith("partly failed: 2 of 4")
    assert win.job_status.notice.isVisible() and not win.job_status.retry_button.isVisible()
    assert not win.jobs_panel.retry_button.isEnabled()  # an import has no "retry what failed"
