"""Which targets a library change touches, and which target files changed on disk."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from senref.sync.targets import Target

if TYPE_CHECKING:
    from senref.core.library import Library


def touched_by_items(lib: Library, targets: Iterable[Target], keys: list[str],
                     written: Mapping[str, Collection[str] | None]) -> list[str]:
    """Targets whose file holds one of *keys* now or should hold it now (add, edit, move, tag, delete).

    *written*: the keys each target's file holds (None, or absent: not known, so any change counts).
    """
    out: list[str] = []
    wanted = set(keys)
    for target in targets:
        held = written.get(target.id)
        if held is None:
            out.append(target.id)  # never written: any change is a reason to write it
            continue
        if not wanted.isdisjoint(held):
            out.append(target.id)
            continue
        query = target.scope.query()
        query.keys = list(wanted)
        if lib.any_match(query):
            out.append(target.id)
    return out


def touched_by_structure(targets: Iterable[Target]) -> list[str]:
    """Targets that depend on collections or tags as a whole (a renamed, moved or deleted collection)."""
    return [t.id for t in targets if t.scope.kind in ("collection", "tag") or t.format == "zotero-rdf"]


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a target file, None when it is missing; a changed stamp means "read it back"."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns
