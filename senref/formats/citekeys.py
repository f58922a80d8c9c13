"""Stable, unique citation keys (Better BibTeX-like): generated from a pattern once, then pinned on the item.

Pattern tokens: `[auth]` first author's family name, `[authors2]` up to two, `[year]`, `[title]` first
significant title word, `[shorttitle]` first three significant words, `[veryshorttitle]` (= `[title]`),
`[journal]` journal abbreviation or initials; modifiers `:lower`, `:upper`, `:capitalize`. Literal text is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from senref.core.model import Item

if TYPE_CHECKING:
    pass

DEFAULT_PATTERN = "[auth:lower][year][veryshorttitle:lower]"
STOP_WORDS = frozenset(["a", "an", "the", "and", "or", "but", "nor", "of", "on", "in", "at", "to", "for", "from", "by",
    "with", "without", "into", "onto", "over", "under", "about", "as", "is", "are", "was", "were", "be", "been",
    "being", "its", "it", "this", "that", "these", "those", "via", "vs", "versus", "de", "la", "le", "les", "der",
    "die", "das", "et", "el", "y"])
_FOLD = {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L",
         "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "ð": "d"}


def ascii_fold(text: str) -> str:
    text = "".join(_FOLD.get(ch, ch) for ch in text)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _clean(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", ascii_fold(re.sub(r"<[^>]+>", "", text)))


def _title_words(item: Item) -> list[str]:
    title = re.sub(r"<[^>]+>", "", item.fields.get("title", ""))
    words = [_clean(w) for w in re.split(r"[\s\-–—/:.,;!?()\[\]\"']+", title)]
    return [w for w in words if w and w.lower() not in STOP_WORDS]


def _authors(item: Item) -> list[str]:
    names = [c.last_name or c.name for c in item.creators if c.creator_type in ("author", "inventor", "programmer")]
    names = names or [c.last_name or c.name for c in item.creators]
    return [_clean(n.split()[0] if len(n.split()) > 3 else n) for n in names if n]


def _token(item: Item, name: str) -> str:
    if name == "auth":
        authors = _authors(item)
        return authors[0] if authors else ""
    if name == "authors2":
        authors = _authors(item)
        return "".join(authors[:2]) + ("EtAl" if len(authors) > 2 else "")
    if name == "year":
        return str(item.year or "")
    if name in ("title", "veryshorttitle"):
        words = _title_words(item)
        return words[0] if words else ""
    if name == "shorttitle":
        return "".join(w.capitalize() for w in _title_words(item)[:3])
    if name == "journal":
        journal = item.fields.get("journalAbbreviation") or item.publication
        return _clean(journal) if len(journal) < 12 else "".join(w[0] for w in _title_words(Item(fields={"title": journal})))
    return ""


def format_key(item: Item, pattern: str = DEFAULT_PATTERN) -> str:
    def replace(match: re.Match[str]) -> str:
        name, *mods = match.group(1).split(":")
        value = _token(item, name)
        for mod in mods:
            value = {"lower": value.lower(), "upper": value.upper(), "capitalize": value[:1].upper() + value[1:]}.get(mod, value)
        return value
    key = re.sub(r"\[([A-Za-z0-9:]+)\]", replace, pattern)
    key = re.sub(r"[^\w:.\-+]", "", key)
    return key or "item" + item.key.lower()


def pinned_key(item: Item) -> str:
    """The key pinned on the item: the citationKey field, else a legacy `Citation Key:` line in Extra."""
    key = item.fields.get("citationKey", "").strip()
    if key:
        return key
    for line in item.fields.get("extra", "").splitlines():
        label, sep, value = line.partition(":")
        if sep and label.strip().lower() in ("citation key", "citationkey") and value.strip():
            return value.strip()
    return ""


class KeyAssigner:
    """Hands out keys for one export: pinned keys kept, new ones unique against the library and the file."""

    def __init__(self, taken: Iterable[str] = (), pattern: str = DEFAULT_PATTERN) -> None:
        self.pattern = pattern or DEFAULT_PATTERN
        self.taken = {k.lower() for k in taken}
        self.used: set[str] = set()
        self.assigned: dict[str, str] = {}
        self._next_suffix: dict[str, int] = {}  # base -> last suffix tried, so 100k clashes stay linear

    def key_for(self, item: Item) -> str:
        key = pinned_key(item)
        if key and key.lower() not in self.used:
            self.used.add(key.lower())
            self.taken.add(key.lower())
            return key
        base = format_key(item, self.pattern)
        key = base
        suffix = self._next_suffix.get(base.lower(), 0)
        if suffix:
            key = base + _letters(suffix)
        while key.lower() in self.taken or key.lower() in self.used:
            suffix += 1
            key = base + _letters(suffix)
        self._next_suffix[base.lower()] = suffix
        self.used.add(key.lower())
        self.taken.add(key.lower())
        self.assigned[item.key] = key
        item.fields["citationKey"] = key
        return key


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Better BibTeX's disambiguation suffixes)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(97 + rem) + out
    return out
