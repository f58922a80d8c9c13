"""Is a target's last write still what the library would write? Answered from versions, never from items.

An incremental target reuses an entry whenever its item's version is the one written, so when the
scope holds exactly the written (key, version) pairs a rebuild would only join the previous bytes
again: the check reads two integers' worth per item in one query instead of building a file.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

from senref.sync.exporter import scope_rows
from senref.sync.manifest import Manifest
from senref.sync.targets import Target

if TYPE_CHECKING:
    from senref.core.library import Library


def written_versions(manifest: Manifest) -> dict[str, int]:
    return manifest.versions()


def scope_unchanged(lib: Library, target: Target, manifest: Manifest,
                    rows: list[tuple[str, int]] | None = None) -> bool:
    """True when the scope holds the very items, at the very versions, that *manifest* wrote (*rows*: the
    scope's (key, version) pairs, when the caller has read them already)."""
    if rows is None:
        rows = scope_rows(lib, target)
    written = written_versions(manifest)
    if len(rows) != len(written):
        return False
    # Keys are unique on both sides: the same count and every row's version as written means the same pairs.
    return list(map(written.get, map(itemgetter(0), rows))) == list(map(itemgetter(1), rows))
