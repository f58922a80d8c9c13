"""Where an automatic tag came from, and which removed automatic tags the user does not want back.

Zotero knows two tag types only (0 manual, 1 automatic), so a source's subject keywords stay automatic
tags (they export to Zotero as such) and their origin is kept beside them in `extras["tagSources"]`
({tag: source}). Removed automatic tags, topics or keywords alike, are remembered in
`extras["rejectedTopics"]` (the key predates keywords; it round-trips through the senref JSON format).
"""

from __future__ import annotations

from senref.core.model import AUTOMATIC, MANUAL, Item, Tag

TAG_SOURCES = "tagSources"
REJECTED = "rejectedTopics"

HAL_KEYWORDS = "hal-keywords"
MESH = "mesh"
PUBMED_KEYWORDS = "pubmed-keywords"
CROSSREF_SUBJECT = "crossref-subject"
TOPIC = "topic"
#: Evidence found in the user's own (manual) tags.
USER = "user"

#: What the window calls each source in tag lists and in topic evidence.
LABELS = {HAL_KEYWORDS: "HAL keywords", MESH: "MeSH", PUBMED_KEYWORDS: "PubMed keywords",
          CROSSREF_SUBJECT: "Crossref subjects", TOPIC: "topic tagger", USER: "your tags"}


def add_source_tag(item: Item, name: str, source: str) -> None:
    """An automatic subject keyword from *source*; the first source named for a tag is kept."""
    name = name.strip()
    if not name:
        return
    item.add_tag(name, AUTOMATIC)
    sources = item.extras.get(TAG_SOURCES)
    if not isinstance(sources, dict):
        sources = item.extras[TAG_SOURCES] = {}
    sources.setdefault(name, source)


def tag_sources(item: Item) -> dict[str, str]:
    sources = item.extras.get(TAG_SOURCES)
    return {str(k): str(v) for k, v in sources.items()} if isinstance(sources, dict) else {}


def tag_source(item: Item, name: str) -> str | None:
    return tag_sources(item).get(name)


def source_label(source: str | None) -> str:
    """What the window calls *source*.

    >>> source_label("hal-keywords")
    'HAL keywords'
    """
    if not source:
        return "source keywords"
    return LABELS.get(source, source)


def copy_source(target: Item, source_item: Item, name: str) -> None:
    """Carry the origin of tag *name* from *source_item* to *target* (a merge moved the tag)."""
    origin = tag_source(source_item, name)
    if origin is None:
        return
    sources = target.extras.get(TAG_SOURCES)
    if not isinstance(sources, dict):
        sources = target.extras[TAG_SOURCES] = {}
    sources.setdefault(name, origin)


def rejected(item: Item) -> list[str]:
    return [str(r) for r in item.extras.get(REJECTED) or []]


def is_rejected(item: Item, tag: Tag) -> bool:
    """A manual tag is always welcome (the user's own word); an automatic one the user removed is not."""
    return tag.type != MANUAL and tag.tag in rejected(item)


def remember_removed(item: Item, removed: list[Tag]) -> None:
    """Remember the automatic tags among *removed* so that a later fetch or merge does not add them back."""
    names = rejected(item)
    for tag in removed:
        if tag.type != MANUAL and tag.tag not in names:
            names.append(tag.tag)
    if names:
        item.extras[REJECTED] = names
