"""Topic evidence read from tags names the tags' source: HAL keywords are keywords, not MeSH."""

from __future__ import annotations

from senref.core.model import AUTOMATIC, Item
from senref.core.tag_sources import HAL_KEYWORDS, MESH, add_source_tag
from senref.topics.tagger import get_tagger


def rows_for(item: Item, topic: str) -> list[dict[str, object]]:
    get_tagger().apply(item)
    return list(item.extras["topicEvidence"][topic])


def test_hal_keyword_evidence_is_keywords_from_hal() -> None:
    item = Item(fields={"title": "Outcomes after treatment"})
    add_source_tag(item, "Senolytics", HAL_KEYWORDS)
    rows = rows_for(item, "Senotherapeutics/Senolytics")
    assert rows and all(r["field"] == "keywords" and r["source"] == HAL_KEYWORDS for r in rows)
    assert rows[0]["tag"] == "Senolytics"


def test_mesh_heading_evidence_is_mesh() -> None:
    item = Item(fields={"title": "Outcomes after treatment"})
    add_source_tag(item, "Senolytics", MESH)
    rows = rows_for(item, "Senotherapeutics/Senolytics")
    assert rows and rows[0]["field"] == "mesh" and rows[0]["source"] == MESH


def test_automatic_tag_of_unknown_origin_still_read_as_before() -> None:
    item = Item(fields={"title": "Outcomes after treatment"})
    item.add_tag("Senolytics", AUTOMATIC)
    rows = rows_for(item, "Senotherapeutics/Senolytics")
    assert rows and rows[0]["field"] == "mesh" and "source" not in rows[0]
