"""Text hygiene applied to every item before it reaches the database, whatever it came from.

Imports and web sources can carry what SQLite or a terminal cannot take: lone UTF-16 surrogates
(valid in JSON, unencodable in UTF-8, so the save would fail), NUL and other C0 controls (invisible,
break exports and searches), and fields of many megabytes (a 10 MB "title" bloats the library and
its search index for nothing). Each is made harmless here, once, in the core.
"""

from __future__ import annotations

import re

from senref.core.model import Item

#: Largest kept length per field, in characters; the rest is cut (and the user told).
DEFAULT_FIELD_CAP = 10_000
FIELD_CAPS: dict[str, int] = {"abstractNote": 1_000_000, "extra": 100_000}
#: Names, tags and identifiers are short by nature.
SHORT_CAP = 1_000
NOTE_CAP = 1_000_000

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls and DEL, but not tab, newline and carriage return (abstracts and notes keep their layout).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str, cap: int) -> tuple[str, bool]:
    """*text* without surrogates or control characters, cut to *cap* characters; True when cut.

    >>> clean_text("a\\x00b\\ud800c", 10)
    ('ab\\ufffdc', False)
    >>> clean_text("abcdef", 3)
    ('abc', True)
    """
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if len(text) > cap:
        return text[:cap], True
    return text, False


def clean_item(item: Item) -> list[str]:
    """Clean every text of *item* in place; returns one message per field that had to be cut."""
    cut: list[str] = []

    def fix(value: str, cap: int, label: str) -> str:
        if not isinstance(value, str):
            return value
        cleaned, was_cut = clean_text(value, cap)
        if was_cut:
            cut.append(f"{label} cut to {cap} characters (was {len(value)})")
        return cleaned

    for name, value in list(item.fields.items()):
        item.fields[name] = fix(value, FIELD_CAPS.get(name, DEFAULT_FIELD_CAP), name)
    for creator in item.creators:
        creator.first_name = fix(creator.first_name, SHORT_CAP, "creator")
        creator.last_name = fix(creator.last_name, SHORT_CAP, "creator")
        creator.name = fix(creator.name, SHORT_CAP, "creator")
    for tag in item.tags:
        tag.tag = fix(tag.tag, SHORT_CAP, "tag")
    for scheme, value in list(item.identifiers.items()):
        item.identifiers[scheme] = fix(value, SHORT_CAP, scheme)
    for note in item.notes:
        note.html = fix(note.html, NOTE_CAP, "note")
    for att in item.attachments:
        att.title = fix(att.title, SHORT_CAP, "attachment title")
        att.path = fix(att.path, DEFAULT_FIELD_CAP, "attachment path")
        att.url = fix(att.url, DEFAULT_FIELD_CAP, "attachment URL")
    return cut
