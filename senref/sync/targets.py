"""Sync targets (scope + format + path + with-files) and their store, `<library>/sync/targets.json`."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from senref.core.model import new_key, now_iso
from senref.core.query import ItemQuery
from senref.sync.storage import read_json, sync_dir, write_json

#: Formats a target can keep current.
SYNC_FORMATS = ("bibtex", "biblatex", "csljson", "ris", "zotero-rdf")
#: Formats whose entries senref reads back and merges into the library when the file is edited.
TWO_WAY_FORMATS = frozenset({"bibtex", "biblatex", "csljson", "ris"})
#: Scope kinds: the whole library, one collection (optionally with subcollections), a tag, a saved search.
SCOPE_KINDS = ("library", "collection", "tag", "search")
#: The folder beside a target that holds its copied attachments.
FILES_FOLDER = "files"


class TargetError(ValueError):
    """A target that cannot be configured (bad format, clashing path...): the message is shown as is."""


@dataclass(frozen=True)
class Scope:
    """Which items a target holds. `value` is a collection key, a tag name or a search query."""

    kind: str = "library"
    value: str = ""
    recursive: bool = False

    def query(self) -> ItemQuery:
        if self.kind == "collection":
            return ItemQuery(collection=self.value, recursive=self.recursive)
        if self.kind == "tag":
            return ItemQuery(tags=[self.value])
        if self.kind == "search":
            return ItemQuery(search=self.value)
        return ItemQuery()

    def describe(self, collection_name: str = "") -> str:
        if self.kind == "collection":
            name = collection_name or self.value
            return f"collection {name}" + (" (with subcollections)" if self.recursive else "")
        if self.kind == "tag":
            return f"tag {self.value}"
        if self.kind == "search":
            return f"search {self.value!r}"
        return "whole library"


@dataclass
class Target:
    """One file senref keeps current."""

    path: str
    format: str
    scope: Scope = field(default_factory=Scope)
    with_files: bool = False
    paused: bool = False
    id: str = field(default_factory=lambda: new_key().lower())
    created: str = field(default_factory=now_iso)

    @property
    def file(self) -> Path:
        return Path(self.path)

    @property
    def files_dir(self) -> Path:
        return self.file.parent / FILES_FOLDER

    @property
    def two_way(self) -> bool:
        return self.format in TWO_WAY_FORMATS

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = asdict(self.scope)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        scope = data.get("scope") or {}
        return cls(path=str(data["path"]), format=str(data["format"]),
                   scope=Scope(kind=str(scope.get("kind") or "library"), value=str(scope.get("value") or ""),
                               recursive=bool(scope.get("recursive"))),
                   with_files=bool(data.get("with_files")), paused=bool(data.get("paused")),
                   id=str(data.get("id") or new_key().lower()), created=str(data.get("created") or now_iso()))


def normalise_path(path: Path | str) -> Path:
    """An absolute path without `..` or symlinked folders, so two spellings of one file compare equal."""
    p = Path(path).expanduser()
    parent = p.parent.resolve() if p.parent.exists() else Path(os.path.normpath(p.parent.absolute()))
    return parent / p.name


class TargetStore:
    """The configured targets of one library, persisted in `sync/targets.json` (atomic writes)."""

    def __init__(self, library_folder: Path) -> None:
        self.library_folder = library_folder
        self.path = sync_dir(library_folder) / "targets.json"

    def load(self) -> list[Target]:
        data = read_json(self.path, {})
        raw = data.get("targets") if isinstance(data, dict) else None
        targets = []
        for entry in raw or []:
            try:
                targets.append(Target.from_json(entry))
            except (KeyError, TypeError):
                continue  # one damaged entry must not hide the others
        return targets

    def save(self, targets: list[Target]) -> None:
        write_json(self.path, {"version": 1, "targets": [t.to_json() for t in targets]})

    def get(self, target_id: str) -> Target:
        for target in self.load():
            if target.id == target_id:
                return target
        raise KeyError(f"sync target {target_id}")

    def add(self, target: Target) -> Target:
        """Validate and store a new target; clashes are refused now rather than found at the first write."""
        targets = self.load()
        target.path = str(normalise_path(target.path))
        validate(target, targets, self.library_folder)
        targets.append(target)
        self.save(targets)
        return target

    def remove(self, target_id: str) -> Target:
        targets = self.load()
        found = next((t for t in targets if t.id == target_id), None)
        if found is None:
            raise KeyError(f"sync target {target_id}")
        self.save([t for t in targets if t.id != target_id])
        return found

    def set_paused(self, target_id: str, paused: bool) -> Target:
        targets = self.load()
        for target in targets:
            if target.id == target_id:
                target.paused = paused
                self.save(targets)
                return target
        raise KeyError(f"sync target {target_id}")


def validate(target: Target, others: list[Target], library_folder: Path) -> None:
    """Refuse formats, scopes and paths that would make two writers fight over one file."""
    if target.format not in SYNC_FORMATS:
        raise TargetError(f"cannot keep {target.format!r} files in sync; formats: {', '.join(SYNC_FORMATS)}")
    if target.scope.kind not in SCOPE_KINDS:
        raise TargetError(f"unknown scope {target.scope.kind!r}")
    if target.scope.kind != "library" and not target.scope.value:
        raise TargetError(f"a {target.scope.kind} target needs a {target.scope.kind}")
    path = normalise_path(target.path)
    if path.exists() and path.is_dir():
        raise TargetError(f"{path} is a folder; give a file name")
    library = normalise_path(library_folder / "x").parent
    if path == library or library in path.parents:
        # The library folder holds the database and stored files; an export there could be swept
        # up by library maintenance or clash with a stored file.
        raise TargetError(f"{path} is inside the library folder; choose a path outside it")
    for other in others:
        if other.id == target.id:
            continue
        other_path = normalise_path(other.path)
        if other_path == path:
            raise TargetError(f"{path} is already kept in sync by target {other.id}")
        # A target inside another target's files/ folder would be copied and removed by that
        # target's file mirroring, and the other way round.
        for outer, inner in ((other, path), (target, other_path)):
            files_dir = normalise_path(outer.path).parent / FILES_FOLDER
            if outer.with_files and files_dir in inner.parents:
                raise TargetError(f"{inner} is inside the files folder of another target ({files_dir})")
