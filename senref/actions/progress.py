"""What every action reports while it runs (`Progress`) and what it hands back when done (`Report`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Progress:
    """One step of an action: how far it is (*total* 0 when unknown) and a line for the user."""

    done: int = 0
    total: int = 0
    message: str = ""
    #: "info" for progress, "warning" for something done with a caveat, "problem" for something not done
    level: str = "info"


#: Where an action sends its Progress events (the CLI prints them, the window shows them in a job).
ProgressSink = Callable[[Progress], None]
#: Asked between steps; True means the user cancelled and the action stops at the next safe point.
ShouldStop = Callable[[], bool]


def no_progress(_event: Progress) -> None:
    """The default sink: an action called without a front end reports to no one."""


def never_stop() -> bool:
    return False


@dataclass
class Report:
    """What an action did: a one-line summary, and the problems and warnings worth a line each."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def failed(self) -> bool:
        """True when something the user asked for was not done (the CLI then exits with 1)."""
        return bool(self.problems)

    def summary(self) -> str:
        return "done" + (" (cancelled)" if self.cancelled else "")

    def lines(self) -> list[str]:
        """Detail lines for a report view: problems first, then warnings."""
        return [f"problem: {p}" for p in self.problems] + [f"warning: {w}" for w in self.warnings]
