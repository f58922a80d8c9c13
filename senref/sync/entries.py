"""Per-entry rendering for incremental sync, and cutting a file on disk back into its entries.

Writing goes through the formats' own per-entry API (`Format.render_entries`, `header`, `separator`,
`footer`): sync keeps every item's bytes and joins them exactly as `Format.write` does, so a file
assembled from cached entries is byte-identical to one rendered from scratch. Cutting (`split`) is
only for reading a target back after someone else edited it, where senref cannot know the spans.

In BibTeX and RIS targets the text between two entries belongs to the user (comments, `@string`,
`@preamble`, `@comment`, notes): `gaps` cuts it out, a `Layout` ties each piece to the entry it
precedes, and `assemble_layout` puts it back verbatim in front of that entry on every re-render.
"""

from __future__ import annotations

import bisect
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from typing import Any

from senref.core.model import Item
from senref.formats import bibtex_parse

#: Block kinds that are no entry: they belong to the text between entries, which is the user's.
_BIB_NOT_ENTRIES = frozenset({"comment", "preamble", "string"})
#: Where a RIS record starts and ends, as the RIS reader sees those lines (one or two spaces before "-").
_RIS_START = re.compile(rb"^TY  ?-(?: |[ \t]*\r?$)", re.MULTILINE)
_RIS_END = re.compile(rb"^ER  ?-[^\n]*(?:\n|\Z)", re.MULTILINE)
_UTF8_BOM = b"\xef\xbb\xbf"
#: The rest of an entry's last line and the blank lines after it: they go with the entry.
_TRAILING_BLANK = re.compile(rb"(?:[ \t]*(?:\r\n|\n|\r))+")
_NEWLINE = re.compile(rb"\r\n|\r|\n")
_BIB_KEY = re.compile(rb"@[A-Za-z]+[ \t]*[{(][ \t]*([^,\s]*)")
_RIS_KEY = re.compile(rb"^ID  - (.*?)\r?$", re.MULTILINE)
#: The id of a CSL object as senref writes it (first member); anything else is parsed in full.
_CSL_ID = re.compile(rb'\s*\{"id": ("(?:[^"\\]|\\.)*")')


@dataclass
class Rendered:
    """One item's entry and the citation key it carries."""

    key: str
    text: bytes
    citekey: str


@dataclass
class Layout:
    """The user's text between the entries of a file, kept verbatim across re-renders.

    `blocks` holds each piece with the item key of the entry it stands in front of ("" when it
    follows the last entry); `order` is the item keys of the file's entries in file order, which is
    also the order they are written in again. A piece whose entry leaves the target moves on to the
    next entry that stays (a `% section` heading keeps heading what is left of its section).
    """

    blocks: list[tuple[str, bytes]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    def placed(self, present: Iterable[str]) -> tuple[dict[str, list[bytes]], list[bytes]]:
        """The blocks by the key of the entry each now precedes, and the blocks that end the file.

        >>> Layout([("a", b"% A"), ("b", b"% B"), ("", b"% end")], ["a", "b", "c"]).placed(["a", "c"])
        ({'a': [b'% A'], 'c': [b'% B']}, [b'% end'])
        """
        present = set(present)
        home: dict[str, str] = {}
        following = ""
        for key in reversed(self.order):  # each key -> the first key at or after it that is still written
            if key in present:
                following = key
            home[key] = following
        before: dict[str, list[bytes]] = {}
        tail: list[bytes] = []
        for anchor, text in self.blocks:
            where = anchor if anchor in present else home.get(anchor, "")
            (before.setdefault(where, []) if where else tail).append(text)
        return before, tail


def line_numbers(data: bytes, offsets: list[int]) -> list[int]:
    """The 1-based line of each offset, counting CRLF, CR and LF as one line end (as text readers do).

    >>> line_numbers(b"a\\r\\nb\\rc\\nd", [0, 3, 5, 7])
    [1, 2, 3, 4]
    """
    ends = [m.end() for m in _NEWLINE.finditer(data)]
    return [bisect.bisect_right(ends, offset) + 1 for offset in offsets]


def _with_trailing_blank(data: bytes, end: int) -> int:
    match = _TRAILING_BLANK.match(data, end)
    return match.end() if match else end


def _encoder(newline: str | None) -> tuple[str, str]:
    """The newline translation a text-mode write with *newline* would apply, as (old, new)."""
    if newline is None and os.linesep != "\n":
        return "\n", os.linesep
    if newline not in (None, "", "\n"):
        return "\n", newline
    return "", ""


class EntryCodec:
    """Rendering, joining and cutting the entries of one format; `incremental` says whether it can at all."""

    incremental = True
    #: True when text between entries is the user's and is kept (the format has no separator there)
    keeps_text = False

    def __init__(self, fmt: Any, ctx: Any) -> None:
        self.fmt = fmt
        self._newline = _encoder(getattr(fmt, "newline", None))
        if self.incremental:
            self.header = self.encode(fmt.header(ctx))
            self.footer = self.encode(fmt.footer(ctx))
            self.separator = self.encode(fmt.separator)
        else:
            self.header = self.footer = self.separator = b""

    def encode(self, text: str) -> bytes:
        """*text* as the format's writer puts it on disk (UTF-8, its newline convention)."""
        old, new = self._newline
        return (text.replace(old, new) if old else text).encode("utf-8")

    # -- the pieces of a file ------------------------------------------------------------------
    def split(self, data: bytes) -> list[tuple[int, int]]:
        """Byte spans [start, end) of the entries in *data*, in file order."""
        raise NotImplementedError(f"entries of {self.fmt.name} files cannot be cut apart")

    def citekey(self, entry: bytes) -> str:
        return ""

    def normalise(self, entry: bytes) -> bytes:
        """An entry cut from a file, trimmed to what the reader needs (one newline at the end)."""
        return entry.strip() + b"\n"

    def assemble(self, entries: Iterable[bytes]) -> tuple[bytes, list[tuple[int, int]]]:
        """The file for *entries* (framed as the format frames them) and each entry's span in it.

        >>> codec = EntryCodec.__new__(EntryCodec)
        >>> codec.header, codec.separator, codec.footer = b"[", b",", b"]"
        >>> codec.assemble([b"1", b"22"])
        (b'[1,22]', [(1, 2), (3, 5)])
        """
        texts = list(entries)
        lengths = list(map(len, texts))
        # Offsets by C-level accumulation: a Python loop over 100,000 entries was a third of a one-item sync.
        starts = list(accumulate(map(add, lengths, repeat(len(self.separator))), initial=len(self.header)))[:-1]
        spans = list(zip(starts, map(add, starts, lengths), strict=True))
        return self.header + self.separator.join(texts) + self.footer, spans

    def gaps(self, data: bytes, spans: list[tuple[int, int]]) -> list[bytes]:
        """The text in front of each entry and after the last one (len(spans) + 1 pieces; blank ones empty)."""
        pieces: list[bytes] = []
        previous = 0
        for start, end in [*spans, (len(data), len(data))]:
            text = data[previous:start]
            pieces.append(text if text.strip() else b"")
            previous = end
        return pieces

    def assemble_layout(self, texts: list[bytes], before: list[list[bytes]], tail: list[bytes]
                        ) -> tuple[bytes, list[tuple[int, int]], list[tuple[int, int, int]]]:
        """Like `assemble`, with the user's *before* blocks in front of each entry and *tail* at the end.

        Returns the file, each entry's span, and each block's (index of the entry it precedes, or -1
        at the end, start, end). Blocks go in as they are, byte for byte.

        >>> codec = EntryCodec.__new__(EntryCodec)
        >>> codec.header = codec.separator = codec.footer = b""
        >>> codec.assemble_layout([b"E1\\n", b"E2\\n"], [[], [b"% c\\n"]], [b"% end"])
        (b'E1\\n% c\\nE2\\n% end', [(0, 3), (7, 10)], [(1, 3, 7), (-1, 10, 15)])
        """
        chunks: list[bytes] = [self.header]
        labels: list[int] = [-2]  # -2: framing; >= 0: entry i; -3 - i: a block before entry i; -1: the tail
        for index, (text, blocks) in enumerate(zip(texts, before, strict=True)):
            for block in blocks:
                chunks.append(block)
                labels.append(-3 - index)
            chunks.append(text)
            labels.append(index)
        for block in tail:
            chunks.append(block)
            labels.append(-1)
        chunks.append(self.footer)
        labels.append(-2)
        starts = list(accumulate(map(len, chunks), initial=0))
        entries: list[tuple[int, int]] = []
        kept: list[tuple[int, int, int]] = []
        for n, label in enumerate(labels):
            if label >= 0:
                entries.append((starts[n], starts[n + 1]))
            elif label != -2:
                kept.append((-1 if label == -1 else -3 - label, starts[n], starts[n + 1]))
        return b"".join(chunks), entries, kept

    # -- rendering through the format --------------------------------------------------------
    def render(self, items: list[Item], ctx: Any) -> tuple[list[Rendered], list[tuple[str, str]]]:
        """One entry per item; items the format left out or failed on come back as (key, reason) problems."""
        if not items:
            return [], []
        try:
            got = list(self.fmt.render_entries(items, ctx))
        except Exception as exc:  # a writer bug on one record must not stop the other 99,999 (reliability A4)
            if len(items) == 1:
                return [], [(items[0].key, f"could not be rendered: {exc}")]
            rendered: list[Rendered] = []
            problems: list[tuple[str, str]] = []
            for item in items:
                one, bad = self.render([item], ctx)
                rendered.extend(one)
                problems.extend(bad)
            return rendered, problems
        out = []
        for key, text in got:
            data = self.encode(text)
            out.append(Rendered(key, data, self.citekey(data)))
        done = {r.key for r in out}
        problems = [(i.key, "the format produced no entry for it") for i in items if i.key not in done]
        return out, problems

    def write_all(self, items: list[Item], ctx: Any) -> bytes:
        """The whole file as the format's writer makes it (formats that have no per-entry rendering)."""
        ext = self.fmt.extensions[0] if getattr(self.fmt, "extensions", None) else ".txt"
        with tempfile.TemporaryDirectory(prefix="senref-render-") as tmp:
            out = Path(tmp) / f"entries{ext}"
            self.fmt.write(items, out, ctx)
            return out.read_bytes() if out.exists() else b""


class BibCodec(EntryCodec):
    """BibTeX and BibLaTeX: an entry is an `@type{...}` block as the reader finds it, with the blank lines after it."""

    keeps_text = True

    def split(self, data: bytes) -> list[tuple[int, int]]:
        # The reader's own block scanner, so an entry here is exactly an entry there. Latin-1 maps each
        # byte to one character: the offsets it reports are byte offsets, and the braces, "@" and
        # newlines it looks for are ASCII, which no UTF-8 sequence contains.
        spans: list[tuple[int, int]] = []
        for block in bibtex_parse.iter_blocks(io.StringIO(data.decode("latin-1"), newline="\n")):
            if isinstance(block, bibtex_parse.Block) and block.kind not in _BIB_NOT_ENTRIES:
                spans.append((block.start, _with_trailing_blank(data, block.end)))
        return spans

    def citekey(self, entry: bytes) -> str:
        m = _BIB_KEY.search(entry)
        return m.group(1).decode("utf-8", "replace") if m else ""


class RisCodec(EntryCodec):
    """RIS: an entry runs from `TY  - ` to `ER  - ` (or to the next `TY`, as the reader allows)."""

    keeps_text = True

    def split(self, data: bytes) -> list[tuple[int, int]]:
        starts = [m.start() for m in _RIS_START.finditer(data)]
        if data.startswith(_UTF8_BOM) and _RIS_START.match(data[len(_UTF8_BOM):len(_UTF8_BOM) + 16]):
            starts.insert(0, len(_UTF8_BOM))  # the reader drops the mark; the record starts after it
        spans: list[tuple[int, int]] = []
        for i, start in enumerate(starts):
            limit = starts[i + 1] if i + 1 < len(starts) else len(data)
            end = _RIS_END.search(data, start, limit)
            spans.append((start, _with_trailing_blank(data, end.end()) if end else limit))
        return spans

    def citekey(self, entry: bytes) -> str:
        m = _RIS_KEY.search(entry)
        return m.group(1).decode("utf-8", "replace").strip() if m else ""


class CslJsonCodec(EntryCodec):
    """CSL-JSON: the top-level objects of one array."""

    def normalise(self, entry: bytes) -> bytes:
        return entry.strip()

    def split(self, data: bytes) -> list[tuple[int, int]]:
        """Spans of the top-level objects of a JSON array (string-aware brace matching); a file that is
        one object, as the reader also accepts, is one entry.

        >>> CslJsonCodec.split(None, b'[{"a": {"b": 1}}, {"c": "}"}]')  # type: ignore[arg-type]
        [(1, 16), (18, 28)]
        >>> CslJsonCodec.split(None, b' {"a": {"b": 1}}')  # type: ignore[arg-type]
        [(1, 16)]
        """
        spans: list[tuple[int, int]] = []
        level = 0 if data.lstrip()[:1] == b"{" else 1  # the depth at which entries open
        depth = 0
        in_string = False
        escape = False
        start = -1
        for i, byte in enumerate(data):
            if in_string:
                if escape:
                    escape = False
                elif byte == 0x5C:  # backslash
                    escape = True
                elif byte == 0x22:
                    in_string = False
                continue
            if byte == 0x22:
                in_string = True
            elif byte in (0x7B, 0x5B):  # { [
                if depth == level and byte == 0x7B:
                    start = i
                depth += 1
            elif byte in (0x7D, 0x5D):
                depth -= 1
                if depth == level and byte == 0x7D and start >= 0:
                    spans.append((start, i + 1))
                    start = -1
        return spans

    def citekey(self, entry: bytes) -> str:
        # senref's own entries start with the id: no full parse of 100,000 objects just for it.
        m = _CSL_ID.match(entry)
        try:
            value = json.loads(m.group(1)) if m else json.loads(entry).get("id")
        except (ValueError, AttributeError):
            return ""
        return str(value or "")


class WholeFileCodec(EntryCodec):
    """Formats whose entries cannot be cut apart (Zotero RDF: items and collections cross-reference)."""

    incremental = False


def codec_for(fmt: Any, ctx: Any) -> EntryCodec:
    """The codec for *fmt*; *ctx* gives the header and footer (the same for every write of a target)."""
    if not getattr(fmt, "per_entry", False):
        return WholeFileCodec(fmt, ctx)
    name = getattr(fmt, "name", "")
    if name in ("bibtex", "biblatex"):
        return BibCodec(fmt, ctx)
    if name == "ris":
        return RisCodec(fmt, ctx)
    if name == "csljson":
        return CslJsonCodec(fmt, ctx)
    return EntryCodec(fmt, ctx)
