"""Duplicate lookups: a live item that is the same work as a new record (same DOI, HAL id, ... or
the same folded title, first author and year within one, with no identifier disagreeing)."""

from __future__ import annotations

import sqlite3

from senref.core.matching import first_author_key, title_key
from senref.core.merge import UNIQUE_SCHEMES
from senref.core.model import Item
from senref.storage import items as rows

#: Shorter folded titles ("Editorial", "Reply") are too common to identify a work.
_MIN_TITLE_KEY = 16


def find_duplicate(conn: sqlite3.Connection, item: Item) -> tuple[str, str] | None:
    """(key, what matched) of a live item that is the same work as *item*, or None."""
    for scheme in UNIQUE_SCHEMES:
        value = item.identifiers.get(scheme)
        found = rows.find_by_identifier(conn, scheme, value, exclude_key=item.key) if value else None
        if found:
            return found, scheme
    tkey = title_key(item.title)
    author = first_author_key(item.creators)
    year = item.year
    if len(tkey) < _MIN_TITLE_KEY or not author or year is None:
        return None
    for rid, key, their_year in rows.same_title_and_author(conn, tkey, author, item.key):
        if their_year is not None and abs(int(their_year) - year) > 1:
            continue
        if _conflicting_identifiers(rows.identifiers_of(conn, rid), item):
            continue
        return key, "title+author+year"
    return None


def _conflicting_identifiers(theirs: dict[str, str], item: Item) -> bool:
    """Two records with different DOIs (or HAL ids) are different works, whatever their titles say."""
    return any(s in theirs and s in item.identifiers and theirs[s] != item.identifiers[s]
               for s in ("doi", "hal", "arxiv"))
