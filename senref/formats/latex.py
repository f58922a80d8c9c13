"""LaTeX <-> Unicode for BibTeX fields: accents, special letters, escapes, simple markup and math."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator

#: accent command -> combining character
ACCENTS: dict[str, str] = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361",
}
#: argument-less commands -> text
SYMBOLS: dict[str, str] = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "dag": "†", "ddag": "‡", "S": "§", "P": "¶",
    "copyright": "©", "textregistered": "®", "texttrademark": "™", "pounds": "£", "euro": "€",
    "textdegree": "°", "ldots": "…", "dots": "…", "textellipsis": "…", "textbackslash": "\\",
    "textasciitilde": "~", "textasciicircum": "^", "textbar": "|", "textless": "<", "textgreater": ">",
    "textunderscore": "_", "textbullet": "•", "textperiodcentered": "·", "guillemotleft": "«",
    "guillemotright": "»", "LaTeX": "LaTeX", "TeX": "TeX", "textmu": "µ", "micro": "µ",
    "textpm": "±", "pm": "±", "times": "×", "textrightarrow": "→", "rightarrow": "→", "to": "→",
    "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "neq": "≠", "approx": "≈", "infty": "∞", "sim": "∼",
    "cdot": "·", "deg": "°", "circ": "∘", "prime": "′", "quad": " ", "qquad": " ",
}
GREEK = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
         "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"]
for _i, _name in enumerate(GREEK):
    _lower = "αβγδεζηθικλμνξπρστυφχψω"[_i]
    SYMBOLS[_name] = _lower
    SYMBOLS[_name.capitalize()] = _lower.upper()
SYMBOLS["varepsilon"] = "ε"
SYMBOLS["vartheta"] = "ϑ"
SYMBOLS["varphi"] = "φ"
SYMBOLS["varsigma"] = "ς"

#: markup commands -> HTML tags Zotero uses in titles
MARKUP: dict[str, str] = {
    "emph": "i", "textit": "i", "textsl": "i", "mathit": "i", "textbf": "b", "mathbf": "b",
    "textsuperscript": "sup", "textsubscript": "sub", "textsc": "sc",
}
#: commands whose argument is kept as plain text
TRANSPARENT = frozenset({"textrm", "textsf", "texttt", "textup", "textnormal", "mathrm", "text", "mbox",
                         "url", "href", "ensuremath", "mathsf", "mathtt", "hbox", "nolinkurl", "uppercase",
                         "MakeUppercase", "lowercase", "MakeLowercase", "textmd", "NoCaseChange"})
ESCAPES = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", ",": "\u2009",
           ";": " ", "!": "", "/": "", "-": ""}
SUPERSCRIPTS = dict(zip("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ", strict=True))
SUBSCRIPTS = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))


#: Groups, commands and math the decoder follows inside one another before it gives up on structure; each
#: level costs a few Python frames, so this stays far below the recursion limit and far above real values.
MAX_NESTING = 64
_COMMAND_NAME = re.compile(r"[A-Za-z]+")


class _TooDeep(Exception):
    """The value nests deeper than MAX_NESTING (decoded flat instead)."""


class _Decoder:
    def __init__(self, text: str, html: bool) -> None:
        self.s = text
        self.i = 0
        self.html = html
        self.depth = 0

    @contextlib.contextmanager
    def _level(self) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _TooDeep
        try:
            yield
        finally:
            self.depth -= 1

    def group(self) -> str:
        """Decode a {...} group starting at self.i (the brace) and return its content."""
        with self._level():
            self.i += 1
            out = self.run(stop="}")
            self.i += 1
            return out

    def arg(self) -> str:
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1
        if self.i >= len(self.s):
            return ""
        if self.s[self.i] == "{":
            return self.group()
        if self.s[self.i] == "\\":
            return self.command()
        ch = self.s[self.i]
        self.i += 1
        return ch

    def command(self) -> str:
        with self._level():
            return self._command()

    def _command(self) -> str:
        s = self.s
        self.i += 1
        if self.i >= len(s):
            return "\\"
        ch = s[self.i]
        if not ch.isalpha():
            self.i += 1
            if ch in ACCENTS:
                base = self.arg()
                return unicodedata.normalize("NFC", (base[:1] + ACCENTS[ch] + base[1:]) if base else ACCENTS[ch])
            if ch == "\\":
                return "\n"
            return ESCAPES.get(ch, ch)
        match = _COMMAND_NAME.match(s, self.i)  # no slice: a value of 100,000 commands stays linear
        assert match
        name = match.group(0)
        self.i += len(name)
        if name in ACCENTS and len(name) == 1:
            base = self.arg()
            return unicodedata.normalize("NFC", base[:1] + ACCENTS[name] + base[1:]) if base else ""
        if name in SYMBOLS:
            # "\ss{}" and "\o " : an empty group or one space ends the command
            if s.startswith("{}", self.i):
                self.i += 2
            elif self.i < len(s) and s[self.i] == " ":
                self.i += 1
            return SYMBOLS[name]
        if name in MARKUP:
            inner = self.arg()
            tag = MARKUP[name]
            if not self.html:
                return inner
            if tag == "sc":
                return f'<span style="font-variant:small-caps;">{inner}</span>'
            return f"<{tag}>{inner}</{tag}>"
        if name in TRANSPARENT:
            return self.arg()
        if name in ("em", "it", "bf", "sc", "rm", "sf", "tt", "normalfont", "relax", "protect", "noopsort",
                    "small", "footnotesize", "large", "Large", "itshape", "bfseries", "upshape", "scshape"):
            if name == "noopsort":
                self.arg()
            while self.i < len(s) and s[self.i] == " ":
                self.i += 1
            return ""
        # Unknown command: keep its argument text, drop the command (as Zotero and BBT do).
        while self.i < len(s) and s[self.i] == " ":
            self.i += 1
        return self.arg() if self.i < len(s) and s[self.i] == "{" else ""

    def math(self) -> str:
        with self._level():
            return self._math()

    def _math(self) -> str:
        self.i += 1
        out: list[str] = []
        s = self.s
        while self.i < len(s) and s[self.i] != "$":
            ch = s[self.i]
            if ch in "^_":
                self.i += 1
                content = self.arg()
                table = SUPERSCRIPTS if ch == "^" else SUBSCRIPTS
                if all(c in table for c in content):
                    out.append("".join(table[c] for c in content))
                elif self.html:
                    tag = "sup" if ch == "^" else "sub"
                    out.append(f"<{tag}>{content}</{tag}>")
                else:
                    out.append(content)
            elif ch == "\\":
                out.append(self.command())
            elif ch == "{":
                out.append(self.group())
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
                out.append(self.group())
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
            else:
                out.append(ch)
                self.i += 1
        return "".join(out)


_NEEDS_DECODE = re.compile(r"[\\{}$~]|--|``|''")


def to_unicode(text: str, *, html: bool = False) -> str:
    """Decode LaTeX to Unicode; braces (case protection) are dropped. `html` keeps \\emph etc. as <i>."""
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


# -- encoding --------------------------------------------------------------------------------------------
_REVERSE_SYMBOLS: dict[str, str] = {}
for _cmd, _char in SYMBOLS.items():
    if len(_char) == 1 and ord(_char) > 127 and _char not in _REVERSE_SYMBOLS and _cmd not in ("le", "ge", "to", "deg"):
        _REVERSE_SYMBOLS[_char] = _cmd
_MATH_SYMBOLS = {c for n, c in SYMBOLS.items() if n.lower() in GREEK or n in (
    "pm", "times", "rightarrow", "leq", "geq", "neq", "approx", "infty", "sim", "cdot", "circ", "prime")}
_REVERSE_ACCENTS = {v: k for k, v in ACCENTS.items()}
_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
            "\u00a0": "~", "–": "--", "—": "---", "“": "``", "”": "''"}
_HTML_TAGS = re.compile(r"<(/?)(i|b|sup|sub|em|strong)>|<span style=\"font-variant:\s*small-caps;?\">|</span>")
_HTML_CMD = {"i": "textit", "em": "emph", "b": "textbf", "strong": "textbf", "sup": "textsuperscript",
             "sub": "textsubscript"}


def _char_to_latex(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ord(ch) < 128:
        return ch
    if ch in _REVERSE_SYMBOLS:
        cmd = _REVERSE_SYMBOLS[ch]
        return f"$\\{cmd}$" if ch in _MATH_SYMBOLS else f"{{\\{cmd}}}"
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) == 2 and decomposed[1] in _REVERSE_ACCENTS:
        base = decomposed[0]
        base = {"i": r"\i", "j": r"\j"}.get(base, base)
        acc = _REVERSE_ACCENTS[decomposed[1]]
        return f"{{\\{acc}{base}}}" if not acc.isalpha() else f"{{\\{acc}{{{base}}}}}"
    return ch  # no LaTeX spelling known: keep the character (UTF-8 .bib files are normal today)


def escape(text: str, *, unicode: bool = True) -> str:
    """Encode a plain value for a braced BibTeX field: escapes always; non-ASCII as LaTeX unless *unicode*."""
    if unicode:
        return "".join(_SPECIAL.get(ch, ch) if ch in "&%$#_{}~^\\" else ch for ch in text)
    return "".join(_char_to_latex(ch) for ch in text)


def escape_rich(text: str, *, unicode: bool = True) -> str:
    """Like escape(), turning Zotero's rich-text HTML (<i>, <b>, <sup>...) into LaTeX commands."""
    out: list[str] = []
    pos = 0
    for match in _HTML_TAGS.finditer(text):
        out.append(escape(text[pos:match.start()], unicode=unicode))
        tag = match.group(0)
        if tag.startswith("<span"):
            out.append("\\textsc{")
        elif tag == "</span>" or match.group(1):
            out.append("}")
        else:
            out.append(f"\\{_HTML_CMD[match.group(2)]}{{")
        pos = match.end()
    out.append(escape(text[pos:], unicode=unicode))
    encoded = "".join(out)
    return encoded if encoded.count("{") == encoded.count("}") else escape(text, unicode=unicode)


_WORD = re.compile(r"(?<![\\\w])([^\s{}\\]*[A-Z][^\s{}\\]*)")


def protect_case(encoded_title: str) -> str:
    """Brace words whose capitals must survive a BibTeX style's lower-casing (acronyms, names, genes).

    The first word keeps its capital without braces (styles keep it); later capitalised words and any word
    with an inner capital ("p16INK4a", "DNA") are protected, as Better BibTeX does.
    """
    out: list[str] = []
    pos = 0
    depth = 0
    first = True
    for match in re.finditer(r"\S+", encoded_title):
        out.append(encoded_title[pos:match.start()])
        word = match.group(0)
        inner_cap = any(c.isupper() for c in word[1:])
        lead_cap = word[:1].isupper()
        if depth == 0 and "\\" not in word and "{" not in word and "}" not in word and (
                inner_cap or (lead_cap and not first)):
            out.append("{" + word + "}")
        else:
            out.append(word)
        depth += word.count("{") - word.count("}")
        first = False
        pos = match.end()
    out.append(encoded_title[pos:])
    return "".join(out)
