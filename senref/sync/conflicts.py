"""Conflicts waiting for the user: a field edited on both sides, an entry deleted from the file, a file
senref did not write. Kept with their resolutions in `sync/<id>.conflicts.json` until the next write."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from senref.sync.storage import read_json, sync_dir, write_json

#: Conflict kinds. "field": changed in the library and in the file to different values;
#: "deleted": the entry was removed from the file (keep file = take the item out of the target);
#: "file": the file changed and cannot be merged entry by entry (keep file = pause the target).
KINDS = ("field", "deleted", "file")
KEEP = ("library", "file")


@dataclass
class Conflict:
    id: str
    target_id: str
    kind: str
    item_key: str = ""
    field: str = ""
    title: str = ""
    library_value: str = ""
    file_value: str = ""
    base_value: str = ""
    resolution: str = ""  # "", "library" or "file"

    @staticmethod
    def make_id(target_id: str, kind: str, item_key: str, field: str) -> str:
        """A short id that stays the same while the same conflict stays open.

        >>> Conflict.make_id("t", "field", "ABCD2345", "title") == Conflict.make_id("t", "field", "ABCD2345", "title")
        True
        """
        import hashlib  # here, not at the top: see senref.core.digest

        text = f"{target_id}\x00{kind}\x00{item_key}\x00{field}"
        return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conflict:
        return cls(**{k: str(v) for k, v in data.items() if k in cls.__dataclass_fields__})

    def same_values(self, other: Conflict) -> bool:
        """A resolution holds only while both sides still carry the values the user saw."""
        return (self.library_value, self.file_value) == (other.library_value, other.file_value)


class ConflictStore:
    def __init__(self, library_folder: Path) -> None:
        self.folder = sync_dir(library_folder)

    def path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.conflicts.json"

    def load(self, target_id: str) -> list[Conflict]:
        data = read_json(self.path(target_id), [])
        out = []
        for entry in data if isinstance(data, list) else []:
            try:
                out.append(Conflict.from_json(entry))
            except TypeError:
                continue
        return out

    def save(self, target_id: str, conflicts: list[Conflict]) -> None:
        if not conflicts:
            self.clear(target_id)
            return
        write_json(self.path(target_id), [c.to_json() for c in conflicts])

    def clear(self, target_id: str) -> None:
        self.path(target_id).unlink(missing_ok=True)

    def resolve(self, target_ids: list[str], conflict_id: str, keep: str) -> Conflict:
        """Record the user's choice; the next sync of the target applies it."""
        if keep not in KEEP:
            raise ValueError(f"keep must be one of {', '.join(KEEP)}")
        for target_id in target_ids:
            conflicts = self.load(target_id)
            for conflict in conflicts:
                if conflict.id == conflict_id:
                    conflict.resolution = keep
                    self.save(target_id, conflicts)
                    return conflict
        raise KeyError(f"conflict {conflict_id}")
