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
import errno
import hashlib
import os
import threading
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

#: Where a piece's bytes are: the base copy or the added text.
BASE, ADDED = 0, 1
#: Past this many pieces, or this share of added text, the next write stores the whole content again.
MAX_PIECES = 512
MIN_ADDED_FOR_COMPACTION = 8 << 20
#: Chunks handed to a hash or a write: big enough for few calls, small enough for no big copies.
CHUNK = 1 << 20

Piece = tuple[int, int, int]  # (BASE or ADDED, start, end)


class BaseFile:
    """A stored base read on demand through one descriptor: a write copies its ranges in the kernel,
    and nothing of a 250 MB base is read into memory unless something asks for its bytes.

    `close()` lets the file be replaced where an open file cannot be (Windows); a later read opens
    the name again and refuses a file that is not the one first opened.
    """

    __slots__ = ("__weakref__", "_closer", "_fd", "_lock", "path", "size", "stamp")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._fd = self._open()
        st = os.fstat(self._fd)
        self.size = st.st_size
        #: (size, mtime_ns, inode) of the file this descriptor reads, whatever the name points at later
        self.stamp = (st.st_size, st.st_mtime_ns, st.st_ino)

    def _open(self) -> int:
        fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self._closer = weakref.finalize(self, os.close, fd)
        return fd

    @property
    def fd(self) -> int:
        with self._lock:
            if self._fd < 0:
                fd = self._open()
                st = os.fstat(fd)
                if (st.st_size, st.st_mtime_ns, st.st_ino) != self.stamp:
                    self._closer()
                    raise OSError(errno.ESTALE, "the stored copy was replaced meanwhile", str(self.path))
                self._fd = fd
            return self._fd

    def close(self) -> None:
        with self._lock:
            self._closer()
            self._fd = -1

    def __len__(self) -> int:
        return self.size

    def read(self, start: int, end: int) -> bytes:
        fd = self.fd
        parts: list[bytes] = []
        while start < end:
            if hasattr(os, "pread"):
                got = os.pread(fd, end - start, start)
            else:  # Windows: one reader at a time moves the shared position
                with self._lock:
                    os.lseek(fd, start, os.SEEK_SET)
                    got = os.read(fd, end - start)
            if not got:
                raise OSError(errno.EIO, "the stored copy ended early", str(self.path))
            parts.append(got)
            start += len(got)
        return b"".join(parts)


Buffer = bytes | BaseFile


class Content:
    """Immutable file content: `pieces` index into `base` and `added`; reads like a `bytes` where needed."""

    __slots__ = ("_offsets", "added", "base", "origin", "pieces", "size")

    def __init__(self, base: Buffer, added: bytes = b"", pieces: Sequence[Piece] | None = None, *,
                 origin: tuple[int, int, int] | None = None) -> None:
        self.base, self.added = base, added
        #: the identity (size, mtime_ns, inode) of the stored base file `base` was read from or written to
        self.origin = origin
        self.pieces: list[Piece] = list(pieces) if pieces is not None else ([(BASE, 0, len(base))] if len(base) else [])
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

    def _read(self, src: int, start: int, end: int) -> bytes:
        if src == ADDED:
            return self.added[start:end]
        base = self.base
        return base.read(start, end) if isinstance(base, BaseFile) else base[start:end]

    def chunks(self) -> Iterator[memoryview]:
        """The content in order, in chunks of at most CHUNK bytes (views where the bytes are in memory)."""
        added = memoryview(self.added)
        base = self.base if isinstance(self.base, BaseFile) else memoryview(self.base)
        for src, start, end in self.pieces:
            for at in range(start, end, CHUNK):
                stop = min(end, at + CHUNK)
                if src == ADDED:
                    yield added[at:stop]
                elif isinstance(base, BaseFile):
                    yield memoryview(base.read(at, stop))
                else:
                    yield base[at:stop]

    def write_to(self, handle: IO[bytes]) -> None:
        """Write the content to *handle*; ranges of a stored base are copied by the kernel where it can."""
        base = self.base
        for src, start, end in self.pieces:
            if src == BASE and isinstance(base, BaseFile) and _copy_range(base, handle, start, end):
                continue
            for at in range(start, end, CHUNK):
                handle.write(self._read(src, at, min(end, at + CHUNK)))

    def __getitem__(self, span: slice) -> bytes:
        start, stop, step = span.indices(self.size)
        if step != 1:
            raise ValueError("content slices have step 1")
        if stop <= start:
            return b""
        parts = [self._read(src, lo, hi) for src, lo, hi in self._range(start, stop)]
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def __bytes__(self) -> bytes:
        if isinstance(self.base, bytes) and len(self.pieces) == 1 and self.pieces[0] == (BASE, 0, len(self.base)):
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


def _copy_range(base: BaseFile, handle: IO[bytes], start: int, end: int) -> bool:
    """Copy base[start:end] to *handle* inside the kernel; False (nothing written) where that cannot be done."""
    copy = getattr(os, "copy_file_range", None)  # Linux only
    if copy is None:
        return False
    handle.flush()
    out = handle.fileno()
    at = start
    while at < end:
        try:
            done = copy(base.fd, out, end - at, at)
        except OSError as exc:
            # Two file systems on an older kernel, or one that cannot: the caller copies through memory.
            if at == start and exc.errno in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                return False
            raise
        if done == 0:
            raise OSError(errno.EIO, "the stored copy ended early")
        at += done
    return True


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
