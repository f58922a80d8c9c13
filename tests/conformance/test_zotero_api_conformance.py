"""Zotero Web API item JSON recorded from real libraries: read by Item.from_json, written back unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from senref.core.model import Item

#: Keys of `data` that are Zotero-server bookkeeping, not the item itself.
_SERVER_KEYS = {"key", "version", "dateAdded", "dateModified", "parentItem", "relations", "collections", "tags",
                "creators", "itemType", "extra", "DOI", "ISBN", "PMID", "PMCID", "deleted", "inPublications"}


def _objects(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, list) else [data]


def test_recorded_items_round_trip(shared_dir: Path) -> None:
    files = sorted((shared_dir / "fixtures" / "zotero-api" / "items").glob("*.json"))
    assert files, "no recorded Zotero item responses found"
    checked = 0
    lost: list[str] = []
    for path in files:
        for obj in _objects(path):
            data = obj["data"]
            if data["itemType"] in ("note", "attachment"):
                continue  # child items are notes/attachments of their parent in senref's model
            item = Item.from_json(obj)
            back = item.to_json()["data"]
            assert back["itemType"] == data["itemType"], path.name
            assert back["creators"] == [dict(c) for c in data["creators"]], path.name
            assert sorted((t["tag"], t.get("type", 0)) for t in back["tags"]) == \
                sorted((t["tag"], t.get("type", 0)) for t in data["tags"]), path.name
            assert back["collections"] == data.get("collections", []), path.name
            assert back["relations"] == data.get("relations", {}), path.name
            for name, value in data.items():
                if name in _SERVER_KEYS or value in ("", None, [], {}):
                    continue
                if back.get(name) != value:
                    lost.append(f"{path.name} {data['key']} {name}: {value!r} -> {back.get(name)!r}")
            for name in ("DOI", "PMID", "PMCID"):
                if data.get(name):
                    assert back[name].lower() == str(data[name]).lower().removeprefix("pmcid:").strip() or \
                        back[name] == data[name], (path.name, name)
            checked += 1
    print(f"zotero-api conformance: {checked} recorded items round-tripped, {len(lost)} field differences")
    assert checked >= 20
    assert lost == []
