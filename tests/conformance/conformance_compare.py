"""How conformance compares one of our items with the item Zotero (or Better BibTeX) makes of the same input.

Two measures per field: `exact` (whitespace-collapsed equality) and `loose`, the issue's "case/TeX-insensitive"
one (case folded, TeX braces and commands, Zotero rich-text tags, dashes and dots ignored).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from senref.core.model import Item
from senref.core.schema import DATE_FIELDS, type_field
from senref.formats.dates import date_parts

#: Keys of expected items that are bookkeeping or compared elsewhere, never fields.
IGNORED_FIELDS = {"itemID", "attachments", "notes", "seeAlso", "tags", "creators", "itemType", "key", "version",
                  "collections", "relations", "dateAdded", "dateModified", "uri", "itemKey", "libraryID",
                  "citekey", "citationKey", "multi", "accessDate", "extra", "select"}
IDENTIFIER_NAMES = ("DOI", "ISBN", "PMID", "PMCID")
_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?|\\.")
_TAG = re.compile(r"</?(i|b|sub|sup|span)(\s[^>]*)?>")


def exact(value: object) -> str:
    text = "\n".join(map(str, value)) if isinstance(value, list) else str(value)
    return re.sub(r"\s+", " ", text).strip()


def loose(value: object) -> str:
    text = _TAG.sub("", exact(value))
    text = _TEX_COMMAND.sub("", text).replace("{", "").replace("}", "")
    return re.sub(r"[\s\-–—.,;:]+", " ", text).strip().casefold()


def our_value(item: Item, name: str) -> str:
    if name in IDENTIFIER_NAMES:
        return item.identifiers.get(name.lower(), "") or item.fields.get(name, "")
    return item.fields.get(type_field(item.item_type, name) or name, "")


def _isbn(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text).upper()


@dataclass
class Tally:
    """Comparisons per (format, field), and every difference with where it was seen."""

    seen: Counter[tuple[str, str]] = field(default_factory=Counter)
    exact: Counter[tuple[str, str]] = field(default_factory=Counter)
    loose: Counter[tuple[str, str]] = field(default_factory=Counter)
    differences: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # file, title, field, ours, theirs

    def add(self, where: tuple[str, str, str], name: str, ours: object, theirs: object, *,
            same_exact: bool | None = None, same_loose: bool | None = None) -> None:
        """Count one comparison; *where* is (format, file, entry title or key)."""
        fmt, rel, title = where
        ok_exact = exact(ours) == exact(theirs) if same_exact is None else same_exact
        ok_loose = (ok_exact or loose(ours) == loose(theirs)) if same_loose is None else same_loose
        self.seen[fmt, name] += 1
        self.exact[fmt, name] += ok_exact
        self.loose[fmt, name] += ok_loose
        if not ok_loose:
            self.differences.append((rel, title, name, exact(ours)[:120], exact(theirs)[:120]))

    def formats(self) -> list[str]:
        return sorted({fmt for fmt, _ in self.seen})

    def share(self, fmt: str, counter: Counter[tuple[str, str]]) -> float:
        seen = sum(n for (f, _), n in self.seen.items() if f == fmt)
        return sum(n for (f, _), n in counter.items() if f == fmt) / seen if seen else 1.0


def compare(fmt: str, rel: str, expected: dict, item: Item, tally: Tally) -> None:
    where = (fmt, rel, str(expected.get("title", ""))[:60])
    for name, value in expected.items():
        if name in IGNORED_FIELDS or value in ("", [], None):
            continue
        ours = our_value(item, name)
        if name in DATE_FIELDS and ours and exact(ours) != exact(value):
            # Zotero's date field is free text: "January 1, 2013" and "2013-01-01" are the same date.
            same = bool(date_parts(ours)) and date_parts(ours) == date_parts(str(value))
            tally.add(where, name, ours, value, same_exact=False, same_loose=same)
        elif name == "ISBN":
            same = bool(ours) and all(part in _isbn(str(value)) for part in _isbn(ours).split())
            tally.add(where, name, ours, value, same_exact=same, same_loose=same)
        else:
            tally.add(where, name, ours, value)
    tally.add(where, "itemType", item.item_type, expected.get("itemType", ""))
    want = [(c.get("lastName") or c.get("name") or "", c.get("firstName", ""), c.get("creatorType", "author"))
            for c in expected.get("creators", [])]
    got = [(c.last_name or c.name, c.first_name, c.creator_type) for c in item.creators]
    tally.add(where, "creators", got, want,
              same_exact=[(exact(a), exact(b), t) for a, b, t in want] == [(exact(a), exact(b), t) for a, b, t in got],
              same_loose=[(loose(a), loose(b), t) for a, b, t in want] == [(loose(a), loose(b), t) for a, b, t in got])
    want_tags = sorted(t if isinstance(t, str) else str(t.get("tag", "")) for t in expected.get("tags", []))
    tally.add(where, "tags", sorted(item.tag_names()), want_tags,
              same_exact=want_tags == sorted(item.tag_names()),
              same_loose=sorted(loose(t) for t in want_tags) == sorted(loose(t) for t in item.tag_names()))
