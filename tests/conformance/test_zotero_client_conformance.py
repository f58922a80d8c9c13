"""The sync client over the Web API's recorded answers: keys and rights, version lists, write results,
and the connector bodies Zotero's own clients send."""

from __future__ import annotations

import json
from pathlib import Path

from senref.core.model import Creator, Item
from senref.zotero.account import access_for
from senref.zotero.client import parse_versions, parse_write
from senref.zotero.desktop import translator_item
from senref.zotero.mapping import api_to_item


def test_keys_current_gives_rights_for_the_user_and_each_group(shared_dir: Path) -> None:
    files = sorted((shared_dir / "fixtures" / "zotero-api" / "keys").glob("*.json"))
    assert files
    for path in files:
        info = json.loads(path.read_text(encoding="utf-8"))
        user = f"users/{info['userID']}"
        rights = access_for(info, user)
        assert rights["library"] is True, path.name
        for group in (info.get("access", {}).get("groups") or {}):
            if group != "all":
                assert set(access_for(info, f"groups/{group}")) == {"library", "notes", "write", "files"}


def test_version_lists_parse_to_keys_and_versions(shared_dir: Path) -> None:
    files = sorted((shared_dir / "fixtures" / "zotero-api" / "versions").glob("*.json"))
    assert files
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        versions = parse_versions(raw)
        assert len(versions) == len(raw) and all(len(k) == 8 and v > 0 for k, v in versions.items()), path.name


def test_write_results_parse_with_their_indexes(shared_dir: Path) -> None:
    files = sorted((shared_dir / "fixtures" / "zotero-api" / "writes").glob("*.json"))
    assert files
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        result = parse_write(raw, 7)
        assert len(result.successful) + len(result.unchanged) + len(result.failed) == (
            len(raw.get("successful") or {}) + len(raw.get("unchanged") or {}) + len(raw.get("failed") or {}))
        for obj in result.successful.values():
            assert obj["key"] and isinstance(obj["version"], int), path.name
            api_to_item(obj)  # every saved object reads back
        for failure in result.failed.values():
            assert failure.get("message"), path.name


def test_connector_bodies_have_the_shape_zotero_s_clients_send(shared_dir: Path) -> None:
    files = sorted((shared_dir / "fixtures" / "zotero-local").glob("saveItems_request_body_*.json"))
    assert files
    for path in files:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        for theirs in recorded["items"]:
            item = Item(item_type=theirs["itemType"], fields={"title": theirs.get("title", "")})
            item.creators = [Creator.from_json(c) for c in theirs.get("creators", [])]
            ours = translator_item(item)
            # The same record, said as a connector client says it: same names, same shapes.
            assert ours["itemType"] == theirs["itemType"], path.name
            assert ours.get("title", "") == theirs.get("title", ""), path.name
            assert ours.get("creators", []) == theirs.get("creators", []), path.name
