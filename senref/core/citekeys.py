"""The one citation-key store the writers use: keys pinned on items, and the pinning of new ones.

A key is pinned (`fields["citationKey"]`) the first time an item is exported, so it never changes
afterwards, whichever front end or sync target exported it first. A key already on an item is never
replaced; a read-only library exports with keys computed but pins nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from senref.core.library import Library


class LibraryCitationKeys:
    """CitationKeyStore over a Library (see senref.formats.citekeys.KeyAssigner).

    Pinning is an edit, so it bumps item versions; `pinned_versions` records the version each
    pinned item got, so a sync target knows the entry it just rendered is still current.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self._taken: set[str] | None = None
        self.pinned_versions: dict[str, int] = {}

    def taken(self) -> set[str]:
        if self._taken is None:
            self._taken = self.library.citation_keys_in_use()
        return self._taken

    def persist(self, assigned: dict[str, str]) -> None:
        if not assigned or self.library.read_only:
            return
        self.pinned_versions.update(self.library.pin_citation_keys(assigned))
        self.taken().update(assigned.values())
