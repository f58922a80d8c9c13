"""A frozen copy of senref.formats.latex_encode.escape as it was before the table-and-regex rewrite (issue 15).

Kept only so test_latex_encode_equivalence.py can prove the fast encoder writes byte-identical output:
exported .bib files must not change because the encoder got faster. Never import this from senref.
"""
from __future__ import annotations

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


def _script_run(text: str, i: int, table: dict[str, str], op: str) -> tuple[str, int]:
    """Consecutive super- or subscript characters from *i*, as one `\\ensuremath{^{...}}`."""
    j = i
    while j < len(text) and text[j] in table:
        j += 1
    return "{\\ensuremath{" + op + "{" + "".join(table[c] for c in text[i:j]) + "}}}", j


def escape(text: str, *, unicode: bool = True, missing: set[str] | None = None) -> str:
    """Encode a plain value for a braced BibTeX field.

    TeX's special characters are always escaped. With *unicode* False every other non-ASCII character is
    written as LaTeX for pdflatex; characters with no LaTeX form are kept and added to *missing*. Control
    characters are dropped (and reported) in both modes: no TeX engine reads them.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if unicode:
            if ch in SPECIAL:
                out.append(SPECIAL[ch])
            elif unicodedata.category(ch) == "Cc" and ch not in "\n\t":
                if missing is not None and ch != "\r":
                    missing.add(ch)
            else:
                out.append(ch)
            i += 1
            continue
        if ch in SUPERSCRIPT_BASE:
            piece, i = _script_run(text, i, SUPERSCRIPT_BASE, "^")
            out.append(piece)
            continue
        if ch in SUBSCRIPT_BASE:
            piece, i = _script_run(text, i, SUBSCRIPT_BASE, "_")
            out.append(piece)
            continue
        latex = encode_char(ch)
        if latex is None:
            if missing is not None:
                missing.add(ch)
            if unicodedata.category(ch) != "Cc":
                out.append(ch)
        else:
            out.append(latex)
        i += 1
    return "".join(out)


def unencodable(text: str) -> list[str]:
    """The distinct characters of *text* that escape(unicode=False) cannot write as LaTeX, in order."""
    missing: set[str] = set()
    escape(text, unicode=False, missing=missing)
    return sorted(missing, key=text.find)
