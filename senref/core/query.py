"""What the item table, an export or a sync target asks for: a filter set and a sort order, as plain data.

Storage compiles it to SQL (`senref.storage.queries`); nothing above storage sees the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The orders a query can ask for (compiled to indexed columns in storage).
SORT_FIELDS = ("title", "creator", "year", "publication", "type", "dateAdded", "dateModified")


@dataclass
class ItemQuery:
    """What the item table shows: one filter set, one sort order."""

    collection: str | None = None  # collection key
    recursive: bool = False
    unfiled: bool = False
    tags: list[str] = field(default_factory=list)
    tag_mode: str = "and"  # "and" | "or"
    tag_type: int | None = None  # restrict tag matches to manual (0) or automatic (1)
    search: str = ""
    trash: bool = False
    keys: list[str] | None = None
    #: only items with one of these integrity statuses (see senref.core.integrity)
    integrity: list[str] = field(default_factory=list)
    sort: str = "title"
    descending: bool = False
