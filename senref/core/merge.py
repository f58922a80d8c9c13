"""Merging a record into the item it duplicates, and when two records with one key are the same work."""

from __future__ import annotations

from senref.core.matching import first_author_key, merge_creators, title_key
from senref.core.model import MANUAL, Item

#: Identifiers that name exactly one work (an ISBN is shared by a book's chapters, so it is not here).
UNIQUE_SCHEMES = ("doi", "hal", "pmid", "pmcid", "arxiv")


def same_identity(existing: Item, incoming: Item) -> bool:
    """True when two records with the same key describe the same work, so one may update the other.

    A shared unique identifier with none disagreeing is proof; records with no unique identifier
    must agree on the folded title and the first author.
    """
    theirs = {s: existing.identifiers[s] for s in UNIQUE_SCHEMES if existing.identifiers.get(s)}
    ours = {s: incoming.identifiers[s] for s in UNIQUE_SCHEMES if incoming.identifiers.get(s)}
    shared = theirs.keys() & ours.keys()
    if any(theirs[s] != ours[s] for s in shared):
        return False
    if shared:
        return True
    if theirs or ours:
        return False
    return bool(title_key(existing.title)) and title_key(existing.title) == title_key(incoming.title) \
        and first_author_key(existing.creators) == first_author_key(incoming.creators)


def fill_missing(target: Item, incoming: Item, source: str = "") -> list[str]:
    """Copy into *target* each field and identifier it lacks; returns what was filled.

    The one field-fill rule, for a record merged into a stored item and for several sources'
    answers merged into one record. A filled field's provenance is *source* when given, else
    the incoming record's own.
    """
    filled: list[str] = []
    for name, value in incoming.fields.items():
        if value and not target.fields.get(name):
            target.fields[name] = value
            origin = source or incoming.provenance.get(name, "")
            if origin:
                target.provenance[name] = origin
            filled.append(name)
    for scheme, value in incoming.identifiers.items():
        if value and scheme not in target.identifiers:
            target.identifiers[scheme] = value
            if source:
                target.provenance[f"identifier:{scheme}"] = source
            filled.append(f"identifier:{scheme}")
    return filled


def merge_into(existing: Item, incoming: Item) -> list[str]:
    """Fold *incoming* into *existing*: fill empty fields, union the rest. Returns what changed."""
    changes: list[str] = []
    if existing.item_type != incoming.item_type and not existing.fields.get("title"):
        existing.item_type = incoming.item_type
        changes.append("itemType")
    changes += fill_missing(existing, incoming)
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
