"""The window's CPU-heavy jobs run in worker processes: results, saves, failures, cancel, crashes, shutdown."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.gui.workers.processes import ProcessWorker
from senref.gui.workers.remote import remote_job
from tests.gui import worker_jobs
from tests.gui.conftest import wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def run(qtbot: Any, window: Any, job: Any, title: str = "test job", timeout: int = 30_000) -> Any:
    with qtbot.waitSignal(window.jobs.job_finished, timeout=timeout) as blocker:
        window.jobs.submit(title, job)
    return blocker.args[0]


def test_a_job_runs_in_another_process_that_never_loads_qt(window: Any, qtbot: Any) -> None:
    job = run(qtbot, window, remote_job(window.library, worker_jobs.pid))
    assert job.state == "done" and isinstance(job.worker, ProcessWorker)
    assert job.result != os.getpid()
    assert run(qtbot, window, remote_job(None, worker_jobs.qt_modules)).result == []


def test_saves_in_the_worker_reach_the_window_as_they_happen(window: Any, qtbot: Any) -> None:
    seen: list[list[str]] = []
    window.signals.items_changed.connect(seen.append)
    job = run(qtbot, window, remote_job(window.library, worker_jobs.save_items, count=25))
    wait_idle(qtbot, window)
    assert job.state == "done" and job.done == job.total == 25
    assert sorted({k for keys in seen for k in keys}) == sorted(job.result)
    assert window.item_model.rowCount() == 3 + 25
    assert window.library.get_item(job.result[-1]).title == "Worker record 24 on senescence"
    # The job's lines are the progress it sent, each once.
    assert len([line for line in job.lines if line.startswith("added")]) == 25


def test_a_failing_job_says_why_and_the_worker_goes_on(window: Any, qtbot: Any) -> None:
    job = run(qtbot, window, remote_job(window.library, worker_jobs.fail, message="the file is not BibTeX"))
    assert job.state == "failed" and job.summary == "the file is not BibTeX"
    assert "ValueError" in job.details
    unsendable = run(qtbot, window, remote_job(None, worker_jobs.unpicklable))
    assert unsendable.state == "failed" and "could not be sent back" in unsendable.summary
    assert run(qtbot, window, remote_job(None, worker_jobs.pid)).state == "done"


def test_cancel_stops_the_worker_job_between_items(window: Any, qtbot: Any, tmp_path: Path) -> None:
    marker = tmp_path / "started"
    job = window.jobs.submit("slow", remote_job(window.library, worker_jobs.save_items, count=500, pause=0.02,
                                                stop_file=str(marker)))
    qtbot.waitUntil(marker.exists, timeout=30_000)
    with qtbot.waitSignal(window.jobs.job_finished, timeout=30_000):
        window.jobs.cancel(job)
    assert job.state == "cancelled" and len(job.result) < 500
    wait_idle(qtbot, window)
    assert window.library.count() == 3 + len(job.result)  # what was saved stays saved


def test_a_queued_job_cancelled_before_it_starts_never_runs(window: Any, qtbot: Any, tmp_path: Path) -> None:
    markers = [tmp_path / f"hang{n}" for n in range(window.jobs.processes.size)]
    hanging = [window.jobs.submit("hang", remote_job(None, worker_jobs.hang, marker=str(m))) for m in markers]
    queued = window.jobs.submit("queued", remote_job(window.library, worker_jobs.save_items, count=1))
    window.jobs.cancel(queued)
    assert queued.state == "cancelled"
    qtbot.waitUntil(lambda: all(m.exists() for m in markers), timeout=30_000)
    for process in list(window.jobs.processes.processes):
        os.kill(process.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: not any(j.active for j in hanging), timeout=30_000)
    assert window.library.count() == 3


def test_a_killed_worker_fails_its_job_keeps_the_library_and_is_replaced(window: Any, qtbot: Any,
                                                                         tmp_path: Path) -> None:
    marker = tmp_path / "started"
    job = window.jobs.submit("doomed", remote_job(window.library, worker_jobs.save_items, count=10_000, pause=0.001,
                                                  stop_file=str(marker)))
    qtbot.waitUntil(marker.exists, timeout=30_000)
    with qtbot.waitSignal(window.jobs.job_finished, timeout=30_000):
        os.kill(job.worker.process.process.pid, signal.SIGKILL)
    assert job.state == "failed" and "killed by signal 9" in job.summary
    wait_idle(qtbot, window)
    saved = window.library.count()
    assert saved >= 4  # what it committed before it died is there, whole
    reopened = Library.open(window.library.folder, create=False)
    try:
        assert reopened.count() == saved
        from senref.core.check import check_library

        assert check_library(reopened) == []
    finally:
        reopened.close()
    again = run(qtbot, window, remote_job(window.library, worker_jobs.save_items, count=2))
    assert again.state == "done" and window.library.count() == saved + 2


def test_closing_the_window_stops_its_worker_processes(qtbot: Any, gui_library: Library) -> None:
    from tests.gui.conftest import _open

    opened = _open(qtbot, gui_library)
    win = next(opened)
    job = run(qtbot, win, remote_job(win.library, worker_jobs.pid))
    processes = [p.process for p in win.jobs.processes.processes]
    assert processes and job.result == processes[0].pid
    win.close()
    for process in processes:
        process.join(10)
        assert not process.is_alive()
    next(opened, None)


def test_a_job_that_cannot_travel_fails_with_a_message(window: Any, qtbot: Any) -> None:
    job = run(qtbot, window, remote_job(window.library, worker_jobs.fail, message=lambda: None))
    assert job.state == "failed" and job.summary.startswith("this job cannot run in the background")
    assert run(qtbot, window, remote_job(None, worker_jobs.pid)).state == "done"


def test_sync_targets_are_written_by_a_worker_process(window: Any, qtbot: Any, tmp_path: Path) -> None:
    from senref.actions.sync import new_target
    from senref.sync.targets import Scope

    service = window.sync_service
    target = service.add_target(new_target(path=str(tmp_path / "library.bib"), format_name="bibtex",
                                           scope=Scope("library")))
    qtbot.waitUntil(lambda: (tmp_path / "library.bib").exists() and not service.busy(), timeout=30_000)
    assert "Senolytic navitoclax" in (tmp_path / "library.bib").read_text(encoding="utf-8")
    pids = [p.process.pid for p in service._processes.processes]
    assert pids and os.getpid() not in pids
    # The file's keys came back with the run: a change to an item it holds marks the target again.
    key = window.library.keys(ItemQuery())[0]
    assert service._written[target.id] is not None and key in service._written[target.id]
