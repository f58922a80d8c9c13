"""Replacing a few entries of a written file in place, instead of joining all of its entries again.

When a target holds the same items in the same order as its last write, and only some of them changed,
the new file is the previous bytes with those entries' spans swapped for their new text: a few slices
and one join, where assembling would slice and join every one of 100,000 entries. Everything between
the entries (the format's framing, the user's own text) stays byte for byte, so the result is the
file `EntryCodec.assemble`/`assemble_layout` would build from the same entries. The result is a
piece table over the previous content (`senref.sync.content`): nothing of the 250 MB is copied.
"""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass

from senref.sync.content import Content
from senref.sync.manifest import Manifest, columns_of

#: Up to this many replaced entries, each is found by `list.index`.
_FEW = 32


@dataclass
class Spliced:
    """The new content, every entry's new span (as columns, in the previous order), the kept blocks'
    (anchor, start, end), and the indices of the entries replaced."""

    content: Content
    starts: list[int]
    ends: list[int]
    kept: list[tuple[str, int, int]]
    changed: list[int]


def splice(previous: Manifest, previous_bytes: Content, new_texts: dict[str, bytes]) -> Spliced | None:
    """The file with the entries of *new_texts* (item key -> entry) replaced; None when the previous spans
    are not in file order without overlap, which only a file senref never assembled could have."""
    keys, _versions, _citekeys, starts, ends, _hashes = columns_of(previous.entries)
    # In order and apart: each entry ends after it starts and before the next one starts (C-level maps).
    if not all(map(operator.le, starts, ends)) or not all(map(operator.le, ends, starts[1:])) \
            or (ends and ends[-1] > len(previous_bytes)):
        return None
    if len(new_texts) <= _FEW:  # a few edits: found by C-level scans rather than a Python loop over all
        present = previous.versions()
        changed = sorted(keys.index(key) for key in new_texts if key in present)
    else:
        changed = [index for index, key in enumerate(keys) if key in new_texts]
    new_starts, new_ends = list(starts), list(ends)
    replaced: list[tuple[int, int, bytes]] = []
    moved_at: list[int] = []  # the old end of each replaced entry ...
    deltas: list[int] = []  # ... and how far everything after it moves
    delta = 0
    for n, index in enumerate(changed):
        text = new_texts[keys[index]]
        replaced.append((starts[index], ends[index], text))
        new_starts[index] = starts[index] + delta
        delta += len(text) - (ends[index] - starts[index])
        new_ends[index] = new_starts[index] + len(text)
        moved_at.append(ends[index])
        deltas.append(delta)
        following = slice(index + 1, changed[n + 1] if n + 1 < len(changed) else len(keys))
        if delta:
            new_starts[following] = [at + delta for at in starts[following]]
            new_ends[following] = [at + delta for at in ends[following]]
    kept: list[tuple[str, int, int]] = []
    for block in previous.kept:
        n = bisect.bisect_right(moved_at, block.start)
        shift = deltas[n - 1] if n else 0
        kept.append((block.anchor, block.start + shift, block.end + shift))
    return Spliced(previous_bytes.replaced(replaced), new_starts, new_ends, kept, changed)
