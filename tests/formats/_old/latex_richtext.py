# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
"""Zotero rich-text titles <-> LaTeX: `<i>`, `<b>`, `<sub>`, `<sup>`, small caps and `nocase` spans.

Zotero allows a small HTML subset in titles (https://www.zotero.org/support/kb/rich_text_bibliography).
Writing maps it to LaTeX commands and braces words that need case protection (see latex_case); reading maps
LaTeX back and turns braces into `nocase` spans only where they protect more than the writer would, so
`latex_to_rich(title_to_latex(x)) == x` for a rich title x.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from senref.formats.latex_encode import escape
from tests.formats._old.latex_case import TitleCase
from tests.formats._old.latex_decode import AUTO_OPEN, CLOSE, EXPLICIT_OPEN, MARKERS, NOCASE, _flat, decode_marked

#: Zotero tag -> LaTeX command
COMMANDS = {"i": "textit", "b": "textbf", "sub": "textsubscript", "sup": "textsuperscript", "sc": "textsc"}
_ALIASES = {"em": "i", "strong": "b"}
#: tags nested deeper than this are read as if absent (the writer recurses once per level)
MAX_MARKUP_DEPTH = 64
_TOKEN = re.compile(
    r"<(/?)(i|b|em|strong|sub|sup|sc|nc)>"  # Zotero's tags (and BBT's <sc>/<nc> shorthands)
    r"|<span(\s[^<>]*)?>|(</span>)"
    r"|</?(?:a|br|p|div|u|s|font|small|big|code|tt|abbr|cite|q|mark|del|ins)\b[^<>]*>"  # HTML with no LaTeX home
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass
class _Node:
    kind: str  #: "root", "i", "b", "sub", "sup", "sc", "nocase" or "span" (no meaning of its own)
    children: list[_Node | str] = field(default_factory=list)
    start: int = 0  #: offsets of the node's text in the title's plain text
    end: int = 0


def _span_kinds(attrs: str) -> list[str]:
    kinds = []
    if re.search(r"""class\s*=\s*["'][^"']*\bnocase\b""", attrs):
        kinds.append("nocase")
    if re.search(r"small-caps", attrs):
        kinds.append("sc")
    return kinds or ["span"]


def parse_rich(text: str) -> _Node:
    """Zotero's rich text as a tree; unknown or unbalanced markup is read leniently, never rejected."""
    root = _Node("root")
    stack = [root]
    #: how many nodes each open <span> pushed (one span can be nocase and small caps at once)
    span_sizes: list[int] = []
    pos = 0

    def add_text(chunk: str) -> None:
        children = stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += chunk
        elif chunk:
            children.append(chunk)

    for match in _TOKEN.finditer(text):
        add_text(text[pos:match.start()])
        pos = match.end()
        token = match.group(0)
        if token.startswith("&"):
            add_text(html.unescape(token))
        elif match.group(2):
            kind = _ALIASES.get(match.group(2), match.group(2))
            kind = "nocase" if kind == "nc" else kind
            if match.group(1):
                _close(stack, kind)
            elif len(stack) <= MAX_MARKUP_DEPTH:  # deeper tags are ignored: no title nests so far
                node = _Node(kind)
                stack[-1].children.append(node)
                stack.append(node)
        elif token.startswith("<span"):
            kinds = _span_kinds(match.group(3) or "") if len(stack) <= MAX_MARKUP_DEPTH else []
            for kind in kinds:
                node = _Node(kind)
                stack[-1].children.append(node)
                stack.append(node)
            span_sizes.append(len(kinds))
        elif match.group(4) and span_sizes:
            for _ in range(span_sizes.pop()):
                if len(stack) > 1:
                    stack.pop()
        # other HTML tags: dropped, their text kept
    add_text(text[pos:])
    return root


def _close(stack: list[_Node], kind: str) -> None:
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].kind == kind:
            del stack[depth:]
            return


def _plain(node: _Node, parts: list[str], offset: int) -> int:
    node.start = offset
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
            offset += len(child)
        else:
            offset = _plain(child, parts, offset)
    node.end = offset
    return offset


def rich_to_plain(text: str) -> str:
    """The text of a rich title without its markup."""
    parts: list[str] = []
    _plain(parse_rich(text), parts, 0)
    return "".join(parts)


def _one_group(latex: str) -> bool:
    """Whether *latex* is a single `{...}` group from its first character to its last."""
    if not latex.startswith("{") or not latex.endswith("}"):
        return False
    depth = 0
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return i == len(latex) - 1
        i += 1
    return False


def _has_case(text: str) -> bool:
    return any(c.isupper() or c.islower() for c in text)


class _Writer:
    def __init__(self, root: _Node, plain: str, *, unicode: bool, protect: bool, missing: set[str] | None) -> None:
        self.case = TitleCase(plain)
        self.protect = protect
        self.unicode = unicode
        self.missing = missing
        self.ranges = sorted(self.case.protected) if protect else []

    def text(self, chunk: str, start: int) -> str:
        out: list[str] = []
        pos = start
        end = start + len(chunk)
        for w_start, w_end in self.ranges:
            if w_end <= pos or w_start >= end:
                continue
            lo, hi = max(w_start, pos), min(w_end, end)
            out.append(self._escape(chunk[pos - start:lo - start]))
            piece = self._escape(chunk[lo - start:hi - start])
            out.append("{" + piece + "}" if _has_case(chunk[lo - start:hi - start]) else piece)
            pos = hi
        out.append(self._escape(chunk[pos - start:]))
        return "".join(out)

    def _escape(self, chunk: str) -> str:
        return escape(chunk, unicode=self.unicode, missing=self.missing)

    def node(self, node: _Node, nocased: bool = False) -> str:
        parts: list[str] = []
        offset = node.start
        inner_nocase = nocased or node.kind == "nocase"
        for child in node.children:
            if isinstance(child, str):
                parts.append(self._escape(child) if inner_nocase or not self.protect else self.text(child, offset))
                offset += len(child)
            else:
                parts.append(self.node(child, inner_nocase))
                offset = child.end
        content = "".join(parts)
        if node.kind in COMMANDS:
            return f"\\{COMMANDS[node.kind]}{{{content}}}"
        if node.kind != "nocase" or nocased:
            return content
        # A brace the reader would take for the writer's own protection needs a second one to stay a span;
        # so does one opening on a command ("{\emph{x}}" is a BibTeX special character, not protection).
        if self.case.brace_is_redundant(node.start, node.end) or content.startswith("\\"):
            return "{{" + content + "}}"
        return "{" + content + "}"


def title_to_latex(rich: str, *, unicode: bool, protect: bool = True, missing: set[str] | None = None) -> str:
    """A Zotero rich-text title as the LaTeX of a braced .bib field value.

    `<i>`/`<em>` -> \\textit, `<b>` -> \\textbf, `<sub>`/`<sup>` -> \\textsubscript/\\textsuperscript,
    small caps -> \\textsc, `nocase` spans -> braces; other HTML is dropped, its text kept. With *protect*,
    the words a sentence-case style must not change are braced (latex_case). Characters are escaped as by
    escape(); those with no LaTeX form are added to *missing*.
    """
    root = parse_rich(rich.replace(MARKERS[0], "").replace(MARKERS[1], "").replace(MARKERS[2], ""))
    parts: list[str] = []
    _plain(root, parts, 0)
    latex = _Writer(root, "".join(parts), unicode=unicode, protect=protect, missing=missing).node(root)
    significant = [c for c in root.children if not (isinstance(c, str) and not c.strip())]
    if _one_group(latex) and len(significant) == 1 and isinstance(significant[0], _Node) \
            and significant[0].kind == "nocase":
        latex = "{" + latex + "}"  # the reader unwraps a brace around the whole value
    return latex


def escape_rich(text: str, *, unicode: bool = True) -> str:
    """Rich text to LaTeX markup without adding case protection (journal and book titles)."""
    return title_to_latex(text, unicode=unicode, protect=False)


_RICH_TAG = re.compile(r"</?(?:i|b|sub|sup)>|<span[^<>]*>|</span>")


def latex_to_rich(tex: str) -> str:
    """A .bib title as Zotero rich text: markup to tags, TeX to Unicode, protecting braces to `nocase` spans.

    Braces become a span only where they protect more than title_to_latex would by itself: `{DNA}`,
    `{T}itle` and a brace around the whole value do not; `{The Lancet}` in a Title Cased title does.
    Never raises on a str; a value nested too deep is read as plain text.
    """
    for marker in MARKERS:
        tex = tex.replace(marker, "")
    value = tex.strip()
    if _one_group(value):
        value = value[1:-1]
    marked = decode_marked(value)
    if marked is None:
        return re.sub(r"[ \t\r\n]+", " ", _flat(value)).strip()
    marked = re.sub(r"[ \t\r\n]+", " ", marked).strip()
    return _resolve(marked)


def _resolve(marked: str) -> str:
    """Turn the reader's brace markers into `nocase` spans where they protect something, else drop them."""
    plain: list[str] = []
    length = 0
    #: per marker position in *marked*: its offset in the plain text
    offsets: dict[int, int] = {}
    pos = 0
    for match in re.finditer(_RICH_TAG.pattern + f"|[{MARKERS}]", marked):
        chunk = marked[pos:match.start()]
        plain.append(chunk)
        length += len(chunk)
        if match.group(0) in MARKERS:
            offsets[match.start()] = length
        pos = match.end()
    plain.append(marked[pos:])
    case = TitleCase("".join(plain))
    opens: list[int] = []
    keep: dict[int, bool] = {}
    for index in sorted(offsets):
        if marked[index] == CLOSE:
            if opens:
                start = opens.pop()
                keep[start] = keep[index] = marked[start] == EXPLICIT_OPEN or not case.brace_is_redundant(
                    offsets[start], offsets[index])
        else:
            opens.append(index)
    out: list[str] = []
    pos = 0
    for index in sorted(offsets):
        out.append(marked[pos:index])
        if keep.get(index):
            out.append("</span>" if marked[index] == CLOSE else NOCASE)
        pos = index + 1
    out.append(marked[pos:])
    return "".join(out).replace(AUTO_OPEN, "").replace(EXPLICIT_OPEN, "").replace(CLOSE, "")


_CHUNK = re.compile(r"\S+")


def protect_case(encoded_title: str) -> str:
    """Brace the words of an already encoded title that need case protection (see latex_case).

    Kept for callers that encode first; title_to_latex() decides on the text itself and is preferred.
    Words holding commands or braces are left as they are.
    """
    chunks = list(_CHUNK.finditer(encoded_title))
    plain_words: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    depth = 0
    for match in chunks:
        word = match.group(0)
        simple = depth == 0 and not any(c in word for c in "\\{}")
        plain_words.append(word if simple else "x")
        spans.append((offset, offset + len(plain_words[-1])))
        offset += len(plain_words[-1]) + 1
        depth += word.count("{") - word.count("}")
    case = TitleCase(" ".join(plain_words))
    protected = sorted(case.protected)
    out: list[str] = []
    pos = 0
    for (start, end), match, plain_word in zip(spans, chunks, plain_words, strict=True):
        out.append(encoded_title[pos:match.start()])
        word = match.group(0)
        pieces = [(s - start, e - start) for s, e in protected if s >= start and e <= end]
        if pieces and plain_word == word:
            last = 0
            for lo, hi in pieces:
                out.append(word[last:lo] + "{" + word[lo:hi] + "}")
                last = hi
            out.append(word[last:])
        else:
            out.append(word)
        pos = match.end()
    out.append(encoded_title[pos:])
    return "".join(out)
