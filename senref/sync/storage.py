"""Where sync keeps its own records (targets, state, manifests, conflicts): JSON files in `<library>/sync/`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from senref.core.atomic import atomic_write

#: The folder inside a library that holds everything sync persists.
SYNC_DIR = "sync"


def sync_dir(library_folder: Path) -> Path:
    return library_folder / SYNC_DIR


def read_json(path: Path, default: Any) -> Any:
    """The JSON in *path*, or *default* when it is missing or unreadable.

    An unreadable record file must not stop every other target from syncing; the caller
    rebuilds what it needs (a manifest, for instance, is rebuilt by a full export).
    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return default


def write_json(path: Path, data: Any, *, compact: bool = False) -> None:
    """Write *data* atomically (readers see the old or the new complete file, never half)."""
    # json.dumps (the C encoder in one call) is several times faster than json.dump's chunked
    # writes on a 100,000-entry manifest.
    if compact:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    with atomic_write(path) as handle:
        handle.write(text)


def write_text(path: Path, text: str) -> None:
    """Write JSON text made by the caller, atomically as write_json does."""
    with atomic_write(path) as handle:
        handle.write(text)
