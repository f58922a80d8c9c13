"""What senref remembers between syncs with one Zotero library (`<library>/zotero/state.json`).

Per object: the server's version at the last sync, the local version right after it, and the API
`data` as both sides then agreed (the "pristine" copy a three-way merge needs). The library version
is stored only after a clean pass, so a sync killed half-way is run again from the last good one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from senref.core.atomic import atomic_write

STATE_FILE = Path("zotero") / "state.json"
#: The desktop's local API counts versions of its own: its sync state never mixes with the Web API's.
DESKTOP_STATE_FILE = Path("zotero") / "desktop-state.json"


@dataclass
class Synced:
    """One object as of the last sync: server version, local version, the agreed API data."""

    remote: int
    local: int
    data: dict[str, Any]


@dataclass
class Conflict:
    """A field changed on both sides (or an edit on one side of a deletion on the other)."""

    id: str
    kind: str  # "items" | "collections"
    key: str
    field: str  # a field name, "creators", or "deleted" for edit-vs-delete
    local: Any
    remote: Any
    title: str = ""


@dataclass
class SyncState:
    base_url: str
    prefix: str  # "users/<id>" or "groups/<id>"
    version: int = 0
    items: dict[str, Synced] = field(default_factory=dict)
    collections: dict[str, Synced] = field(default_factory=dict)
    #: items the server deleted that senref moved to the Trash (never uploaded again unless edited)
    remote_deleted: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    #: attachment key -> {"md5": the file both sides last agreed on, "stamp": [size, mtime_ns] of the local
    #: file when it was hashed} (a file is hashed again only when its stamp changes)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def table(self, kind: str) -> dict[str, Synced]:
        return self.items if kind == "items" else self.collections

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SyncState:
        def synced(table: dict[str, Any]) -> dict[str, Synced]:
            return {str(k): Synced(int(v["remote"]), int(v["local"]), dict(v["data"])) for k, v in table.items()}
        return cls(base_url=str(raw["base_url"]), prefix=str(raw["prefix"]), version=int(raw.get("version", 0)),
                   items=synced(raw.get("items", {})), collections=synced(raw.get("collections", {})),
                   remote_deleted={str(k): int(v) for k, v in raw.get("remote_deleted", {}).items()},
                   conflicts=[Conflict(**c) for c in raw.get("conflicts", [])],
                   files={str(k): dict(v) for k, v in raw.get("files", {}).items()})


def state_path(library_folder: Path, name: Path = STATE_FILE) -> Path:
    return Path(library_folder) / name


def load_state(library_folder: Path, name: Path = STATE_FILE) -> SyncState | None:
    path = state_path(library_folder, name)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} cannot be read ({exc}); move it aside to sync from scratch") from exc
    return SyncState.from_json(raw)


def save_state(library_folder: Path, state: SyncState, name: Path = STATE_FILE) -> None:
    with atomic_write(state_path(library_folder, name)) as out:
        json.dump(state.to_json(), out, ensure_ascii=False, separators=(",", ":"))
