"""Unicode -> LaTeX for BibTeX fields, so that a .bib file compiles with pdflatex (T1 fonts, utf8 input).

Every command written is wrapped in braces (`{\\'e}`, `{\\ensuremath{\\beta}}`): BibTeX's case changes then
treat it as one "special character" and never alter its command name, and the braces end the command.
Math symbols use `\\ensuremath`, which typesets in text and in math alike. Characters with no LaTeX form
(CJK, Cyrillic without T2A, emoji...) are kept as they are and reported, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from senref.formats.latex_tables import (
    ACCENT_COMMANDS,
    ASCII_FORMS,
    MATH_FORMS,
    SUBSCRIPT_BASE,
    SUPERSCRIPT_BASE,
    TEXT_COMMANDS,
)

#: TeX's special characters and their escapes, written in every mode
SPECIAL: dict[str, str] = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}"}
for _ch in "\\~^<>|":
    SPECIAL[_ch] = "{" + TEXT_COMMANDS[_ch] + "}"


def _braced(latex: str) -> str:
    """Brace a form that starts with a command word (`\\quad` -> `{\\quad}`); control symbols stay bare."""
    return "{" + latex + "}" if len(latex) > 1 and latex[0] == "\\" and latex[1].isalpha() else latex


def _accented(ch: str) -> str | None:
    """`é` -> `{\\'e}`, `ấ` -> `{\\'{\\^a}}`: a letter and the kernel accents that compose it."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not all(m in ACCENT_COMMANDS for m in marks):
        return None
    if base.isascii() and base.isalpha():
        inner = base
    elif base in TEXT_COMMANDS and base.isalpha():
        inner = TEXT_COMMANDS[base]  # "ǿ" = \'{\o}
    else:
        return None
    for mark in marks:
        command = ACCENT_COMMANDS[mark]
        if not command.isalpha() and len(inner) == 1:
            inner = f"\\{command}{inner}"
        else:
            inner = f"\\{command}{{{inner}}}"
    return "{" + inner + "}"


@lru_cache(maxsize=4096)
def encode_char(ch: str) -> str | None:
    """The LaTeX for one non-special character, or None when LaTeX (pdflatex, T1) has no form for it."""
    if ch.isascii():
        if ch in SPECIAL:
            return SPECIAL[ch]
        if ch == "\n" or " " <= ch <= "~":
            return ch
        return ASCII_FORMS.get(ch)  # tab and CR; other control characters have no form
    if ch in ASCII_FORMS:
        return _braced(ASCII_FORMS[ch])
    if ch in TEXT_COMMANDS:
        return "{" + TEXT_COMMANDS[ch] + "}"
    if ch in MATH_FORMS:
        return "{\\ensuremath{" + MATH_FORMS[ch] + "}}"
    if ch in SUPERSCRIPT_BASE:
        return "{\\ensuremath{^{" + SUPERSCRIPT_BASE[ch] + "}}}"
    if ch in SUBSCRIPT_BASE:
        return "{\\ensuremath{_{" + SUBSCRIPT_BASE[ch] + "}}}"
    accented = _accented(ch)
    if accented:
        return accented
    compat = unicodedata.normalize("NFC", unicodedata.normalize("NFKD", ch))
    if compat != ch and ch not in compat:
        # ligatures (ﬁ), math letters (𝜇), full-width forms, ㎏, ǆ: their plain spelling
        parts = [encode_char(c) if unicodedata.category(c) != "Mn" else None for c in compat]
        if all(p is not None for p in parts):
            return "".join(p for p in parts if p is not None)
    return None


#: Unicode's control characters (Cc) but newline and tab: dropped in both modes
_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_SPECIALS = re.escape("".join(SPECIAL))
#: what escape(unicode=True) must rewrite: TeX's specials and the control characters
_UNICODE_HITS = re.compile(f"[{_SPECIALS}{_CONTROLS}]")
#: what escape(unicode=False) keeps as it is: newline and printable ASCII but TeX's specials
_PLAIN = "\n" + "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in SPECIAL)
#: runs of everything else: one character class, which the regex engine scans for in C
_LATEX_RUN = re.compile(f"[^{re.escape(_PLAIN)}]+")
_UNICODE_TABLE: dict[int, str | None] = {ord(ch): latex for ch, latex in SPECIAL.items()}
_UNICODE_TABLE.update({code: None for code in [*range(0x20), *range(0x7f, 0xa0)] if chr(code) not in "\n\t"})


def _script(run: str, table: dict[str, str], op: str) -> str:
    """Consecutive super- or subscript characters as one `\\ensuremath{^{...}}`."""
    return "{\\ensuremath{" + op + "{" + "".join(table[c] for c in run) + "}}}"


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def escape(text: str, *, unicode: bool = True, missing: set[str] | None = None) -> str:
    """Encode a plain value for a braced BibTeX field.

    TeX's special characters are always escaped. With *unicode* False every other non-ASCII character is
    written as LaTeX for pdflatex; characters with no LaTeX form are kept and added to *missing*. Control
    characters are dropped (and reported) in both modes: no TeX engine reads them.
    """
    # Most values are plain ASCII words: one regex scan in C says so and they are returned as they are.
    text = _nfc(text)
    if unicode:
        hit = _UNICODE_HITS.search(text)
        if hit is None:
            return text
        if missing is not None:
            missing.update(c for c in _CONTROL.findall(text, hit.start()) if c != "\r")
        return text.translate(_UNICODE_TABLE)
    return _LATEX_RUN.sub(lambda run: _encode_run(run.group(), missing), text)


def _encode_run(run: str, missing: set[str] | None) -> str:
    """A run of characters escape(unicode=False) must rewrite; super- and subscripts group (one `\\ensuremath`)."""
    out: list[str] = []
    i, end = 0, len(run)
    while i < end:
        ch = run[i]
        table = SUPERSCRIPT_BASE if ch in SUPERSCRIPT_BASE else SUBSCRIPT_BASE if ch in SUBSCRIPT_BASE else None
        if table is not None:
            j = i + 1
            while j < end and run[j] in table:
                j += 1
            out.append(_script(run[i:j], table, "^" if table is SUPERSCRIPT_BASE else "_"))
            i = j
            continue
        latex = encode_char(ch)
        if latex is not None:
            out.append(latex)
        else:
            if missing is not None:
                missing.add(ch)
            if unicodedata.category(ch) != "Cc":
                out.append(ch)
        i += 1
    return "".join(out)


def unencodable(text: str) -> list[str]:
    """The distinct characters of *text* that escape(unicode=False) cannot write as LaTeX, in order."""
    missing: set[str] = set()
    escape(text, unicode=False, missing=missing)
    return sorted(missing, key=text.find)
