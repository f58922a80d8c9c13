"""What each target last did (state, last success, item count, last error), in `sync/<id>.state.json`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from senref.sync.storage import read_json, sync_dir, write_json

#: Target states. "ok": the file matches the library; "error": the last write failed (reason in
#: last_error, retried later); "conflict": the file and the library disagree and the user must
#: decide; "paused": the user stopped it; "new": never written.
STATES = ("new", "ok", "error", "conflict", "paused")


@dataclass
class TargetState:
    state: str = "new"
    last_success: str = ""  # ISO time of the last write or check that left the file current
    last_attempt: str = ""
    last_error: str = ""
    item_count: int = 0
    failures: int = 0  # consecutive failed attempts, for the retry back-off
    merged: int = 0  # library items changed by the last read-back of the file
    imported: int = 0  # new items created from entries added to the file

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> TargetState:
        if not isinstance(data, dict):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError:
            return cls()


class StateStore:
    """One small file per target, so concurrent writers of different targets never lose an update."""

    def __init__(self, library_folder: Path) -> None:
        self.folder = sync_dir(library_folder)

    def path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.state.json"

    def load(self, target_id: str) -> TargetState:
        return TargetState.from_json(read_json(self.path(target_id), {}))

    def save(self, target_id: str, state: TargetState) -> None:
        write_json(self.path(target_id), state.to_json())

    def remove(self, target_id: str) -> None:
        self.path(target_id).unlink(missing_ok=True)
