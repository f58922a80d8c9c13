"""A formatted bibliography (APA, Vancouver, Nature): what `senref cite` prints and Copy Bibliography copies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from senref.actions.progress import Report
from senref.core.model import Item
from senref.core.settings import Settings

if TYPE_CHECKING:
    from senref.core.library import Library


@dataclass
class BibliographyReport(Report):
    """The bibliography as plain text and, when asked for, as HTML; `count` entries."""

    style: str = "apa"
    text: str = ""
    html: str = ""
    count: int = 0

    def summary(self) -> str:
        return f"{self.count} reference{'s' if self.count != 1 else ''} ({self.style})"


def cite(library: Library, settings: Settings, *, keys: Sequence[str] = (), collection: str | None = None,
         style: str = "apa", html: bool = True, missing_ok: bool = False) -> BibliographyReport:
    """The bibliography of *keys* (keys, DOIs or other identifiers), else of *collection* with its
    subcollections, else of the whole library.

    An unknown key raises KeyError unless *missing_ok* (the window's selection may have just been
    trashed); an unknown collection is a problem in the report, as is an empty selection.
    """
    report = BibliographyReport(style=style)
    items: list[Item]
    if keys:
        resolved = [k for k in keys if library.has_item(k)] if missing_ok else [library.resolve_key(k) for k in keys]
        items = [library.get_item(key) for key in resolved]
    else:
        collection_key = None
        if collection:
            collection_key = library.find_collection(collection)
            if collection_key is None:
                report.problems.append(f"no collection named {collection!r}")
                return report
        # A collection is cited with its subcollections, as a reader of "the TIS collection" expects.
        items = list(library.iter_items(collection=collection_key, recursive=collection_key is not None))
    if not items:
        report.problems.append("nothing to cite")
        return report
    return format_items(items, style, html=html, report=report)


def format_items(items: Sequence[Item], style: str, *, html: bool = True,
                 report: BibliographyReport | None = None) -> BibliographyReport:
    """Format *items* in *style* (plain text always, HTML too when *html*)."""
    from senref.formats.cite import format_bibliography

    report = report or BibliographyReport(style=style)
    report.count = len(items)
    report.text = format_bibliography(items, style)
    if html:
        report.html = format_bibliography(items, style, html=True)
    return report
