"""What one sync of one target did (the engine's answer to the CLI and the window)."""

from __future__ import annotations

from dataclasses import dataclass, field

from senref.sync.conflicts import Conflict


@dataclass
class SyncOutcome:
    """What one sync of one target did; `state` is the state it left the target in."""

    target_id: str
    state: str
    written: bool = False
    count: int = 0
    rendered: int = 0
    merged: int = 0
    imported: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
