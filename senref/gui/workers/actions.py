"""Running an action of `senref.actions` as a job: its Progress events become the worker's progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from senref.actions.progress import Progress, ProgressSink, ShouldStop
from senref.gui.workers.worker import JobFunction

#: An action with everything but its progress sink and stop check already chosen.
BoundAction = Callable[[ProgressSink, ShouldStop], Any]


def action_job(action: BoundAction) -> JobFunction:
    """A JobFunction running *action* on the worker's thread; each Progress event travels as one object."""
    def run(progress: Callable[[Any], None], should_stop: Callable[[], bool]) -> Any:
        def sink(event: Progress) -> None:
            progress(event)
        return action(sink, should_stop)
    return run
