"""The window keeps turning its event loop while a 200-identifier batch is fetched and saved."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from tests.gui.conftest import wait_idle

# The offscreen platform cannot resize a top-level window to its size hints; it says so once.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


class StarvationProbe:
    """A 10 ms timer that records the longest gap between its ticks (how long the loop was blocked)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.on_tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.ticks = 0
        self.gaps: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def on_tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.gaps.append(now - self.last)
        self.last = now
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()


#: The bar (issue 16): no pause of the event loop over 50 ms, ten windows in a row, even with both cores
#: busy. A GUI thread that fetched, parsed or saved itself fails by far (it paused 354-431 ms).
WORST_PAUSE = 0.050
RUNS = 10


# A timing probe: it runs apart from the suite (`python -m pytest -m starvation -s`, as .ci/run does) and
# prints its figures. The replay answers from another process, as the real services do: a server thread
# in this process would take the interpreter lock for each of the 400 requests.
@pytest.mark.starvation
@pytest.mark.parametrize("run", range(RUNS))
def test_event_loop_never_starved_during_200_identifier_batch(window: Any, qtbot: Any, replay_elsewhere: Any,
                                                              run: int) -> None:
    window.transfer_controller.fetch_texts = replay_elsewhere
    text = "\n".join(f"https://doi.org/10.5555/batch.{n}" for n in range(200))
    probe = StarvationProbe()
    probe.start()
    with qtbot.waitSignal(window.jobs.job_finished, timeout=60_000) as blocker:
        window.transfer_controller.start_add([text], None)
        # The table grows while the batch runs: items show as soon as each is saved.
        qtbot.waitUntil(lambda: 3 < window.item_model.rowCount() < 203, timeout=30_000)
    wait_idle(qtbot, window)
    probe.stop()
    assert blocker.args[0].summary == "200 added, 0 merged, 0 unchanged, 0 failed"
    assert window.item_model.rowCount() == 203
    assert probe.ticks > 10
    gaps = sorted(probe.gaps)
    p99 = gaps[int(len(gaps) * 0.99) - 1]
    detail = (f"run {run + 1}/{RUNS}: worst {probe.worst * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, {len(gaps)} ticks, "
              f"median {gaps[len(gaps) // 2] * 1000:.0f} ms, top {[round(g * 1000) for g in gaps[-8:]]}")
    print(f"\nstarvation probe: {detail}")
    assert probe.worst < WORST_PAUSE, detail


def test_cancel_stops_a_batch(window: Any, qtbot: Any, replay: Any) -> None:
    window.transfer_controller.fetch_texts = replay
    text = "\n".join(f"10.5555/batch.{n}" for n in range(300, 500))
    job = window.transfer_controller.start_add([text], None)
    qtbot.waitUntil(lambda: job.done > 0, timeout=30_000)
    with qtbot.waitSignal(window.jobs.job_finished, timeout=30_000):
        window.jobs.cancel(job)
    assert job.state == "cancelled"
    assert job.result.cancelled and len(job.result.outcomes) < 200
