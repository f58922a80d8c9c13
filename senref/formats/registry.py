"""Format plugins: built-ins and third-party formats load the same way, from entry-point group `senref.formats`."""

from __future__ import annotations

import functools
import logging
from importlib.metadata import entry_points
from pathlib import Path

from senref.formats.base import Format
from senref.formats.textio import decode_head

GROUP = "senref.formats"
log = logging.getLogger(__name__)

#: Built-ins, used when the package metadata is missing (running from a source tree); same names as the entry points.
BUILTINS: dict[str, str] = {
    "json": "senref.formats.json_items:JsonFormat",
    "csljson": "senref.formats.csljson:CslJsonFormat",
    "bibtex": "senref.formats.bibtex:BibTeXFormat",
    "biblatex": "senref.formats.bibtex:BibLaTeXFormat",
    "ris": "senref.formats.ris:RisFormat",
    "zotero-rdf": "senref.formats.zotero_rdf:ZoteroRdfFormat",
    "pubmed-xml": "senref.formats.pubmed_xml:PubMedXmlFormat",
}
#: Content sniffing order: the most specific signatures first (RDF before generic XML, CSL-JSON before item JSON).
SNIFF_ORDER = ("zotero-rdf", "pubmed-xml", "csljson", "json", "ris", "biblatex", "bibtex")
SNIFF_BYTES = 64 * 1024

def _load_target(target: str) -> Format:
    module_name, _, attr = target.partition(":")
    import importlib

    cls = getattr(importlib.import_module(module_name), attr)
    fmt = cls()
    if not isinstance(fmt, Format):
        raise TypeError(f"{target} is not a senref Format")
    return fmt


@functools.cache
def _targets() -> dict[str, str]:
    """Name -> "module:Class" of every format; an installed plugin of a built-in's name replaces it."""
    targets = {ep.name: ep.value for ep in entry_points(group=GROUP)}
    for name, target in BUILTINS.items():
        targets.setdefault(name, target)
    return targets


#: Formats loaded so far, by name (None: its plugin failed to load). `get` imports only the one asked
#: for: a `senref sync run` of a BibTeX target need not import the RDF, PubMed and CSL-JSON modules.
_loaded: dict[str, Format | None] = {}


def _one(name: str) -> Format | None:
    if name not in _loaded:
        target = _targets().get(name)
        if target is None:
            return None
        try:
            _loaded[name] = _load_target(target)
        except Exception as exc:  # a broken plugin must not take the others down
            log.warning("format plugin %s (%s) failed to load and is skipped: %s", name, target, exc)
            _loaded[name] = None
    return _loaded[name]


@functools.cache
def _load() -> dict[str, Format]:
    found: dict[str, Format] = {}
    for name in _targets():
        fmt = _one(name)
        if fmt is not None:
            found[name] = fmt
    return found


def reset() -> None:
    """Forget loaded plugins (tests install entry points at run time)."""
    _targets.cache_clear()
    _load.cache_clear()
    _loaded.clear()


def all() -> list[Format]:
    return list(_load().values())


def get(name: str) -> Format | None:
    return _one(name.lower())


def for_path(path: Path) -> Format | None:
    """The writable format whose extension matches *path* (for exports)."""
    name = path.name.lower()
    order = list(BUILTINS)
    best: tuple[tuple[int, int, int], Format] | None = None
    for fmt in _load().values():
        for index, ext in enumerate(fmt.extensions):
            if not (name.endswith(ext) and fmt.can_write):
                continue
            # Longest extension wins (".csl.json" over ".json"); then the format that prefers it; then built-in order.
            rank = (len(ext), -index, -(order.index(fmt.name) if fmt.name in order else len(order)))
            if best is None or rank > best[0]:
                best = (rank, fmt)
    return best[1] if best else None


def sniff(path: Path) -> Format | None:
    """The readable format the file's CONTENT looks like (the name is not trusted)."""
    with path.open("rb") as handle:
        raw = handle.read(SNIFF_BYTES)
    head = decode_head(raw)
    formats = _load()
    order = [n for n in SNIFF_ORDER if n in formats] + [n for n in formats if n not in SNIFF_ORDER]
    for name in order:
        fmt = formats[name]
        if fmt.can_read and fmt.sniff(head):
            return fmt
    return None


def too_large(path: Path, max_mb: float) -> str:
    """Why *path* is refused unread for being over the import size cap ("" when it is not)."""
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    if size <= max_mb * 1024 * 1024:
        return ""
    return (f"{size / 1024 / 1024:,.0f} MB is over the import limit of {max_mb:,.0f} MB "
            "([import] max_file_mb in settings.toml); nothing was read")
