"""The tagger a session hands to the library: compiled on the first record it tags, imported only then.

A command that never tags (a sync run, a search, an export) opens the library with one, so this
module stays light: the tagger, its vocabulary and its rules are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from senref.core.model import Item
from senref.paths import Paths

if TYPE_CHECKING:
    from senref.topics.tagger import Tagger


class DeferredTagger:
    """The tagger for *paths*, compiled on the first record it tags: commands that only read never pay for it."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self._tagger: Tagger | None = None

    def __reduce__(self) -> tuple[type[DeferredTagger], tuple[Paths]]:
        # To a worker process it travels as its paths: the worker compiles its own, once.
        return (DeferredTagger, (self.paths,))

    @property
    def tagger(self) -> Tagger:
        if self._tagger is None:
            from senref.topics.tagger import get_tagger

            self._tagger = get_tagger(self.paths)
        return self._tagger

    def apply(self, item: Item, fulltext: str | None = None) -> list[str]:
        return self.tagger.apply(item, fulltext)
