"""The manifest: what senref last wrote to a target (file hash, entry spans and hashes, keys, versions).

It is the ground truth for two questions: "did someone else change the file?" (file hash against
the manifest) and "which entries did we write for which items at which version?" (entries). A copy
of the written bytes lets a later process reuse unchanged entries and gives the common ancestor for
a three-way merge. `kept` records where the user's own text between entries sits in that copy, so
an unchanged file's comments go into the next write too.

The copy is a piece table (`senref.sync.content`): a base (`sync/<id>.written`), the text added
since (`sync/<id>.added`, only ever extended between two bases, so a record still names a prefix of
it) and the pieces, which the manifest holds (`copy`). The base is trusted by its identity (size,
time stamp, inode) as recorded; any other base, and any added text, is checked by hash.

Replacing the target and saving its manifest cannot be one atomic step, so a write goes in three
(`ManifestStore.save_pending`, the target's atomic replace, `ManifestStore.promote`), and a pending
record left by a killed process is settled by the next one (see `TargetWrites.settle_pending`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from senref.core import checkpoints
from senref.core.atomic import atomic_write
from senref.core.digest import file_sha256
from senref.sync.content import BaseFile, Content, Piece
from senref.sync.storage import read_json, sync_dir, write_text


def entry_hash(text: bytes) -> str:
    """Hash of one entry, blind to surrounding whitespace (editors trim and re-indent ends).

    >>> entry_hash(b"@article{a,}\\n") == entry_hash(b"  @article{a,}")
    True
    """
    return hashlib.blake2b(text.strip(), digest_size=8).hexdigest()


@dataclass(slots=True)
class Entry:
    """One item's entry in the written file: byte span [start, end) and what produced it."""

    key: str
    version: int
    citekey: str
    start: int
    end: int
    hash: str


#: The entries' columns, in `Entry`'s field order: keys, versions, citation keys, starts, ends, hashes.
Columns = tuple[list[str], list[int], list[str], list[int], list[int], list[str]]
_COLUMN_NAMES = ("keys", "versions", "citekeys", "starts", "ends", "hashes")
_COLUMN_TYPES = (str, int, str, int, int, str)


class Entries(Sequence[Entry]):
    """A manifest's entries held as columns; `Entry` objects are made only when someone reads them one by one.

    A 100,000-entry manifest is read, checked against the library, spliced and saved again on every
    edit. As columns that is a few C-level list operations; as objects it was half a second.
    """

    __slots__ = ("_columns", "_rows", "_versions")

    def __init__(self, columns: Columns) -> None:
        self._columns = columns
        self._rows: list[Entry] | None = None
        self._versions: dict[str, int] | None = None

    def versions(self) -> dict[str, int]:
        """Item key -> version written; made once (the columns never change), asked by the check and the build."""
        if self._versions is None:
            self._versions = dict(zip(self._columns[0], self._columns[1], strict=True))
        return self._versions

    @property
    def columns(self) -> Columns:
        return self._columns

    def __len__(self) -> int:
        return len(self._columns[0])

    def _materialized(self) -> list[Entry]:
        if self._rows is None:
            self._rows = list(map(Entry, *self._columns))
        return self._rows

    def __getitem__(self, index: Any) -> Any:
        return self._materialized()[index]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._materialized())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entries):
            return self._columns == other._columns
        if isinstance(other, list):
            return self._materialized() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Entries({len(self)})"


def columns_of(entries: Sequence[Entry]) -> Columns:
    """The columns of *entries*, without making any Entry when they are held as columns already."""
    if isinstance(entries, Entries):
        return entries.columns
    return ([e.key for e in entries], [e.version for e in entries], [e.citekey for e in entries],
            [e.start for e in entries], [e.end for e in entries], [e.hash for e in entries])


def _columns_from_json(data: Any) -> Columns:
    """The columns of a record's entries: columns by name, or rows as records before columns held them."""
    if isinstance(data, dict):
        columns = tuple(data[name] for name in _COLUMN_NAMES)
    else:
        rows = list(data or [])
        if any(not isinstance(r, list) or len(r) != len(_COLUMN_NAMES) for r in rows):
            raise ValueError("malformed entries")
        columns = tuple(list(c) for c in zip(*rows, strict=True)) if rows else tuple([] for _ in _COLUMN_NAMES)
    if any(not isinstance(c, list) for c in columns) or len({len(c) for c in columns}) > 1:
        raise ValueError("malformed entries")
    for column, kind in zip(columns, _COLUMN_TYPES, strict=True):
        if not set(map(type, column)) <= {kind}:
            raise ValueError("malformed entries")
    return columns


@dataclass(slots=True)
class Kept:
    """A piece of the user's text in the written file: span [start, end) and the item key of the entry
    it stands in front of ("" after the last entry)."""

    anchor: str
    start: int
    end: int

    def to_json(self) -> list[Any]:
        return [self.anchor, self.start, self.end]

    @classmethod
    def from_json(cls, row: list[Any]) -> Kept:
        return cls(str(row[0]), int(row[1]), int(row[2]))


@dataclass
class CopyRef:
    """Where the copy of a write is: the base's identity, the added text's length and hash, the pieces."""

    base: tuple[int, int, int]  # (size, mtime_ns, inode) of sync/<id>.written when it was written
    added_size: int
    added_sha256: str
    pieces: list[Piece]

    def to_json(self) -> dict[str, Any]:
        return {"base": list(self.base), "added": [self.added_size, self.added_sha256],
                "pieces": [list(p) for p in self.pieces]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CopyRef:
        size, mtime_ns, inode = (int(v) for v in data["base"])
        added_size, added_sha = data["added"]
        pieces = [(int(a), int(b), int(c)) for a, b, c in data["pieces"]]
        return cls((size, mtime_ns, inode), int(added_size), str(added_sha), pieces)


@dataclass
class Manifest:
    target_id: str
    signature: str  # format + scope + with_files: a changed configuration means a full rewrite
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    written_at: str = ""
    library_version: int = 0
    #: a list of Entry, or the same as columns (`Entries`, what a record read from disk holds)
    entries: Sequence[Entry] = field(default_factory=list)
    #: item key -> files/ paths (relative to the target's folder) that senref placed there for it
    files: dict[str, list[str]] = field(default_factory=dict)
    #: the user's text between entries, in file order
    kept: list[Kept] = field(default_factory=list)
    #: where the copy of this write is kept (None: `sync/<id>.written` holds it whole, as before pieces)
    copy: CopyRef | None = None

    def by_key(self) -> dict[str, Entry]:
        return {e.key: e for e in self.entries}

    def versions(self) -> dict[str, int]:
        """Item key -> the version written (from the columns: no Entry is made); do not change it."""
        if isinstance(self.entries, Entries):
            return self.entries.versions()
        return {e.key: e.version for e in self.entries}

    def matches_bytes(self, path: Path) -> bool:
        """True when *path* holds the content this manifest describes, whatever its time stamp."""
        try:
            if path.stat().st_size != self.size:
                return False
            return file_sha256(path) == self.sha256
        except OSError:
            return False

    def matches_disk(self, path: Path) -> bool:
        """True when *path* is still exactly what senref wrote (cheap stat first, hash only if needed)."""
        try:
            st = path.stat()
        except OSError:
            return False
        if st.st_size != self.size:
            return False
        if st.st_mtime_ns == self.mtime_ns:
            return True
        # Same size, new mtime: touched or rewritten with the same bytes (a sync tool, `touch`).
        return file_sha256(path) == self.sha256

    def entries_json(self) -> str:
        """The entries as compact JSON columns: made once per write, as they are the bulk of both records it saves."""
        return json.dumps(dict(zip(_COLUMN_NAMES, columns_of(self.entries), strict=True)),
                          ensure_ascii=False, separators=(",", ":"))

    def json_text(self, entries_json: str | None = None) -> str:
        """`to_json()` as compact JSON text; *entries_json* is `entries_json()` when the caller has it."""
        head = json.dumps(self._head(), ensure_ascii=False, separators=(",", ":"))
        kept = json.dumps([k.to_json() for k in self.kept], ensure_ascii=False, separators=(",", ":"))
        entries = entries_json if entries_json is not None else self.entries_json()
        return f'{head[:-1]},"entries":{entries},"kept":{kept}}}'

    def _head(self) -> dict[str, Any]:
        head = {"version": 1, "target_id": self.target_id, "signature": self.signature, "sha256": self.sha256,
                "size": self.size, "mtime_ns": self.mtime_ns, "written_at": self.written_at,
                "library_version": self.library_version, "files": self.files}
        if self.copy is not None:
            head["copy"] = self.copy.to_json()
        return head

    def to_json(self) -> dict[str, Any]:
        return {**self._head(), "entries": dict(zip(_COLUMN_NAMES, (list(c) for c in columns_of(self.entries)),
                                                    strict=True)),
                "kept": [k.to_json() for k in self.kept]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(target_id=str(data["target_id"]), signature=str(data.get("signature") or ""),
                   sha256=str(data.get("sha256") or ""), size=int(data.get("size") or 0),
                   mtime_ns=int(data.get("mtime_ns") or 0), written_at=str(data.get("written_at") or ""),
                   library_version=int(data.get("library_version") or 0),
                   entries=Entries(_columns_from_json(data.get("entries"))),
                   files={str(k): [str(f) for f in v] for k, v in (data.get("files") or {}).items()},
                   kept=[Kept.from_json(r) for r in data.get("kept") or []],
                   copy=CopyRef.from_json(data["copy"]) if isinstance(data.get("copy"), dict) else None)


class ManifestStore:
    """Manifests and written copies of all targets of one library."""

    def __init__(self, library_folder: Path) -> None:
        self.folder = sync_dir(library_folder)

    def manifest_path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.manifest.json"

    def written_path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.written"

    def pending_path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.pending.json"

    def pending_written_path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.pending.written"

    def load(self, target_id: str) -> Manifest | None:
        return self._load(self.manifest_path(target_id))

    def load_pending(self, target_id: str) -> Manifest | None:
        """The manifest of a write that was started and not confirmed (the process died in between)."""
        return self._load(self.pending_path(target_id))

    def has_pending(self, target_id: str) -> bool:
        return self.pending_path(target_id).exists()

    def _load(self, path: Path) -> Manifest | None:
        data = read_json(path, None)
        if not isinstance(data, dict):
            return None
        try:
            return Manifest.from_json(data)
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def added_path(self, target_id: str) -> Path:
        return self.folder / f"{target_id}.added"

    def save_copy(self, target_id: str, content: Content) -> tuple[CopyRef, Content]:
        """Store *content* as a write's copy; its reference, and the content as now stored.

        Pieces of the stored base extend the added text (earlier records name a prefix of it, so
        they stay valid); any other content, or pieces past `needs_compaction`, become a new base,
        made durable before any record names it, as its identity is all a later read checks.
        """
        base_path, added_path = self.written_path(target_id), self.added_path(target_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = file_stamp(base_path)
        if content.origin is None or content.origin != stamp or content.needs_compaction():
            data = bytes(content)
            if isinstance(content.base, BaseFile) and os.name == "nt":
                # Windows cannot replace an open file. Elsewhere the descriptor keeps the old file
                # readable for any content still holding it.
                content.base.close()
            with atomic_write(base_path, "wb") as handle:
                handle.write(data)
            stamp = file_stamp(base_path)
            assert stamp is not None
            with contextlib.suppress(OSError):
                added_path.unlink(missing_ok=True)
            content = Content(data, origin=stamp)
        elif content.added:
            tmp = added_path.with_name(added_path.name + ".part")
            tmp.write_bytes(content.added)  # checked by hash when read: no fsync
            os.replace(tmp, added_path)
        added_sha = hashlib.sha256(content.added).hexdigest() if content.added else ""
        return CopyRef(stamp, len(content.added), added_sha, list(content.pieces)), content

    def save(self, manifest: Manifest, written: bytes | Content) -> Content:
        """Store the copy first, then the manifest naming it; the content as stored.

        A crash in between leaves a record naming the old copy, which is still there, or a new base
        the old record's identity rejects (then its hash does), which only costs a full render.
        """
        manifest.copy, stored = self.save_copy(manifest.target_id, Content.of(written))
        write_text(self.manifest_path(manifest.target_id), manifest.json_text())
        return stored

    def save_pending(self, manifest: Manifest, *, entries_json: str | None = None) -> None:
        """Before the target is replaced: the new content's manifest (its copy saved already) as "pending".

        *manifest* already carries the new content's sha256, size and copy; its mtime is unknown yet (0).
        *entries_json*: `manifest.entries_json()`, made once for this record and the promoted one.
        """
        write_text(self.pending_path(manifest.target_id), manifest.json_text(entries_json))

    def promote(self, manifest: Manifest, *, entries_json: str | None = None) -> None:
        """After the target was replaced: the pending record becomes the manifest, then is removed."""
        checkpoints.reached("sync_after_copy")
        write_text(self.manifest_path(manifest.target_id), manifest.json_text(entries_json))
        checkpoints.reached("sync_after_manifest")
        self.clear_pending(manifest.target_id)

    def clear_pending(self, target_id: str) -> None:
        for path in (self.pending_path(target_id), self.pending_written_path(target_id)):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def load_written(self, manifest: Manifest) -> Content | None:
        """The content senref last wrote for *manifest*, or None if its copy is missing or stale."""
        if manifest.copy is None:  # a record from before pieces: the copy is the whole content
            data = self._checked(self.written_path(manifest.target_id), manifest)
            if data is None:
                return None
            try:
                stamp = file_stamp(self.written_path(manifest.target_id))
            except OSError:
                stamp = None  # then the next write stores a new base
            return Content(data, origin=stamp)
        return self._pieces(manifest, manifest.copy)

    def load_pending_written(self, manifest: Manifest) -> Content | None:
        """The content a pending *manifest* describes (a pending record of an older senref kept its own copy)."""
        if manifest.copy is not None:
            return self._pieces(manifest, manifest.copy)
        for path in (self.pending_written_path(manifest.target_id), self.written_path(manifest.target_id)):
            data = self._checked(path, manifest)
            if data is not None:
                return Content(data)
        return None

    def _pieces(self, manifest: Manifest, ref: CopyRef) -> Content | None:
        try:
            base = BaseFile(self.written_path(manifest.target_id))
            stamp = base.stamp
            added = b""
            if ref.added_size:
                with self.added_path(manifest.target_id).open("rb") as handle:
                    added = handle.read(ref.added_size)
        except OSError:
            return None
        if len(added) != ref.added_size or (added and hashlib.sha256(added).hexdigest() != ref.added_sha256):
            return None
        buffers = (len(base), len(added))
        if any(src not in (0, 1) or not 0 <= start <= end <= buffers[src] for src, start, end in ref.pieces):
            return None
        content = Content(base, added, ref.pieces, origin=stamp)
        if content.size != manifest.size:
            return None
        # A base is trusted by the identity its record names; any other one must hash to the record.
        try:
            if stamp != ref.base and content.sha256() != manifest.sha256:
                return None
        except OSError:
            return None
        return content

    @staticmethod
    def _checked(path: Path, manifest: Manifest) -> bytes | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) != manifest.size or hashlib.sha256(data).hexdigest() != manifest.sha256:
            return None
        return data

    def remove(self, target_id: str) -> None:
        self.clear_pending(target_id)
        for path in (self.manifest_path(target_id), self.written_path(target_id), self.added_path(target_id)):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode) of *path* (a target, a stored base), None when it does not exist."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino
