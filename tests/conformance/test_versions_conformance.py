"""The version-link parsers over the recordings in shared/fixtures that link preprints and articles.

What each file must give is read from its name (`_is-preprint-of`, `_has-preprint`, `_UpdateIn`) and
checked against the recording's own structure, never against values copied from it; every other
recording must name no other version.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from senref.sources.version_links import crossref_is_preprint, crossref_relations, pubmed_versions

SHARED = Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared") / "fixtures"


def _recordings(folder: str, suffix: str) -> list[Path]:
    where = SHARED / folder
    return sorted(where.glob(f"*{suffix}")) if where.is_dir() else []


def _message(path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "response_body" in data and "endpoint" in data:
        data = data["response_body"]
    return data.get("message") if isinstance(data, dict) else None


CROSSREF = _recordings("crossref-updates", ".json") + _recordings("crossref", ".json")
PUBMED = _recordings("pubmed-updates", ".xml") + _recordings("pubmed", ".xml")


@pytest.mark.skipif(not CROSSREF, reason="shared/fixtures/crossref* not present (the recordings are not in the repo)")
@pytest.mark.parametrize("path", CROSSREF, ids=lambda p: p.name)
def test_crossref_relations(path: Path) -> None:
    message = _message(path)
    if not isinstance(message, dict) or "items" in message:
        pytest.skip("not a single work record")
    later, earlier = crossref_relations(message, "is-preprint-of"), crossref_relations(message, "has-preprint")
    declared = message.get("relation") or {}
    if "_is-preprint-of" in path.name:
        assert crossref_is_preprint(message)
        assert [v.doi.lower() for v in later] == [e["id"].lower() for e in declared["is-preprint-of"]]
    elif "_has-preprint" in path.name:
        assert not crossref_is_preprint(message)
        assert [v.doi.lower() for v in earlier] == [e["id"].lower() for e in declared["has-preprint"]]
    else:
        assert later == [] and earlier == []


@pytest.mark.skipif(not PUBMED, reason="shared/fixtures/pubmed* not present (the recordings are not in the repo)")
@pytest.mark.parametrize("path", PUBMED, ids=lambda p: p.name)
def test_pubmed_update_in(path: Path) -> None:
    content = path.read_bytes()
    found = pubmed_versions(content)
    if "_UpdateIn" in path.name:
        assert found and all(v.pmid.isdigit() for v in found)
        assert b'RefType="UpdateIn"' in content
    else:
        assert found == [] or b'RefType="UpdateIn"' in content
