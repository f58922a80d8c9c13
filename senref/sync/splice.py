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

from senref.sync.content import Content
from senref.sync.manifest import Manifest


def splice(previous: Manifest, previous_bytes: Content, new_texts: dict[str, bytes]
           ) -> tuple[Content, list[tuple[int, int]], list[tuple[str, int, int]]] | None:
    """The file with the entries of *new_texts* (item key -> entry) replaced, every entry's new span (in the
    previous order) and every kept block's (anchor, start, end); None when the previous spans are not in
    file order without overlap, which only a file senref never assembled could have."""
    replaced: list[tuple[int, int, bytes]] = []
    spans: list[tuple[int, int]] = []
    ends: list[int] = []  # the old end of each replaced entry ...
    deltas: list[int] = []  # ... and how far everything after it moves
    delta = last_end = 0
    for entry in previous.entries:
        if entry.start < last_end or entry.end < entry.start:
            return None
        last_end = entry.end
        new = new_texts.get(entry.key)
        start = entry.start + delta
        if new is None:
            spans.append((start, entry.end + delta))
            continue
        replaced.append((entry.start, entry.end, new))
        delta += len(new) - (entry.end - entry.start)
        spans.append((start, start + len(new)))
        ends.append(entry.end)
        deltas.append(delta)
    if last_end > len(previous_bytes):
        return None
    kept: list[tuple[str, int, int]] = []
    for block in previous.kept:
        n = bisect.bisect_right(ends, block.start)
        shift = deltas[n - 1] if n else 0
        kept.append((block.anchor, block.start + shift, block.end + shift))
    return previous_bytes.replaced(replaced), spans, kept
