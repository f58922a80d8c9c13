"""A written file's bytes as a piece table: ranges of a base copy and of text added since, never joined.

An edit of one item in a 100,000-entry target changes one entry of a 250 MB file. Held as one
`bytes`, every edit would join a new 250 MB buffer, hash it, and store a second 250 MB copy beside
the target as the next merge base. Held as pieces, the new content is the old piece list with one
range swapped for the new entry: it is written to the target and hashed chunk by chunk, and the
copy kept for the next merge grows by that one entry (`sync/<id>.added`), while the base copy
(`sync/<id>.written`) is rewritten only when the pieces pile up (`needs_compaction`).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterator, Sequence

#: Where a piece's bytes are: the base copy or the added text.
BASE, ADDED = 0, 1
#: Past this many pieces, or this share of added text, the next write stores the whole content again.
MAX_PIECES = 512
MIN_ADDED_FOR_COMPACTION = 8 << 20
#: Chunks handed to a hash or a write: big enough for few calls, small enough for no big copies.
CHUNK = 1 << 20

Piece = tuple[int, int, int]  # (BASE or ADDED, start, end)


class Content:
    """Immutable file content: `pieces` index into `base` and `added`; reads like a `bytes` where needed."""

    __slots__ = ("_offsets", "added", "base", "origin", "pieces", "size")

    def __init__(self, base: bytes, added: bytes = b"", pieces: Sequence[Piece] | None = None, *,
                 origin: tuple[int, int, int] | None = None) -> None:
        self.base, self.added = base, added
        #: the identity (size, mtime_ns, inode) of the stored base file `base` was read from or written to
        self.origin = origin
        self.pieces: list[Piece] = list(pieces) if pieces is not None else ([(BASE, 0, len(base))] if base else [])
        self._offsets: list[int] = []
        total = 0
        for _src, start, end in self.pieces:
            self._offsets.append(total)
            total += end - start
        self.size = total

    @classmethod
    def of(cls, data: bytes | Content) -> Content:
        return data if isinstance(data, Content) else cls(bytes(data))

    def __len__(self) -> int:
        return self.size

    def _buffer(self, src: int) -> bytes:
        return self.base if src == BASE else self.added

    def chunks(self) -> Iterator[memoryview]:
        """The content in order, as views of at most CHUNK bytes (no copy)."""
        views = {BASE: memoryview(self.base), ADDED: memoryview(self.added)}
        for src, start, end in self.pieces:
            view = views[src]
            for at in range(start, end, CHUNK):
                yield view[at:min(end, at + CHUNK)]

    def __getitem__(self, span: slice) -> bytes:
        start, stop, step = span.indices(self.size)
        if step != 1:
            raise ValueError("content slices have step 1")
        if stop <= start:
            return b""
        if len(self.pieces) == 1:
            src, base_start, _end = self.pieces[0]
            return self._buffer(src)[base_start + start:base_start + stop]
        out: list[bytes] = []
        index = bisect.bisect_right(self._offsets, start) - 1
        while start < stop and index < len(self.pieces):
            src, p_start, p_end = self.pieces[index]
            offset = self._offsets[index]
            lo, hi = p_start + start - offset, min(p_end, p_start + stop - offset)
            out.append(self._buffer(src)[lo:hi])
            start += hi - lo
            index += 1
        return b"".join(out)

    def __bytes__(self) -> bytes:
        if len(self.pieces) == 1 and self.pieces[0] == (BASE, 0, len(self.base)):
            return self.base
        return b"".join(self.chunks())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Content):
            if self.size != other.size:
                return False
            if self.base is other.base and self.pieces == other.pieces \
                    and (self.added is other.added or self.added == other.added):
                return True
            return _same_stream(self.chunks(), other.chunks())
        if isinstance(other, bytes | bytearray | memoryview):
            if self.size != len(other):
                return False
            return _same_stream(self.chunks(), iter([memoryview(other)]))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)  # hashlib lets go of the GIL for big updates: a writer thread runs meanwhile
        return digest.hexdigest()

    def replaced(self, spans: Sequence[tuple[int, int, bytes]]) -> Content:
        """This content with each [start, end) of *spans* (in order, not overlapping) replaced by its bytes."""
        fresh = [text for _s, _e, text in spans]
        added = self.added + b"".join(fresh)
        at = len(self.added)
        pieces: list[Piece] = []
        pos = 0
        for start, end, text in spans:
            pieces.extend(self._range(pos, start))
            if text:
                pieces.append((ADDED, at, at + len(text)))
                at += len(text)
            pos = end
        pieces.extend(self._range(pos, self.size))
        return Content(self.base, added, _merged(pieces), origin=self.origin)

    def _range(self, start: int, stop: int) -> list[Piece]:
        """The pieces covering [start, stop) of this content."""
        out: list[Piece] = []
        if stop <= start:
            return out
        index = bisect.bisect_right(self._offsets, start) - 1
        while start < stop and index < len(self.pieces):
            src, p_start, p_end = self.pieces[index]
            offset = self._offsets[index]
            lo, hi = p_start + start - offset, min(p_end, p_start + stop - offset)
            out.append((src, lo, hi))
            start += hi - lo
            index += 1
        return out

    def needs_compaction(self) -> bool:
        """True when storing the whole content again beats keeping more pieces (see the module's doc)."""
        if len(self.pieces) > MAX_PIECES:
            return True
        in_base = sum(end - start for src, start, end in self.pieces if src == BASE)
        return len(self.added) > max(MIN_ADDED_FOR_COMPACTION, in_base // 4) or in_base < len(self.base) // 2


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Adjacent pieces of the same buffer that continue each other as one."""
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1][0] == piece[0] and out[-1][2] == piece[1]:
            out[-1] = (piece[0], out[-1][1], piece[2])
        elif piece[2] > piece[1]:
            out.append(piece)
    return out


def _same_stream(left: Iterator[memoryview], right: Iterator[memoryview]) -> bool:
    """Two byte streams of the same length are equal (compared in chunks, never joined)."""
    a = b = memoryview(b"")
    while True:
        if not a:
            a = next(left, memoryview(b""))
        if not b:
            b = next(right, memoryview(b""))
        if not len(a) or not len(b):
            return not len(a) and not len(b)
        n = min(len(a), len(b))
        if a[:n] != b[:n]:
            return False
        a, b = a[n:], b[n:]
