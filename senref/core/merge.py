"""Duplicate detection (same DOI, HAL id, ... or same title + first author + year) and merging."""

from __future__ import annotations

import sqlite3

from senref.core.matching import first_author_key, merge_creators, title_key
from senref.core.model import MANUAL, Item

#: Identifiers that name exactly one work (an ISBN is shared by a book's chapters, so it is not here).
_UNIQUE_SCHEMES = ("doi", "hal", "pmid", "pmcid", "arxiv")
#: Shorter folded titles ("Editorial", "Reply") are too common to identify a work.
_MIN_TITLE_KEY = 16


def find_duplicate(conn: sqlite3.Connection, item: Item) -> tuple[str, str] | None:
    """(key, what matched) of a live item that is the same work as *item*, or None."""
    for scheme in _UNIQUE_SCHEMES:
        value = item.identifiers.get(scheme)
        if not value:
            continue
        row = conn.execute(
            "SELECT i.key FROM identifiers d JOIN items i ON i.id = d.item_id "
            "WHERE d.scheme = ? AND d.value = ? AND i.deleted = 0 AND i.key != ? ORDER BY i.id LIMIT 1",
            (scheme, value, item.key),
        ).fetchone()
        if row:
            return str(row[0]), scheme
    tkey = title_key(item.title)
    author = first_author_key(item.creators)
    year = item.year
    if len(tkey) < _MIN_TITLE_KEY or not author or year is None:
        return None
    candidates = conn.execute(
        "SELECT id, key, year FROM items WHERE title_key = ? AND first_author = ? AND deleted = 0 AND key != ?",
        (tkey, author, item.key),
    ).fetchall()
    for row in candidates:
        if row["year"] is not None and abs(int(row["year"]) - year) > 1:
            continue
        if _conflicting_identifiers(conn, int(row["id"]), item):
            continue
        return str(row["key"]), "title+author+year"
    return None


def same_identity(existing: Item, incoming: Item) -> bool:
    """True when two records with the same key describe the same work, so one may update the other.

    A shared unique identifier with none disagreeing is proof; records with no unique identifier
    must agree on the folded title and the first author.
    """
    theirs = {s: existing.identifiers[s] for s in _UNIQUE_SCHEMES if existing.identifiers.get(s)}
    ours = {s: incoming.identifiers[s] for s in _UNIQUE_SCHEMES if incoming.identifiers.get(s)}
    shared = theirs.keys() & ours.keys()
    if any(theirs[s] != ours[s] for s in shared):
        return False
    if shared:
        return True
    if theirs or ours:
        return False
    return bool(title_key(existing.title)) and title_key(existing.title) == title_key(incoming.title) \
        and first_author_key(existing.creators) == first_author_key(incoming.creators)


def _conflicting_identifiers(conn: sqlite3.Connection, rid: int, item: Item) -> bool:
    """Two records with different DOIs (or HAL ids) are different works, whatever their titles say."""
    theirs = {r[0]: r[1] for r in conn.execute("SELECT scheme, value FROM identifiers WHERE item_id = ?", (rid,))}
    return any(s in theirs and s in item.identifiers and theirs[s] != item.identifiers[s]
               for s in ("doi", "hal", "arxiv"))


def merge_into(existing: Item, incoming: Item) -> list[str]:
    """Fold *incoming* into *existing*: fill empty fields, union the rest. Returns what changed."""
    changes: list[str] = []
    if existing.item_type != incoming.item_type and not existing.fields.get("title"):
        existing.item_type = incoming.item_type
        changes.append("itemType")
    for name, value in incoming.fields.items():
        if value and not existing.fields.get(name):
            existing.fields[name] = value
            if name in incoming.provenance:
                existing.provenance[name] = incoming.provenance[name]
            changes.append(name)
    for scheme, value in incoming.identifiers.items():
        if value and scheme not in existing.identifiers:
            existing.identifiers[scheme] = value
            changes.append(f"identifier:{scheme}")
    if incoming.hal_version and (existing.hal_version or 0) < incoming.hal_version \
            and existing.identifiers.get("hal") == incoming.identifiers.get("hal"):
        existing.hal_version = incoming.hal_version
        changes.append("halVersion")
    creators, changed = merge_creators(existing.creators, incoming.creators)
    if changed:
        existing.creators = creators
        changes.append("creators")
        if "creators" in incoming.provenance:
            existing.provenance.setdefault("creators", incoming.provenance["creators"])
    names = {t.tag: t for t in existing.tags}
    for tag in incoming.tags:
        if tag.tag in (existing.extras.get("rejectedTopics") or []) and tag.type != MANUAL:
            continue
        if tag.tag not in names:
            existing.tags.append(tag)
            names[tag.tag] = tag
            changes.append(f"tag:{tag.tag}")
        elif tag.type == MANUAL and names[tag.tag].type != MANUAL:
            names[tag.tag].type = MANUAL
            changes.append(f"tag:{tag.tag}")
    for ckey in incoming.collections:
        if ckey not in existing.collections:
            existing.collections.append(ckey)
            changes.append("collections")
    known = {(a.sha256 or a.path or a.url) for a in existing.attachments}
    for att in incoming.attachments:
        ident = att.sha256 or att.path or att.url
        if ident not in known:
            existing.attachments.append(att)
            known.add(ident)
            changes.append("attachments")
    notes = {n.html for n in existing.notes}
    for note in incoming.notes:
        if note.html not in notes:
            existing.notes.append(note)
            notes.add(note.html)
            changes.append("notes")
    for name, value in incoming.extras.items():
        if name not in existing.extras:
            existing.extras[name] = value
    return list(dict.fromkeys(changes))
