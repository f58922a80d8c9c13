"""A formatted bibliography in any official CSL style or a `.csl` file: what `senref cite` prints and
Copy Bibliography copies; the style list both offer; the remembered style and recently used ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from senref.actions.progress import Report
from senref.core.integrity import warning as integrity_warning
from senref.core.model import Item
from senref.core.settings import Settings

if TYPE_CHECKING:
    from senref.core.library import Library
    from senref.formats.csl_styles import StyleEntry

#: How many recently used styles the settings keep (the window's Bibliography Style menu lists them).
RECENT_STYLES = 8


@dataclass
class BibliographyReport(Report):
    """The bibliography as plain text and, when asked for, as HTML; `count` entries.

    `style` is the style as resolved (an official id or a file path), `style_title` its title.
    """

    style: str = "apa"
    style_title: str = ""
    locale: str = ""
    text: str = ""
    html: str = ""
    count: int = 0

    def summary(self) -> str:
        return f"{self.count} reference{'s' if self.count != 1 else ''} ({self.style_title or self.style})"


def cite(library: Library, settings: Settings, *, keys: Sequence[str] = (), collection: str | None = None,
         style: str | None = None, locale: str | None = None, html: bool = True,
         missing_ok: bool = False) -> BibliographyReport:
    """The bibliography of *keys* (keys, DOIs or other identifiers), else of *collection* with its
    subcollections, else of the whole library, in *style* (default: the settings' `[cite] style`).

    An unknown key raises KeyError unless *missing_ok* (the window's selection may have just been
    trashed); an unknown collection or style is a problem in the report, as is an empty selection.
    """
    style = style or settings.cite_style
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
    # A retracted or flagged work in a reference list is said before anyone sends it.
    report.warnings.extend(line for line in map(integrity_warning, items) if line)
    return format_items(items, style, html=html, locale=settings.cite_locale if locale is None else locale,
                        report=report)


def format_items(items: Sequence[Item], style: str, *, html: bool = True, locale: str = "",
                 report: BibliographyReport | None = None) -> BibliographyReport:
    """Format *items* in *style* (plain text always, HTML too when *html*); *locale* for styles that set none."""
    from senref.formats.cite import format_bibliography
    from senref.formats.csl_styles import StyleError, locale_for, resolve_style

    report = report or BibliographyReport(style=style)
    try:
        resolved = resolve_style(style)
        report.style, report.style_title = resolved.id, resolved.title
        report.locale, caveat = locale_for(resolved, locale)
        if resolved.note:
            report.warnings.append(resolved.note)
        if caveat:
            report.warnings.append(caveat)
        report.text = format_bibliography(items, resolved, locale=report.locale)
        if html:
            report.html = format_bibliography(items, resolved, html=True, locale=report.locale)
    except StyleError as exc:
        report.problems.append(str(exc))
        return report
    report.count = len(items)
    return report


def list_styles(query: str = "") -> list[StyleEntry]:
    """The official styles whose id, title or short title hold every word of *query* (all when empty)."""
    from senref.formats.csl_styles import official

    return official().search(query)


def choose_style(settings: Settings, style: str) -> list[str]:
    """Make *style* the settings' bibliography style and the first of the recent ones; the new recent list.

    The caller saves the settings (the window on its write thread).
    """
    previous = settings.cite_style
    recent = [s for s in [style, previous, *settings.cite_recent] if s]
    settings.cite_style = style
    settings.cite_recent = list(dict.fromkeys(recent))[:RECENT_STYLES]
    return settings.cite_recent
