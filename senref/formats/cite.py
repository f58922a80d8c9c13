"""Formatted bibliographies (APA, Vancouver, Nature) with citeproc-py, as plain text or HTML."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from html import escape as html_escape
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from senref.core.model import Item
from senref.formats.base import ExportContext
from senref.formats.csljson import item_to_csl

#: style name -> CSL file under resources/styles/ (our own styles; citeproc-py ships only Harvard)
STYLES: dict[str, str] = {"apa": "apa.csl", "vancouver": "vancouver.csl", "nature": "nature.csl"}
#: CSL variables citeproc-py understands; others (citation-key, custom, keyword...) only make it warn
_KEEP = frozenset({"id", "type", "title", "container-title", "volume", "issue", "page", "publisher",
                   "publisher-place", "DOI", "URL", "ISBN", "ISSN", "edition", "issued", "accessed",
                   "author", "editor", "translator", "collection-title", "collection-number", "genre",
                   "number", "event-place", "abstract", "container-title-short", "number-of-pages"})


def _csl_items(items: Iterable[Item]) -> list[dict[str, Any]]:
    ctx = ExportContext(library_dir=Path())
    out: list[dict[str, Any]] = []
    for item in items:
        data = {k: v for k, v in item_to_csl(item, ctx).items() if k in _KEEP}
        data["id"] = item.key  # citeproc-py lower-cases ids; item keys are unique and safe
        for name in data.get("author", []) + data.get("editor", []):
            if "literal" in name:  # citeproc-py has no literal names: a family-only name renders the same
                name["family"] = name.pop("literal")
        out.append(data)
    return out


def bibliography(items: Iterable[Item], style: str = "apa", *, html: bool = False) -> list[str]:
    """One formatted entry per item, in the style's order (author-date sorted; numbered in input order)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}; known: {', '.join(STYLES)}")
    data = _csl_items(items)
    if not data:
        return []
    if html:
        # citeproc-py's HTML formatter writes item text as it is: a title holding <script> would
        # reach the page as markup. The text is escaped first; the formatter's own tags stay.
        data = [{k: v if k == "id" else _escaped(v) for k, v in entry.items()} for entry in data]
    with warnings.catch_warnings():
        # citeproc-py warns about CSL features and variables it skips; the output is still right.
        warnings.simplefilter("ignore")
        source = CiteProcJSON(data)
        with as_file(files("senref.resources").joinpath("styles", STYLES[style])) as style_path:
            csl = CitationStylesStyle(str(style_path), validate=False)
        bib = CitationStylesBibliography(csl, source, formatter.html if html else formatter.plain)
        for entry in data:
            bib.register(Citation([CitationItem(entry["id"])]))
        return [str(entry) for entry in bib.bibliography()]


def _escaped(value: Any) -> Any:
    """*value* with every string in it HTML-escaped (CSL-JSON nests strings in lists and dicts)."""
    if isinstance(value, str):
        return html_escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def format_bibliography(items: Iterable[Item], style: str = "apa", *, html: bool = False) -> str:
    entries = bibliography(items, style, html=html)
    if html:
        return "<div class=\"csl-bib-body\">\n" + "".join(f"  <div class=\"csl-entry\">{e}</div>\n" for e in entries) + "</div>\n"
    return "\n".join(entries) + ("\n" if entries else "")
