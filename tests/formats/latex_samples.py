"""The characters the LaTeX encoder claims to write, for the tests that compile or decode them all."""

from __future__ import annotations

import unicodedata

from senref.formats.latex_encode import encode_char
from senref.formats.latex_tables import ASCII_FORMS, MATH_FORMS, SUBSCRIPT_BASE, SUPERSCRIPT_BASE, TEXT_COMMANDS

#: the Unicode blocks whose letters the encoder composes from accents (Latin-1 to Latin Extended Additional)
LATIN_RANGES = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]


def table_characters() -> list[str]:
    """Every character with an entry of its own in the encoding tables."""
    chars = set(TEXT_COMMANDS) | set(MATH_FORMS) | set(SUPERSCRIPT_BASE) | set(SUBSCRIPT_BASE)
    chars |= {c for c in ASCII_FORMS if c not in "\t\r"}
    return sorted(chars)


def composed_characters() -> list[str]:
    """Latin letters the encoder writes by composing accents, plus compatibility forms it spells out."""
    found = []
    for low, high in LATIN_RANGES:
        for code in range(low, high + 1):
            ch = chr(code)
            if unicodedata.category(ch).startswith("L") and encode_char(ch) is not None:
                found.append(ch)
    found += [c for c in "ﬁﬂﬀﬃﬄ𝜇𝛽ǆĳ㎏Ａ①⅓" if encode_char(c) is not None]
    return found
