# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
"""A streaming, forgiving BibTeX/BibLaTeX parser: entries come out one at a time with their line numbers.

The file is split into `@type{...}` blocks by brace counting while reading line by line (flat memory); each
block is then parsed on its own, so one malformed entry is reported and skipped while the rest imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

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
#: What matters inside a block, per opener: escapes, braces, and ")" closing a parenthesised block.
_INSIDE = {"{": re.compile(r"[\\{}]"), "(": re.compile(r"[\\{})]")}


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
        if block is not None and _START.match(line) and not line.startswith((" ", "\t")):
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


class _Reader:
    def __init__(self, text: str, macros: dict[str, str]) -> None:
        self.s = text
        self.i = 0
        self.macros = macros

    def ws(self) -> None:
        s = self.s
        while self.i < len(s) and (s[self.i].isspace() or s[self.i] == "%"):
            if s[self.i] == "%":  # a comment runs to the end of the line (outside values)
                nl = s.find("\n", self.i)
                self.i = len(s) if nl < 0 else nl
            self.i += 1

    def name(self) -> str:
        self.ws()
        match = re.compile(r"[^\s=,{}()\"#%]+").match(self.s, self.i)
        if not match:
            raise BibSyntaxError(self.i, f"expected a field name, found {self.s[self.i:self.i + 15]!r}")
        self.i = match.end()
        return match.group(0)

    def braced(self) -> str:
        s = self.s
        start = self.i + 1
        depth = 0
        i = self.i
        while i < len(s):
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    self.i = i + 1
                    return s[start:i]
            i += 1
        raise BibSyntaxError(self.i, "unbalanced braces in a field value")

    def quoted(self) -> str:
        s = self.s
        start = self.i + 1
        depth = 0
        i = start
        while i < len(s):
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == '"' and depth == 0:
                self.i = i + 1
                return s[start:i]
            i += 1
        raise BibSyntaxError(self.i, "a quoted field value is not closed")

    def value(self) -> str:
        parts: list[str] = []
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
                match = re.compile(r"[^\s,#}{\"]+").match(self.s, self.i)
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
            self.ws()
            if self.i < len(self.s) and self.s[self.i] == "#":
                self.i += 1
                continue
            return "".join(parts)

    def fields(self) -> dict[str, str]:
        out: dict[str, str] = {}
        while True:
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
            value = self.value()
            if name in out and out[name] != value:
                # Repeated fields (Zotero writes several annote/annotation): keep all, each note on its own.
                if name in ("annote", "annotation", "comment", "review", "notes"):
                    out[name] = f"{out[name]}{REPEAT}{value}"
                elif name == "keywords":
                    out[name] = f"{out[name]}, {value}"
            else:
                out[name] = value
            self.ws()
            if self.i < len(self.s) and self.s[self.i] not in ",":
                raise BibSyntaxError(self.i, f"expected ',' after field {name!r}")


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
        match = re.compile(r"[^\s,]*").match(block.text, reader.i)
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


_JABREF_META = re.compile(r"@comment\s*\{\s*jabref-meta:\s*(grouping|groupstree):(.*?)\}\s*$", re.S | re.I | re.M)


def scan_file(handle: IO[str]) -> tuple[set[str], str]:
    """Cheap first pass: keys that other entries crossref, and JabRef's group tree text (usually at the end)."""
    targets: set[str] = set()
    groups: list[str] = []
    collecting = False
    cross = re.compile(r"^\s*crossref\s*=\s*[{\"]?\s*([^}\",\s]+)", re.I)
    for line in handle:
        match = cross.match(line)
        if match:
            targets.add(match.group(1).lower())
        low = line.lower()
        if "jabref-meta:" in low and ("grouping:" in low or "groupstree:" in low):
            collecting = True
            groups.clear()
            continue
        if collecting:
            if line.strip().startswith("}"):
                collecting = False
            else:
                groups.append(line.rstrip("\n"))
    return targets, "\n".join(groups)


def parse_jabref_groups(text: str) -> tuple[dict[str, tuple[str, ...]], dict[str, list[tuple[str, ...]]]]:
    """JabRef group tree -> (group name -> path of names, citation key -> paths for explicit v3 groups)."""
    paths: dict[str, tuple[str, ...]] = {}
    members: dict[str, list[tuple[str, ...]]] = {}
    stack: list[str] = []
    joined = re.sub(r"\\\n", "", text)
    for raw in re.split(r";\s*\n", joined):
        match = re.match(r"\s*(\d+)\s+(\w+):(.*)", raw.strip(), re.S)
        if not match:
            continue
        level = int(match.group(1))
        kind = match.group(2)
        if kind == "AllEntriesGroup" or level == 0:
            stack = []
            continue
        parts = [p.replace("\\\\", "\\") for p in re.split(r"(?<!\\)\\;", match.group(3))]
        name = parts[0].strip()
        del stack[level - 1:]
        stack.append(name)
        path = tuple(stack)
        paths.setdefault(name, path)
        if kind == "ExplicitGroup":
            for raw_key in parts[2:]:
                key = raw_key.strip().rstrip(";")
                if key:
                    members.setdefault(key, []).append(path)
    return paths, members
