"""Several sources' answers about one work -> one Item, with the source of every field in `provenance`."""

from __future__ import annotations

from senref.core.matching import better_name, name_key
from senref.core.merge import fill_missing
from senref.core.model import Creator, Item
from senref.core.tag_sources import copy_source
from senref.sources.base import SourceResult
from senref.sources.fields import clean_markup


def _upgrade_spellings(base: list[Creator], other: list[Creator]) -> list[Creator]:
    """Keep *base*'s people and order; take *other*'s spelling of a person when it is richer (accents,
    full given names). Nobody is appended: two sources' lists of one work name the same people, and an
    unmatched name is a spelling we could not pair, not a new author."""
    by_key: dict[tuple[str, str], Creator] = {}
    for creator in other:
        by_key.setdefault((creator.creator_type, name_key(creator)), creator)
    merged: list[Creator] = []
    for creator in base:
        twin = by_key.get((creator.creator_type, name_key(creator)))
        best = better_name(creator, twin) if twin is not None else creator
        merged.append(Creator(creator.creator_type, best.first_name, best.last_name, best.name))
    return merged


def merge_results(results: list[SourceResult]) -> Item:
    """Merge the answers (any order) into a new Item.

    Bibliographic fields come from the highest-priority source that has them; the creator list from
    the source with the fullest list, with spellings improved from the others; identifiers and
    automatic tags are the union of all; each extra (integrity notices, trial details, citation counts)
    comes from the highest-priority source that has it.
    """
    if not results:
        raise ValueError("nothing to merge")
    ordered = sorted(results, key=lambda r: -r.priority)
    item = Item(item_type=next((r.item.item_type for r in ordered if r.item.item_type != "document"
                                and r.item.fields.get("title")), ordered[0].item.item_type))
    for result in ordered:
        cleaned = Item(item_type=result.item.item_type, identifiers=dict(result.item.identifiers),
                       fields={name: clean_markup(raw) if name == "abstractNote" else raw.strip()
                               for name, raw in result.item.fields.items()})
        fill_missing(item, cleaned, result.source)
        for name, value in result.item.extras.items():  # integrity notes, trial details: the first source's
            item.extras.setdefault(name, value)
        if result.item.hal_version and (item.hal_version or 0) < result.item.hal_version:
            item.hal_version = result.item.hal_version
        for tag in result.item.tags:
            item.add_tag(tag.tag, tag.type)
            copy_source(item, result.item, tag.tag)
    # The fullest list is the base (one source may stop at "et al."), then the higher priority.
    with_creators = sorted((r for r in ordered if r.item.creators), key=lambda r: (-len(r.item.creators), -r.priority))
    if with_creators:
        creators = list(with_creators[0].item.creators)
        for other in with_creators[1:]:
            creators = _upgrade_spellings(creators, other.item.creators)
        item.creators = creators
        item.provenance["creators"] = with_creators[0].source
    return item
