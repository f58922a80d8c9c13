"""Name the source behind topic evidence found in tags: "Senolytics (HAL keywords)", not "(mesh)"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from senref.core.model import MANUAL, Item
from senref.core.tag_sources import USER, tag_sources
from senref.topics.matching import normalize_text

#: Tagger fields whose text is the item's tags joined.
TAG_FIELDS = ("keywords", "mesh")


def name_sources(evidence: Mapping[str, list[dict[str, Any]]], item: Item,
                 fields: Mapping[str, str | list[str]]) -> None:
    """Add `source` (and the `tag` the words were found in) to evidence rows read from tags, in place."""
    origins = tag_sources(item)
    manual = {t.tag for t in item.tags if t.type == MANUAL}
    for rows in evidence.values():
        for row in rows:
            field = row.get("field")
            if field not in TAG_FIELDS:
                continue
            tags = fields.get(str(field))
            if not isinstance(tags, list):
                continue
            tag = _carrier(str(row.get("term") or ""), tags)
            if tag is None:
                continue
            row["tag"] = tag
            source = USER if tag in manual else origins.get(tag)
            if source:
                row["source"] = source


def _carrier(term: str, tags: list[str]) -> str | None:
    """The tag whose text holds *term* (the tagger scans the tags joined, so a match lies inside one)."""
    wanted = normalize_text(term).casefold()
    if not wanted:
        return None
    for tag in tags:
        if wanted in normalize_text(tag).casefold():
            return tag
    return None
