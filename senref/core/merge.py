"""Merging a record into the item it duplicates, merging items on request (and the snapshot that undoes
it), relations between items, and when two records with one key are the same work."""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import Any

from senref.core.identifiers import same_identifier
from senref.core.matching import family_key, first_author_key, merge_creators, title_key
from senref.core.model import MANUAL, Attachment, Creator, Item, Note, Tag
from senref.core.schema import EXTRA_LABELS
from senref.core.tag_sources import copy_source, is_rejected

#: Zotero's URI for an item of a local (never synced) library; senref's libraries are local ones.
#: Zotero writes its own random user key in the middle; any stable one does for links inside senref.
ITEM_URI = "http://zotero.org/users/local/senref/items/{key}"
#: Zotero's relation predicates: related items, and the items a merge replaced.
RELATED, REPLACES = "dc:relation", "dc:replaces"

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
    if any(not same_identifier(s, theirs[s], ours[s]) for s in shared):
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
        if is_rejected(existing, tag):
            continue
        if tag.tag not in names:
            existing.tags.append(tag)
            names[tag.tag] = tag
            copy_source(existing, incoming, tag.tag)
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


def item_uri(key: str) -> str:
    return ITEM_URI.format(key=key)


def add_relation(item: Item, predicate: str, key: str) -> bool:
    """Link *item* to the item *key* (Zotero's `relations`); False when the link was there."""
    uris = item.relations.setdefault(predicate, [])
    if item_uri(key) in uris:
        return False
    uris.append(item_uri(key))
    return True


# -- merging items on request --------------------------------------------------------------------
def merge_items(master: Item, others: list[Item], choices: dict[str, str] | None = None) -> list[str]:
    """Fold *others* into *master*, losing nothing; returns what changed on the master.

    Fields keep the master's value unless *choices* (field name -> key of the item to take it from;
    also "itemType" and "creators") says otherwise, and are filled where the master has none.
    Every identifier, tag, collection, note, attachment and relation of the others moves over: the
    notes and attachments (whole, under their own keys) leave the others, which the caller trashes;
    an identifier the master has another value for goes to Extra (`DOI: ...`), as Zotero keeps it.
    The master gets a `dc:replaces` relation to each of the others.
    """
    chosen = choices or {}
    by_key = {item.key: item for item in [master, *others]}
    changes: list[str] = []
    for name, source_key in chosen.items():
        source = by_key.get(source_key)
        if source is None or source is master:
            continue
        if name == "itemType":
            master.item_type = source.item_type
        elif name == "creators":
            master.creators = [copy.copy(c) for c in source.creators]
        elif source.fields.get(name):
            master.fields[name] = source.fields[name]
        else:
            master.fields.pop(name, None)
        changes.append(name)
    for other in others:
        if "creators" not in chosen and _extends(master.creators, other.creators):
            master.creators, changed = merge_creators(master.creators, other.creators)
            if changed:
                changes.append("creators")
        master.notes.extend(other.notes)
        master.attachments.extend(other.attachments)
        if other.notes or other.attachments:
            changes.append("children")
        other.notes, other.attachments = [], []
        changes += _keep_identifiers(master, other)
        changes += _keep_citation_key(master, other)
        rest = copy.deepcopy(other)
        rest.creators = []
        changes += merge_into(master, rest)
        for predicate, uris in other.relations.items():
            for uri in uris:
                if uri not in master.relations.get(predicate, []) and uri != item_uri(master.key):
                    master.relations.setdefault(predicate, []).append(uri)
                    changes.append("relations")
        add_relation(master, REPLACES, other.key)
    return list(dict.fromkeys(changes))


def _extends(kept: list[Creator], other: list[Creator]) -> bool:
    """Whether *other* is the kept list plus more people (the kept one was cut to "et al.")."""
    ours = [family_key(c) for c in kept]
    theirs = [family_key(c) for c in other]
    return len(theirs) > len(ours) and theirs[:len(ours)] == ours


def _keep_identifiers(master: Item, other: Item) -> list[str]:
    kept: list[str] = []
    extra = master.fields.get("extra", "")
    for scheme, value in other.identifiers.items():
        mine = master.identifiers.get(scheme)
        if not mine or same_identifier(scheme, mine, value):
            continue
        line = f"{EXTRA_LABELS.get(scheme, scheme.upper())}: {value}"
        if line not in extra.splitlines():
            extra = f"{extra}\n{line}" if extra else line
            kept.append(f"identifier:{scheme}")
    if kept:
        master.fields["extra"] = extra
    return kept


def _keep_citation_key(master: Item, other: Item) -> list[str]:
    """The other's pinned citation key as an alias of the master's (biblatex `ids`, through Better
    BibTeX's `tex.ids:` Extra line), so documents citing it still find the work."""
    theirs, ours = other.fields.get("citationKey", ""), master.fields.get("citationKey", "")
    if not theirs or not ours or theirs == ours:
        return []
    lines = master.fields.get("extra", "").splitlines()
    for pos, line in enumerate(lines):
        if line.startswith("tex.ids:"):
            aliases = [k.strip() for k in line.removeprefix("tex.ids:").split(",") if k.strip()]
            if theirs in aliases:
                return []
            lines[pos] = "tex.ids: " + ", ".join([*aliases, theirs])
            break
    else:
        lines.append(f"tex.ids: {theirs}")
    master.fields["extra"] = "\n".join(lines)
    return ["extra"]


def snapshot(item: Item) -> dict[str, Any]:
    """Everything about *item*, to put it back exactly (`restore`)."""
    return asdict(item)


def restore(data: dict[str, Any]) -> Item:
    values = dict(data)
    values["creators"] = [Creator(**c) for c in data["creators"]]
    values["tags"] = [Tag(**t) for t in data["tags"]]
    values["notes"] = [Note(**n) for n in data["notes"]]
    values["attachments"] = [Attachment(**a) for a in data["attachments"]]
    return Item(**values)
