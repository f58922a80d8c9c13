"""Per-entry rendering on top of the formats' whole-file writers: render, split into entries, reassemble.

The formats write whole files. For incremental exports sync needs one entry per item, so it asks the
writer for a batch of items, splits the output at each format's entry boundary, and keeps every
item's bytes; a file is then `header + entries + footer`, in senref's own framing, so a file
assembled from cached entries is byte-identical to one rendered from scratch.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from senref.core.model import Item

#: Where an entry starts, per format (at the start of a line).
_BIB_START = re.compile(rb"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_BIB_SKIP = re.compile(rb"^[ \t]*@(?:comment|preamble|string)\b", re.IGNORECASE)
_RIS_START = re.compile(rb"^TY  - ", re.MULTILINE)
_BIB_KEY = re.compile(rb"@[A-Za-z]+[ \t]*[{(][ \t]*([^,\s]*)")
_RIS_KEY = re.compile(rb"^ID  - (.*?)\r?$", re.MULTILINE)


@dataclass
class Rendered:
    """One item's entry and the citation key it carries."""

    key: str
    text: bytes
    citekey: str


class EntryCodec:
    """Cutting and joining the entries of one format; `incremental` says whether it can at all."""

    incremental = True
    header = b""
    footer = b""
    separator = b"\n"

    def __init__(self, fmt: Any) -> None:
        self.fmt = fmt

    # -- the pieces of a file ------------------------------------------------------------------
    def split(self, data: bytes) -> list[tuple[int, int]]:
        """Byte spans [start, end) of the entries in *data*, in file order."""
        raise NotImplementedError

    def citekey(self, entry: bytes) -> str:
        raise NotImplementedError

    def normalise(self, entry: bytes) -> bytes:
        """The entry as senref frames it (trimmed, one newline at the end)."""
        return entry.strip() + b"\n"

    def assemble(self, entries: Iterable[bytes]) -> tuple[bytes, list[tuple[int, int]]]:
        """The file for *entries* and each entry's span in it."""
        parts = [self.header]
        spans = []
        offset = len(self.header)
        first = True
        for entry in entries:
            if not first:
                parts.append(self.separator)
                offset += len(self.separator)
            first = False
            parts.append(entry)
            spans.append((offset, offset + len(entry)))
            offset += len(entry)
        parts.append(self.footer)
        return b"".join(parts), spans

    # -- rendering through the format's writer -------------------------------------------------
    def render(self, items: list[Item], ctx: Any) -> tuple[list[Rendered], list[tuple[str, str]]]:
        """One entry per item; items the writer skipped come back as (key, reason) problems."""
        if not items:
            return [], []
        got = self._cut(items, self._write(items, ctx))
        if got is not None:
            return got, []
        if len(items) == 1:
            return [], [(items[0].key, "the format's writer produced no entry for it")]
        # Some item did not come out as exactly one entry (the writer skipped it): render one by
        # one so the others are exported and the odd one is listed.
        rendered: list[Rendered] = []
        problems: list[tuple[str, str]] = []
        for item in items:
            one, bad = self.render([item], ctx)
            rendered.extend(one)
            problems.extend(bad)
        return rendered, problems

    def _cut(self, items: list[Item], data: bytes) -> list[Rendered] | None:
        """The writer's output cut into one entry per item, or None when the counts differ."""
        entries = [self.normalise(data[s:e]) for s, e in self.split(data)]
        if len(entries) != len(items):
            return None
        return [Rendered(item.key, text, self.citekey(text)) for item, text in zip(items, entries, strict=True)]

    def write_all(self, items: list[Item], ctx: Any) -> bytes:
        """The whole file as the format's writer makes it (formats that cannot be cut into entries)."""
        return self._write(items, ctx)

    def _write(self, items: list[Item], ctx: Any) -> bytes:
        ext = self.fmt.extensions[0] if getattr(self.fmt, "extensions", None) else ".txt"
        with tempfile.TemporaryDirectory(prefix="senref-render-") as tmp:
            out = Path(tmp) / f"entries{ext}"
            self.fmt.write(items, out, ctx)
            return out.read_bytes() if out.exists() else b""


class BibCodec(EntryCodec):
    """BibTeX and BibLaTeX: an entry starts at `@type{` at the start of a line; blank line between."""

    separator = b"\n"

    def split(self, data: bytes) -> list[tuple[int, int]]:
        starts = [m.start() for m in _BIB_START.finditer(data) if not _BIB_SKIP.match(data, m.start())]
        return [(s, starts[i + 1] if i + 1 < len(starts) else len(data)) for i, s in enumerate(starts)]

    def citekey(self, entry: bytes) -> str:
        m = _BIB_KEY.search(entry)
        return m.group(1).decode("utf-8", "replace") if m else ""


class RisCodec(EntryCodec):
    """RIS: an entry runs from `TY  - ` to `ER  - `."""

    def split(self, data: bytes) -> list[tuple[int, int]]:
        starts = [m.start() for m in _RIS_START.finditer(data)]
        return [(s, starts[i + 1] if i + 1 < len(starts) else len(data)) for i, s in enumerate(starts)]

    def citekey(self, entry: bytes) -> str:
        m = _RIS_KEY.search(entry)
        return m.group(1).decode("utf-8", "replace").strip() if m else ""


class CslJsonCodec(EntryCodec):
    """CSL-JSON: one array; senref frames it itself so entries can be joined without reparsing."""

    header = b"[\n"
    footer = b"\n]\n"
    separator = b",\n"

    def _cut(self, items: list[Item], data: bytes) -> list[Rendered] | None:
        try:
            objects = json.loads(data or b"[]")
        except ValueError:
            return None
        if not isinstance(objects, list) or len(objects) != len(items):
            return None
        out = []
        for item, obj in zip(items, objects, strict=True):
            # Re-serialised by senref so the framing of every entry is the same, cached or fresh.
            text = json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8")
            out.append(Rendered(item.key, text, str(obj.get("id") or "") if isinstance(obj, dict) else ""))
        return out

    def normalise(self, entry: bytes) -> bytes:
        return entry.strip()

    def split(self, data: bytes) -> list[tuple[int, int]]:
        """Spans of the top-level objects of a JSON array (string-aware brace matching)."""
        spans: list[tuple[int, int]] = []
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
                if depth == 1 and byte == 0x7B:
                    start = i
                depth += 1
            elif byte in (0x7D, 0x5D):
                depth -= 1
                if depth == 1 and byte == 0x7D and start >= 0:
                    spans.append((start, i + 1))
                    start = -1
        return spans

    def citekey(self, entry: bytes) -> str:
        try:
            obj = json.loads(entry)
        except ValueError:
            return ""
        return str(obj.get("id") or "") if isinstance(obj, dict) else ""


class WholeFileCodec(EntryCodec):
    """Formats whose entries cannot be cut apart (Zotero RDF: items and collections cross-reference)."""

    incremental = False

    def split(self, data: bytes) -> list[tuple[int, int]]:
        return []

    def citekey(self, entry: bytes) -> str:
        return ""


def codec_for(fmt: Any) -> EntryCodec:
    name = getattr(fmt, "name", "")
    if name in ("bibtex", "biblatex"):
        return BibCodec(fmt)
    if name == "ris":
        return RisCodec(fmt)
    if name == "csljson":
        return CslJsonCodec(fmt)
    return WholeFileCodec(fmt)
