"""Entries imported from a target file and not yet written back to it, kept in `sync/<id>.imported.json`.

Reading a file back imports its new entries before the file is rewritten; between the two the
process may be killed, or a conflict may hold the write back for days. The journal names the item
each such entry became (its key is chosen before the import), so the next read of the same file
recognises the entry instead of importing it a second time. The next write puts those items in the
manifest, and the journal is cleared.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from senref.sync.storage import read_json, sync_dir, write_json


@dataclass
class Imported:
    """One entry of the file and the item it was imported as."""

    key: str
    citekey: str
    hash: str  # entry_hash of the entry's text
    text: bytes  # the entry as it stood in the file: the merge base if it is edited again

    def to_json(self) -> dict[str, Any]:
        # Latin-1 maps every byte to one character: any bytes round-trip through JSON exactly.
        return {"key": self.key, "citekey": self.citekey, "hash": self.hash, "text": self.text.decode("latin-1")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Imported:
        return cls(str(data["key"]), str(data.get("citekey") or ""), str(data["hash"]),
                   str(data.get("text") or "").encode("latin-1"))


class ImportJournal:
    def __init__(self, library_folder: Path) -> None:
        self.folder = sync_dir(library_folder)

    def path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.imported.json"

    def load(self, target_id: str) -> list[Imported]:
        data = read_json(self.path(target_id), [])
        out: list[Imported] = []
        for row in data if isinstance(data, list) else []:
            with contextlib.suppress(KeyError, TypeError, AttributeError, UnicodeEncodeError):
                out.append(Imported.from_json(row))
        return out

    def save(self, target_id: str, entries: list[Imported]) -> None:
        if not entries:
            self.clear(target_id)
            return
        write_json(self.path(target_id), [e.to_json() for e in entries])

    def clear(self, target_id: str) -> None:
        with contextlib.suppress(OSError):
            self.path(target_id).unlink(missing_ok=True)
