"""Formatted bibliographies in any official CSL style (or a `.csl` file) with citeproc-py, plain or HTML."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from html import escape as html_escape
from pathlib import Path
from typing import Any

from senref.core.model import Item
from senref.formats.base import ExportContext
from senref.formats.csl_styles import Style, StyleError, locale_for, resolve_style
from senref.formats.csljson import item_to_csl

#: CSL variables senref's CSL-JSON holds that a bibliography must not print: `note` carries Extra's
#: bookkeeping lines (`HAL: …`, `tex.…: …`), `keyword` the tags.
_NOT_PRINTED = frozenset({"note", "keyword"})


def _known_variables() -> frozenset[str]:
    """The CSL variables citeproc-py reads; others (citation-key, custom…) would only make it warn."""
    from citeproc import VARIABLES

    return frozenset(v.replace("_", "-") for v in VARIABLES) | {"id", "type"}


def csl_items(items: Iterable[Item]) -> list[dict[str, Any]]:
    """*items* as the CSL-JSON citeproc-py reads (senref's CSL-JSON export, trimmed to what it knows)."""
    ctx = ExportContext(library_dir=Path())
    keep = _known_variables() - _NOT_PRINTED
    out: list[dict[str, Any]] = []
    for item in items:
        data = {k: v for k, v in item_to_csl(item, ctx).items() if k in keep}
        data["id"] = item.key  # citeproc-py lower-cases ids; item keys are unique and safe
        for name in [n for var in ("author", "editor", "translator", "container-author", "collection-editor")
                     for n in data.get(var, [])]:
            if "literal" in name:  # citeproc-py sorts a literal name last; a family-only name renders the same
                name["family"] = name.pop("literal")
        out.append(data)
    return out


def bibliography(items: Iterable[Item], style: str | Style = "apa", *, html: bool = False,
                 locale: str = "") -> list[str]:
    """One formatted entry per item, in the style's order (sorted, or in input order for numbered styles).

    *style* is an id, a looser name or a `.csl` path (see csl_styles), or a resolved Style; *locale*
    is used when the style sets none. StyleError when the style cannot be found or used.
    """
    resolved = style if isinstance(style, Style) else resolve_style(style)
    chosen_locale, _ = locale_for(resolved, locale)
    data = csl_items(items)
    if not data:
        return []
    if html:
        # citeproc-py's HTML formatter writes item text as it is: a title holding <script> would
        # reach the page as markup. The text is escaped first; the formatter's own tags stay.
        data = [{k: v if k == "id" else _escaped(v) for k, v in entry.items()} for entry in data]
    return _render(resolved, chosen_locale, data, html=html)


def _render(style: Style, locale: str, data: list[dict[str, Any]], *, html: bool) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        # citeproc-py warns about CSL features and variables it skips; the output is still right.
        warnings.simplefilter("ignore")
        try:
            csl = CitationStylesStyle(io.BytesIO(style.xml), locale=locale, validate=False)
            bib = CitationStylesBibliography(csl, CiteProcJSON(data), formatter.html if html else formatter.plain)
            for entry in data:
                bib.register(Citation([CitationItem(entry["id"])]))
            bib.sort()  # the style's <sort>; numbered styles without one keep the input order
            return [str(entry) for entry in bib.bibliography()]
        except Exception as exc:  # citeproc-py fails on CSL it does not implement, with any exception
            raise StyleError(f"citeproc-py cannot format with the style {style.title!r}: "
                             f"{type(exc).__name__}: {exc}") from exc


def _escaped(value: Any) -> Any:
    """*value* with every string in it HTML-escaped (CSL-JSON nests strings in lists and dicts)."""
    if isinstance(value, str):
        return html_escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def format_bibliography(items: Iterable[Item], style: str | Style = "apa", *, html: bool = False,
                        locale: str = "") -> str:
    """The bibliography as one text: entries one a line, or a `csl-bib-body` HTML block."""
    entries = bibliography(items, style, html=html, locale=locale)
    if html:
        return "<div class=\"csl-bib-body\">\n" + "".join(f"  <div class=\"csl-entry\">{e}</div>\n" for e in entries) + "</div>\n"
    return "\n".join(entries) + ("\n" if entries else "")
