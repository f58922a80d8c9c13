"""LaTeX <-> Unicode for BibTeX fields: the one import for the BibTeX/BibLaTeX reader and writer.

Decoding (latex_decode), encoding for pdflatex (latex_encode, tables in latex_tables), rich-text titles
(latex_richtext) and the case-protection rules they share (latex_case) live in their own modules.
"""

from __future__ import annotations

from senref.formats.latex_case import TitleCase
from senref.formats.latex_decode import (
    MARKUP,
    MAX_NESTING,
    TRANSPARENT,
    _Decoder,
    _flat,
    _TooDeep,
    to_unicode,
    to_unicode_verbatim,
)
from senref.formats.latex_encode import encode_char, escape, unencodable
from senref.formats.latex_richtext import escape_rich, latex_to_rich, parse_rich, protect_case, rich_to_plain, title_to_latex
from senref.formats.latex_tables import ACCENTS, ESCAPES, GREEK_LOWER, SUBSCRIPTS, SUPERSCRIPTS, SYMBOLS

#: the Greek letter names (kept for callers of the former single module)
GREEK = list(GREEK_LOWER)

__all__ = [
    "ACCENTS", "ESCAPES", "GREEK", "MARKUP", "MAX_NESTING", "SUBSCRIPTS", "SUPERSCRIPTS", "SYMBOLS", "TRANSPARENT",
    "TitleCase", "_Decoder", "_TooDeep", "_flat", "encode_char", "escape", "escape_rich", "latex_to_rich",
    "parse_rich", "protect_case", "rich_to_plain", "title_to_latex", "to_unicode", "to_unicode_verbatim",
    "unencodable",
]
