"""A streaming, forgiving BibTeX/BibLaTeX parser: entries come out one at a time with their line numbers.

The file is split into `@type{...}` blocks by brace counting while reading line by line (flat memory); each
block is then parsed on its own, so one malformed entry is reported and skipped while the rest imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from senref.formats.bibtex_prepass import parse_jabref_groups, scan_file

__all__ = ["REPEAT", "BibSyntaxError", "Block", "Entry", "Problem", "iter_blocks", "iter_entries", "parse_block",
           "parse_jabref_groups", "scan_file"]

#: joins the values of a repeated note field (Zotero writes one annote per note), so each stays a note
REPEAT = "\x1e"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_START = re.compile(r"@\s*([A-Za-z_][\w-]*)\s*([{(])")


@dataclass
class Entry:
    type: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class Block:
    kind: str
    opener: str
    text: str  # from after the opening delimiter to before the closing one
    line: int
    #: offsets in the stream read: the "@" and just past the closing delimiter
    start: int = 0
    end: int = 0


class BibSyntaxError(ValueError):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


#: Braces nested deeper than this make an entry unreadable (no real value comes near it; the LaTeX
#: decoder and every tool after it would otherwise pay for pathological input).
MAX_DEPTH = 100
#: What matters inside a block, per opener: escapes, braces, and ")" closing a parenthesised block. A group
#: with no brace or escape inside (`{2020}`) is taken in one step: it leaves the depth as it was.
_INSIDE = {"{": re.compile(r"\{[^{}\\]*\}|[\\{}]"), "(": re.compile(r"\{[^{}\\]*\}|[\\{})]")}


@dataclass
class _Open:
    """The block being read: where it started, how deep its braces are, the text so far."""

    kind: str
    opener: str
    line: int
    start: int
    key: str
    depth: int = 1
    deep_line: int = 0  # the line where the braces first went past MAX_DEPTH
    parts: list[str] = field(default_factory=list)

    def label(self) -> str:
        """How a problem names the block: `@article{key`, or `@article` when the key is not on its line."""
        return f"@{self.kind}{{{self.key}" if self.key else f"@{self.kind}"


def iter_blocks(handle: IO[str]) -> Iterator[Block | Problem]:
    """Split the stream into @-blocks; unbalanced or too deeply nested blocks are reported as problems.

    Offsets count characters of the stream as read (the first line's byte-order mark included), so a
    caller that decodes bytes one-to-one (latin-1) gets byte offsets.
    """
    lineno = 0
    offset = 0  # of the current line in the stream
    block: _Open | None = None
    for raw in handle:
        lineno += 1
        line = raw
        pos = 0
        if lineno == 1 and raw.startswith("\ufeff"):
            pos = len(raw) - len(raw.lstrip("\ufeff"))
        if block is not None and line.startswith("@") and _START.match(line):
            # A new entry starts at column 0 while the previous one is still open: that one is broken.
            yield Problem(block.line, f"{block.label()}: entry is not closed (unbalanced braces); skipped")
            block = None
        while pos < len(line):
            if block is None:
                block, pos = _open_block(line, pos, lineno, offset)
                if block is None:
                    break
                continue
            end = _scan(block, line, pos, lineno)
            if end < 0:
                if not block.deep_line:
                    block.parts.append(line[pos:])
                break
            yield _close(block, line[pos:end], offset + end + 1)
            block = None
            pos = end + 1
        offset += len(raw)
    if block is not None:
        yield Problem(block.line, f"{block.label()}: entry is not closed before the end of the file; skipped")


def _open_block(line: str, pos: int, lineno: int, offset: int) -> tuple[_Open | None, int]:
    """The block starting at the next `@type{` of *line* from *pos*, and where its body starts."""
    while True:
        at = line.find("@", pos)
        if at < 0:
            return None, len(line)
        match = _START.match(line, at)
        if match:
            key = _safe_key(line[match.end():])
            return _Open(match.group(1).lower(), match.group(2), lineno, offset + at, key), match.end()
        pos = at + 1


def _scan(block: _Open, line: str, pos: int, lineno: int) -> int:
    """Follow braces from *pos*; the index of the block's closing delimiter, or -1 if not on this line."""
    special = _INSIDE[block.opener]
    paren = block.opener == "("
    i = pos
    while True:
        match = special.search(line, i)
        if match is None:
            return -1
        j = match.start()
        ch = line[j]
        if ch == "\\":
            i = j + 2
            continue
        if match.end() - j > 1:  # a flat group: one level deeper and back
            if block.depth > MAX_DEPTH and not block.deep_line:
                block.deep_line = lineno
            i = match.end()
            continue
        if ch == "{":
            block.depth += 1
            if block.depth > MAX_DEPTH + 1 and not block.deep_line:
                block.deep_line = lineno
        elif ch == "}":
            block.depth -= 1
            if block.depth == 0 and not paren:
                return j
        elif block.depth == 1:  # ")" of a parenthesised block
            return j
        i = j + 1


def _close(block: _Open, last: str, end: int) -> Block | Problem:
    if block.deep_line:
        return Problem(block.deep_line, f"{block.label()}: braces nested more than {MAX_DEPTH} levels deep; "
                                        "entry skipped")
    block.parts.append(last)
    return Block(block.kind, block.opener, "".join(block.parts), block.line, block.start, end)


#: The reader scans with these instead of a Python step per character (issue 15: the tokenizer was a fifth
#: of an import). Whitespace includes what str.isspace() calls whitespace, as `\s` does on str patterns;
#: a `%` comment runs to the end of its line, newline included.
_WS = re.compile(r"\s*(?:%[^\n]*\n?\s*)*")
_NAME = re.compile(r"[^\s=,{}()\"#%]+")
_WORD = re.compile(r"[^\s,#}{\"]+")
_KEY = re.compile(r"[^\s,]*")
#: a braced or quoted value with nothing inside that needs counting: the common case, in one match
_FLAT_BRACED = re.compile(r"\{([^{}\\]*)\}")
_FLAT_QUOTED = re.compile(r'"([^"{}\\]*)"')
#: `name = {flat value},` (or a quoted value, or a number) with nothing around it that needs the careful
#: path: a comment, a `#` concatenation, a macro, nested braces or an escape make it fall back
_FLAT_FIELD = re.compile(r'\s*([^\s=,{}()"#%]+)\s*=\s*(?:\{([^{}\\]*)\}|"([^"{}\\]*)"|(\d+)(?![^\s,#}{"]))'
                         r'\s*(?:,|\Z)')
_IN_BRACED = re.compile(r"[{}\\]")
_IN_QUOTED = re.compile(r'[{}\\"]')


class _Reader:
    def __init__(self, text: str, macros: dict[str, str]) -> None:
        self.s = text
        self.i = 0
        self.macros = macros

    def ws(self) -> None:
        match = _WS.match(self.s, self.i)
        if match is not None:  # None only past the end, after a comment on the last line
            self.i = match.end()

    def name(self) -> str:
        self.ws()
        match = _NAME.match(self.s, self.i)
        if not match:
            raise BibSyntaxError(self.i, f"expected a field name, found {self.s[self.i:self.i + 15]!r}")
        self.i = match.end()
        return match.group(0)

    def braced(self) -> str:
        s = self.s
        flat = _FLAT_BRACED.match(s, self.i)
        if flat is not None:
            self.i = flat.end()
            return flat.group(1)
        start = self.i + 1
        depth = 0
        i = self.i
        search = _IN_BRACED.search
        while True:
            match = search(s, i)
            if match is None:
                raise BibSyntaxError(self.i, "unbalanced braces in a field value")
            j = match.start()
            ch = s[j]
            if ch == "\\":
                i = j + 2  # an escaped character counts for nothing, a brace included
                continue
            if ch == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    self.i = j + 1
                    return s[start:j]
            i = j + 1

    def quoted(self) -> str:
        s = self.s
        flat = _FLAT_QUOTED.match(s, self.i)
        if flat is not None:
            self.i = flat.end()
            return flat.group(1)
        start = self.i + 1
        depth = 0
        i = start
        search = _IN_QUOTED.search
        while True:
            match = search(s, i)
            if match is None:
                raise BibSyntaxError(self.i, "a quoted field value is not closed")
            j = match.start()
            ch = s[j]
            if ch == "\\":
                i = j + 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1  # may go below zero: then no quote closes the value, as before
            elif depth == 0:
                self.i = j + 1
                return s[start:j]
            i = j + 1

    def value(self) -> str:
        parts: list[str] = []
        size = 0
        while True:
            self.ws()
            if self.i >= len(self.s):
                raise BibSyntaxError(self.i, "a field has no value")
            ch = self.s[self.i]
            if ch == "{":
                parts.append(self.braced())
            elif ch == '"':
                parts.append(self.quoted())
            else:
                match = _WORD.match(self.s, self.i)
                if not match:
                    raise BibSyntaxError(self.i, f"unexpected {ch!r} where a value should be")
                word = match.group(0)
                self.i = match.end()
                if word.isdigit():
                    parts.append(word)
                else:
                    low = word.lower()
                    if low in self.macros:
                        parts.append(self.macros[low])
                    elif low[:3] in MONTHS and low in (*MONTHS, *(m + "." for m in MONTHS)):
                        parts.append(str(MONTHS.index(low[:3]) + 1))
                    else:
                        parts.append(word)  # undefined macro: keep its name, as BibTeX warns and goes on
            size += len(parts[-1])
            if size > MAX_JOINED:
                # @string values that double each other would otherwise fill the memory (2**59 characters).
                raise BibSyntaxError(self.i, f"a value joined with '#' passes {MAX_JOINED:,} characters")
            self.ws()
            if self.i < len(self.s) and self.s[self.i] == "#":
                self.i += 1
                continue
            return parts[0] if len(parts) == 1 else "".join(parts)

    def fields(self) -> dict[str, str]:
        out: dict[str, str] = {}
        flat = _FLAT_FIELD.match
        while True:
            field = flat(self.s, self.i)
            if field is not None:
                self.i = field.end()
                self._store(out, field.group(1).lower(), field.group(field.lastindex or 0))
                continue
            self.ws()
            if self.i >= len(self.s):
                return out
            if self.s[self.i] == ",":
                self.i += 1
                continue
            name = self.name().lower()
            self.ws()
            if self.i >= len(self.s) or self.s[self.i] != "=":
                raise BibSyntaxError(self.i, f"field {name!r} has no '='")
            self.i += 1
            self._store(out, name, self.value())
            self.ws()
            if self.i < len(self.s) and self.s[self.i] not in ",":
                raise BibSyntaxError(self.i, f"expected ',' after field {name!r}")

    @staticmethod
    def _store(out: dict[str, str], name: str, value: str) -> None:
        if name in out and out[name] != value:
            # Repeated fields (Zotero writes several annote/annotation): keep all, each note on its own.
            if name in ("annote", "annotation", "comment", "review", "notes"):
                out[name] = f"{out[name]}{REPEAT}{value}"
            elif name == "keywords":
                out[name] = f"{out[name]}, {value}"
        else:
            out[name] = value


#: The longest value `#` may join from macros and strings; no field of a real record comes near it.
MAX_JOINED = 1 << 20


def parse_block(block: Block, macros: dict[str, str]) -> Entry | Problem | None:
    """Parse one block; @string updates *macros*; @comment and @preamble give None (kept harmlessly)."""
    reader = _Reader(block.text, macros)
    try:
        if block.kind == "string":
            for name, value in reader.fields().items():
                macros[name.lower()] = value
            return None
        if block.kind in ("comment", "preamble"):
            return None
        reader.ws()
        match = _KEY.match(block.text, reader.i)
        key = match.group(0) if match else ""
        reader.i = match.end() if match else reader.i
        reader.ws()
        if "=" in key or (reader.i < len(block.text) and block.text[reader.i] == "="):
            # No citation key (EndNote, some JabRef outputs): the fields start right away; import without one.
            reader.i = 0
            return Entry(block.kind, "", reader.fields(), block.line)
        return Entry(block.kind, key, reader.fields(), block.line)
    except BibSyntaxError as exc:
        line = block.line + block.text.count("\n", 0, exc.offset)
        return Problem(line, f"@{block.kind}{{{_safe_key(block.text)}: {exc}; entry skipped")


def _safe_key(text: str) -> str:
    return text.split(",", 1)[0].strip()[:40]


def iter_entries(handle: IO[str], macros: dict[str, str] | None = None) -> Iterator[Entry | Problem]:
    macros = {} if macros is None else macros
    for block in iter_blocks(handle):
        if isinstance(block, Problem):
            yield block
            continue
        result = parse_block(block, macros)
        if result is not None:
            yield result
