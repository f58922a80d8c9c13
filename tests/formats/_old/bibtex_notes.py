# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
"""Child notes (Zotero HTML) <-> a BibLaTeX `annotation` / BibTeX `annote` field of LaTeX text.

The field holds text, never HTML: a note's paragraphs are separated by blank lines and its inline markup
(bold, italics, sub/superscript) becomes LaTeX commands, which come back as the same tags.
"""

from __future__ import annotations

import html
import re

from senref.formats.latex import title_to_latex
from tests.formats._old.latex_richtext import latex_to_rich

_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|pre)>|<br\s*/?>", re.I)
_OTHER_TAG = re.compile(r"<(?!/?(?:i|b|sub|sup|em|strong)>|/?span\b)[^>]*>", re.I)
_INLINE_TAG = re.compile(r"</?(?:i|b|sub|sup)>|<span[^<>]*>|</span>")
_ENTITY = re.compile(r"&(?!lt;|gt;)(#\d+|#x[0-9a-f]+|[a-z]+);", re.I)


def note_paragraphs(note_html: str) -> list[str]:
    """The paragraphs of a note as rich text (inline tags only, entities other than &lt;/&gt; decoded)."""
    text = _OTHER_TAG.sub("", _BLOCK_END.sub("\n\n", note_html))
    text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return [re.sub(r"[ \t\r\n]+", " ", p).strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def notes_to_latex(notes: list[str], *, unicode: bool) -> str:
    """One field value for all notes: paragraphs separated by blank lines."""
    paragraphs = [title_to_latex(p, unicode=unicode, protect=False) for n in notes for p in note_paragraphs(n)]
    return "\n\n".join(paragraphs)


def _as_html(rich: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _INLINE_TAG.finditer(rich):
        out.append(html.escape(rich[pos:match.start()], quote=False))
        out.append(match.group(0))
        pos = match.end()
    out.append(html.escape(rich[pos:], quote=False))
    return "".join(out)


def latex_to_note(value: str) -> str:
    """The note HTML for one annotation/annote value: a `<p>` per paragraph (HTML from other writers kept)."""
    if re.match(r"\s*<(p|div|h\d|ul|ol|blockquote|span|b|i)\b", value, re.I):
        return value.strip()
    paragraphs = [p for p in re.split(r"\n[ \t]*\n|\\par\b", value) if p.strip()]
    return "".join(f"<p>{_as_html(latex_to_rich(p))}</p>" for p in paragraphs)
