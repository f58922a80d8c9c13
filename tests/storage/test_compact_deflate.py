"""Long abstracts and long topic evidence are stored deflated and read back exactly; rows written before read as
they did; what SQL reads inside the JSON columns (a citation key, the integrity status) stays readable."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.storage import compact
from senref.storage import items as rows

_PIECES = ["Senescent cells", " <b>and</b> ", "the SASP", " ", "NF-κB", "ß", "日本語", "e\u0301", "\n", "\t", "\"", "\\",
           "[\"z\",\"x\"]", "{", "}", "$\\beta$", "\u200b", "😀", "x" * 50]


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(n))


@pytest.mark.parametrize("seed", range(20))
def test_fields_read_back_exactly(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(30):
        fields: dict[str, Any] = {"title": _text(rng, 5), "abstractNote": _text(rng, rng.choice([0, 3, 40, 400])),
                                  "extra": _text(rng, 60), "citationKey": "Smith2020"}
        if rng.random() < 0.3:
            del fields["abstractNote"]
        stored = compact.encode_fields(fields)
        back = compact.decode_fields(stored)
        assert back == fields and list(back) == list(fields)
        if len(fields.get("abstractNote", "")) > 2000:
            assert len(stored) < len(compact.dumps(fields))


def test_rows_written_before_read_as_they_were() -> None:
    fields = {"title": "T", "abstractNote": "Senescent cells and the SASP. " * 60, "pages": "1-9"}
    assert compact.decode_fields(json.dumps(fields, ensure_ascii=False)) == fields
    assert compact.decode_fields(compact.dumps(fields)) == fields
    extras = {"integrity": {"status": "ok"}, "topicEvidence": ["c", {"TIS": [["a", "radiation", 3.0, "term"]] * 20}]}
    assert compact.decode_extras(compact.dumps(extras))["topicEvidence"] == {
        "TIS": [{"field": "abstract", "term": "radiation", "weight": 3.0, "rule": "term"}] * 20}


def test_long_evidence_is_deflated_short_stays_readable() -> None:
    entry = {"field": "abstract", "term": "etoposide … senescence", "weight": 3.0,
             "rule": "anticancer therapy + senescence in one sentence"}
    long_extras = {"integrity": {"status": "retracted"}, "topicEvidence": {f"T{k}": [entry] * 4 for k in range(8)}}
    stored = json.loads(compact.encode_extras(long_extras))
    assert stored["topicEvidence"][0] == "z" and stored["integrity"] == {"status": "retracted"}
    assert json.dumps(compact.decode_extras(json.dumps(stored))) == json.dumps(long_extras)
    short = {"topicEvidence": {"TIS": [{"field": "title", "term": "x", "weight": 1}]}}
    assert json.loads(compact.encode_extras(short))["topicEvidence"][0] == "c"


def test_the_library_reads_deflated_rows_and_sql_still_sees_the_rest(library: Library) -> None:
    abstract = "Therapy-induced senescence and the SASP in mouse xenografts. " * 40
    item = Item(fields={"title": "Fisetin", "abstractNote": abstract, "citationKey": "Fisetin2020"})
    item.extras = {"integrity": {"status": "retracted"},
                   "topicEvidence": {"TIS": [{"field": "abstract", "term": "senescence", "weight": 2.0,
                                              "rule": "supporting word"}] * 30}}
    with library.db.transaction() as conn:
        rows.write_item(conn, item)
    stored = library.db.conn.execute("SELECT fields FROM items WHERE key = ?", (item.key,)).fetchone()[0]
    assert abstract not in stored and len(stored) < len(abstract) / 4
    back = library.get_item(item.key)
    assert back is not None and back.fields == item.fields and back.extras == item.extras
    assert rows.pinned_citation_keys(library.db.conn) == {"Fisetin2020"}
    assert library.count(ItemQuery(integrity=["retracted"])) == 1
    assert library.count(ItemQuery(search="xenografts")) == 1
