"""What a work's own Crossref record already says about its integrity and its published version.

The DOI lookup of every add fetches the work record anyway; its `updated-by` / `update-to` (Retraction
Watch entries included) and `relation.is-preprint-of` cost no extra request. A flagged status found
here is kept at once; "no notices" is not (a full check also asks Crossref's `updates:` filter and
PubMed), so the scheduled check still asks about the item.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from senref.core.model import Item
from senref.sources.integrity_notices import crossref_notices, is_notice, status_of
from senref.sources.version_links import crossref_is_preprint, crossref_relations


def note_crossref_record(item: Item, message: dict[str, Any]) -> None:
    notices = [] if is_notice(message) else crossref_notices(message)
    if notices:
        item.extras["integrity"] = {"status": status_of(notices), "notices": [n.to_json() for n in notices]}
    if crossref_is_preprint(message):
        published = [v.to_json() for v in crossref_relations(message, "is-preprint-of")]
        if published:
            item.extras["versions"] = {"published": published,
                                       "checked": datetime.now(UTC).isoformat(timespec="seconds")}
