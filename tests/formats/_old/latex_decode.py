# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
"""LaTeX -> Unicode for BibTeX fields: accents, special letters, escapes, markup, math and case braces."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator

from senref.formats.latex_tables import ACCENTS, ESCAPES, SPACING_ACCENTS, SUBSCRIPTS, SUPERSCRIPTS, SYMBOLS

#: markup commands -> HTML tags Zotero uses in titles
MARKUP: dict[str, str] = {
    "emph": "i", "textit": "i", "textsl": "i", "mathit": "i", "mkbibemph": "i", "textbf": "b", "mathbf": "b",
    "mkbibbold": "b", "textsuperscript": "sup", "mkbibsuperscript": "sup", "textsubscript": "sub",
    "mkbibsubscript": "sub", "textsc": "sc",
}
#: font switches (`{\em ...}`) -> the tag for the rest of their group
SWITCHES: dict[str, str] = {
    "em": "i", "it": "i", "itshape": "i", "sl": "i", "slshape": "i", "bf": "b", "bfseries": "b", "sc": "sc",
    "scshape": "sc",
}
#: commands whose argument is kept as plain text
TRANSPARENT = frozenset({"textrm", "textsf", "texttt", "textup", "textnormal", "mathrm", "text", "mbox",
                         "mathsf", "mathtt", "hbox", "uppercase", "MakeUppercase", "lowercase", "MakeLowercase",
                         "textmd", "mathnormal", "mathcal", "mathbb", "mathfrak", "boldsymbol",
                         "bm", "operatorname", "makebox", "fbox", "foreignlanguage", "textenglish"})
#: argument-less commands that change nothing in plain text
IGNORED = frozenset({"rm", "sf", "tt", "normalfont", "relax", "protect", "small", "footnotesize", "large",
                     "Large", "upshape", "mdseries", "selectfont", "noindent", "par", "ignorespaces",
                     "unskip", "null", "leavevmode", "displaystyle", "textstyle", "scriptstyle", "left", "right",
                     "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "xspace"})
#: commands whose arguments are dropped entirely
DROPPED = frozenset({"noopsort", "hspace", "vspace", "label", "index", "cite", "ref", "footnote", "kern",
                     "hskip", "vskip"})
SMALL_CAPS = '<span style="font-variant:small-caps;">'
NOCASE = '<span class="nocase">'

#: Groups, commands and math the decoder follows inside one another before it gives up on structure; each
#: level costs a few Python frames, so this stays far below the recursion limit and far above real values.
MAX_NESTING = 64
_COMMAND_NAME = re.compile(r"[A-Za-z]+")
_DOTLESS = {"ı": "i", "ȷ": "j"}
#: markers the rich reader puts around case-protecting braces (Unicode noncharacters, removed from input)
AUTO_OPEN, EXPLICIT_OPEN, CLOSE = "\ufdd0", "\ufdd1", "\ufdd2"
MARKERS = AUTO_OPEN + EXPLICIT_OPEN + CLOSE


class _TooDeep(Exception):
    """The value nests deeper than MAX_NESTING (decoded flat instead)."""


def _tag(tag: str, inner: str) -> str:
    if tag == "sc":
        return f"{SMALL_CAPS}{inner}</span>"
    return f"<{tag}>{inner}</{tag}>"


def _script(inner: str, table: dict[str, str]) -> str | None:
    """*inner* as Unicode super- or subscript characters, when each has one."""
    return "".join(table[c] for c in inner) if inner and all(c in table for c in inner) else None


class _Decoder:
    def __init__(self, text: str, html: bool, rich: bool = False) -> None:
        self.s = text
        self.i = 0
        self.html = html or rich
        self.rich = rich  #: mark case-protecting braces for the rich reader
        self.depth = 0
        self.nocase = 0  #: inside a case-protecting group (inner braces protect nothing more)

    @contextlib.contextmanager
    def _level(self) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _TooDeep
        try:
            yield
        finally:
            self.depth -= 1

    def group(self, *, protective: bool = False) -> str:
        """Decode a {...} group starting at self.i (the brace) and return its content."""
        with self._level():
            self.i += 1
            mark = ""
            if protective and self.rich and not self.nocase:
                mark = EXPLICIT_OPEN if self._single_group_inside() else AUTO_OPEN
                self.nocase += 1
            try:
                out = self.run(stop="}")
            finally:
                if mark:
                    self.nocase -= 1
            self.i += 1
            return f"{mark}{out}{CLOSE}" if mark else out

    def _single_group_inside(self) -> bool:
        """Whether the group opened just before self.i holds exactly one group: `{{...}}` (explicit nocase)."""
        s, i = self.s, self.i
        if i >= len(s) or s[i] != "{":
            return False
        depth = 0
        for j in range(i, min(len(s), i + 100_000)):
            ch = s[j]
            if ch == "\\":
                continue
            if ch == "{" and (j == 0 or s[j - 1] != "\\"):
                depth += 1
            elif ch == "}" and s[j - 1] != "\\":
                depth -= 1
                if depth == 0:
                    return j + 1 < len(s) and s[j + 1] == "}"
        return False

    def _skip_space(self) -> None:
        s = self.s
        while self.i < len(s) and s[self.i] in " \t\r\n":
            self.i += 1

    def arg(self) -> str:
        self._skip_space()
        if self.i >= len(self.s) or self.s[self.i] == "}":
            return ""  # "{\d}": a command with no argument before its group ends
        if self.s[self.i] == "{":
            return self.group()
        if self.s[self.i] == "\\":
            return self.command()
        ch = self.s[self.i]
        self.i += 1
        return ch

    def raw_arg(self) -> str:
        """The next braced argument as written (for URLs): escapes undone, nothing else."""
        self._skip_space()
        s = self.s
        if self.i >= len(s) or s[self.i] != "{":
            return ""
        depth, start = 0, self.i + 1
        while self.i < len(s):
            ch = s[self.i]
            if ch == "\\":
                self.i += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return to_unicode_verbatim(s[start:self.i - 1])
            self.i += 1
        return to_unicode_verbatim(s[start:])

    def command(self) -> str:
        with self._level():
            return self._command()

    def _accent(self, mark: str) -> str:
        base = self.arg()
        if not base:
            # An accent over nothing (`\~{}`, a bare `\~`) prints the accent by itself, never on the letter before.
            return SPACING_ACCENTS.get(mark, mark)
        first = _DOTLESS.get(base[0], base[0])
        return unicodedata.normalize("NFC", first + mark + base[1:])

    def _command(self) -> str:
        s = self.s
        self.i += 1
        if self.i >= len(s):
            return "\\"
        ch = s[self.i]
        if not ch.isalpha():
            self.i += 1
            if ch in ACCENTS:
                return self._accent(ACCENTS[ch])
            if ch == "\\":
                return "\n"
            return ESCAPES.get(ch, ch)
        match = _COMMAND_NAME.match(s, self.i)  # no slice: a value of 100,000 commands stays linear
        assert match
        name = match.group(0)
        self.i += len(name)
        if name in ACCENTS:
            return self._accent(ACCENTS[name])
        if name in SYMBOLS:
            # "\ss{}" and "\o " : an empty group or spaces end the command
            if s.startswith("{}", self.i):
                self.i += 2
            else:
                self._skip_space()
            return SYMBOLS[name]
        if name in MARKUP:
            return self._markup(MARKUP[name])
        if name in SWITCHES:
            self._skip_space()
            inner = self.run(stop="}")
            return _tag(SWITCHES[name], inner) if self.html and inner else inner
        if name in ("url", "nolinkurl", "path"):
            return self.raw_arg()
        if name == "href":
            self.raw_arg()
            return self.arg()
        if name in ("enquote", "mkbibquote", "textquote"):
            return f"“{self.arg()}”"
        if name == "NoCaseChange":
            return self._nocase()
        if name == "ensuremath":
            self._skip_space()
            if self.i < len(s) and s[self.i] == "{":
                with self._level():
                    self.i += 1
                    return self._math_until("}")
            return self.arg()
        if name in TRANSPARENT:
            return self.arg()
        if name in DROPPED:
            self._skip_space()
            dropped = self.raw_arg() if self.i < len(s) and s[self.i] == "{" else ""
            return "\u200b" if name == "hspace" and dropped.strip() == "0pt" else ""  # the encoder's zero-width space
        if name in IGNORED:
            self._skip_space()
            return ""
        # Unknown command: keep its argument text, drop the command (as Zotero and BBT do).
        self._skip_space()
        return self.arg() if self.i < len(s) and s[self.i] == "{" else ""

    def _markup(self, tag: str) -> str:
        inner = self.arg()
        if tag in ("sup", "sub") and not self.html:
            return _script(inner, SUPERSCRIPTS if tag == "sup" else SUBSCRIPTS) or inner
        return _tag(tag, inner) if self.html else inner

    def _nocase(self) -> str:
        if not (self.rich and not self.nocase):
            return self.arg()
        self.nocase += 1
        try:
            return f"{EXPLICIT_OPEN}{self.arg()}{CLOSE}"
        finally:
            self.nocase -= 1

    def math(self) -> str:
        with self._level():
            self.i += 1
            return self._math_until("$")

    def _math_until(self, stop: str) -> str:
        out: list[str] = []
        s = self.s
        while self.i < len(s) and s[self.i] != stop:
            ch = s[self.i]
            if ch in "^_":
                self.i += 1
                content = self.arg()
                table = SUPERSCRIPTS if ch == "^" else SUBSCRIPTS
                script = _script(content, table)
                if script is not None:
                    out.append(script)
                elif self.html:
                    out.append(_tag("sup" if ch == "^" else "sub", content))
                else:
                    out.append(content)
            elif ch == "\\":
                out.append(self.command())
            elif ch == "{":
                out.append(self.group())
            elif ch == "$" or ch in " \t\r\n":
                self.i += 1  # "$$" inside \ensuremath, and math spaces, print nothing
            else:
                out.append(ch)
                self.i += 1
        self.i += 1
        return "".join(out)

    def run(self, stop: str = "") -> str:
        out: list[str] = []
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if ch == stop:
                break
            if ch == "\\":
                out.append(self.command())
            elif ch == "{":
                # "{\'e}" is a "special character" to BibTeX, not case protection
                out.append(self.group(protective=not s.startswith("\\", self.i + 1)))
            elif ch == "}":
                self.i += 1  # stray closing brace: drop it
            elif ch == "$":
                out.append(self.math())
            elif ch == "~":
                out.append("\u00a0")
                self.i += 1
            elif ch == "-" and s.startswith("---", self.i):
                out.append("—")
                self.i += 3
            elif ch == "-" and s.startswith("--", self.i):
                out.append("–")
                self.i += 2
            elif ch in "`'" and s.startswith(ch * 2, self.i):
                out.append("“" if ch == "`" else "”")
                self.i += 2
            elif ch == "`":
                out.append("‘")
                self.i += 1
            else:
                out.append(ch)
                self.i += 1
        return "".join(out)


_NEEDS_DECODE = re.compile(r"[\\{}$~`]|--|''")


def to_unicode(text: str, *, html: bool = False) -> str:
    """Decode LaTeX to Unicode; braces (case protection) are dropped. `html` keeps \\emph etc. as <i>.

    Never raises on a str: a value nested deeper than MAX_NESTING is read flat (see _flat).
    """
    if not _NEEDS_DECODE.search(text):
        return text
    try:
        return _Decoder(text, html).run()
    except _TooDeep:
        return _flat(text)


_FLAT_TOKEN = re.compile(r"\\([A-Za-z]+|.)|[{}$]|~", re.S)


def _flat(text: str) -> str:
    """A plain reading of a pathologically nested value: known symbols and escapes kept, other commands,
    braces and math shifts dropped, in one pass (no recursion, linear time).

    >>> _flat(r"{{{\\'e\\ss{}\\{x\\}}}}")
    'eß{x}'
    """
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "\u00a0" if match.group(0) == "~" else ""
        if name == "\\":
            return "\n"
        return SYMBOLS.get(name, ESCAPES.get(name, ""))
    return _FLAT_TOKEN.sub(one, text)


def to_unicode_verbatim(text: str) -> str:
    """For url/doi/file values: only undo escapes, no dash or quote ligatures."""
    return re.sub(r"\\([_%&#$~{}])", r"\1", text).replace("{}", "")


def decode_marked(text: str) -> str | None:
    """Rich decoding with case-protecting braces marked (AUTO_OPEN/EXPLICIT_OPEN ... CLOSE); None if too deep."""
    try:
        return _Decoder(text, html=True, rich=True).run()
    except _TooDeep:
        return None
