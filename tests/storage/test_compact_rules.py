"""Evidence entries naming their rule, and entity tags as evidence keys: stored short, read back exactly (issue 19)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.model import Item
from senref.storage import compact
from senref.storage import items as rows

RULES: list[Any] = ["term", "marker", "rule: radiation + senescence in one sentence", "", "c", "r", "I", "{}",
                    "ü/ß \"quoted\"", 3, None, True, ["term"], {"rule": "x"}]
KEYS = ["TIS", "TIS/Radiation-induced", "Gene/CDKN2A", "Drug/navitoclax", "Trial/NCT01234567", "Gene", "Drug/",
        "Gene/CDKN2A/p16"]


def _same(a: Any, b: Any) -> bool:
    """Equal down to key order and number types."""
    return json.dumps(a) == json.dumps(b) and _types(a) == _types(b)


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return [(k, _types(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def _entry(rng: random.Random, topic: str) -> dict[str, Any]:
    field = rng.choice([*compact._FIELD_CODES, "other"])
    term = rng.choice([f"{topic}/{rng.choice(['x', 'CDKN2A', ''])}", "p16", "navitoclax", "NCT01234567", ""])
    out: dict[str, Any] = {"field": field, "term": term, "weight": rng.choice([1, 2.5, 0.0, -1, True])}
    extra = [("rule", rng.choice(RULES)), ("tag", "senolytics"), ("source", "user")]
    rng.shuffle(extra)
    for key, value in extra[:rng.randrange(4)]:
        out[key] = value
    return out


@pytest.mark.parametrize("seed", range(30))
def test_entries_with_a_rule_and_entity_keys_read_back_exactly(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        evidence = {key: [_entry(rng, key) for _ in range(rng.randrange(4))] for key in rng.sample(KEYS, rng.randrange(1, 6))}
        extras: dict[str, Any] = {"topicEvidence": evidence}
        stored = compact.encode_extras(extras)
        assert _same(compact.decode_extras(stored), extras), evidence


def test_a_string_rule_is_a_fourth_element_and_old_forms_are_unchanged() -> None:
    entry = {"field": "abstract", "term": "radiation", "weight": 3.0, "rule": "rule: radiation + senescence in one sentence"}
    stored = json.loads(compact.encode_extras({"topicEvidence": {"TIS/Radiation-induced": [entry]}}))
    assert stored["topicEvidence"] == ["c", {"TIS/Radiation-induced": [["a", "radiation", 3.0, entry["rule"]]]}]
    with_more = {**entry, "tag": "radiation", "source": "user"}
    packed = json.loads(compact.encode_extras({"topicEvidence": {"Drug/navitoclax": [with_more]}}))
    assert packed["topicEvidence"][1]["Drug/navitoclax"] == [
        ["a", "radiation", 3.0, entry["rule"], {"tag": "radiation", "source": "user"}]]
    # Entries without a rule are stored as before this change, and rows written before read as they did.
    plain = {"field": "title", "term": "p16", "weight": 6.0, "tag": "p16"}
    assert json.loads(compact.encode_extras({"topicEvidence": {"Gene/CDKN2A": [plain]}}))["topicEvidence"] == [
        "c", {"Gene/CDKN2A": [["t", "p16", 6.0, {"tag": "p16"}]]}]
    old = '{"topicEvidence":["c",{"TIS":[["I","Radiation-induced",7.5],["k","x",1.0,{"rule":"term"}]]}]}'
    assert compact.decode_extras(old)["topicEvidence"] == {"TIS": [
        {"field": "implied", "term": "TIS/Radiation-induced", "weight": 7.5},
        {"field": "keywords", "term": "x", "weight": 1.0, "rule": "term"}]}


def test_a_rule_not_in_fourth_place_or_not_a_string_stays_in_the_dict() -> None:
    for entry in ({"field": "title", "term": "x", "weight": 1, "tag": "x", "rule": "term"},
                  {"field": "title", "term": "x", "weight": 1, "rule": 5},
                  {"field": "title", "term": "x", "weight": 1, "rule": None, "tag": "y"}):
        packed = json.loads(compact.encode_extras({"topicEvidence": {"T": [entry]}}))["topicEvidence"][1]["T"][0]
        assert isinstance(packed[3], dict)
        assert _same(compact.decode_extras(compact.encode_extras({"topicEvidence": {"T": [entry]}}))["topicEvidence"],
                     {"T": [entry]})


def test_the_library_returns_rules_and_entity_evidence(library: Library) -> None:
    item = Item(fields={"title": "Navitoclax after radiation (NCT01234567)"})
    item.extras["topicEvidence"] = {
        "TIS/Radiation-induced": [{"field": "title", "term": "radiation", "weight": 4.5,
                                   "rule": "rule: radiation + senescence in one sentence"}],
        "Drug/navitoclax": [{"field": "title", "term": "Navitoclax", "weight": 1.0, "rule": "term"}],
        "Trial/NCT01234567": [{"field": "title", "term": "NCT01234567", "weight": 1.0, "rule": "marker"}],
    }
    with library.db.transaction() as conn:
        rows.write_item(conn, item)
    stored = library.db.conn.execute("SELECT extras FROM items WHERE key = ?", (item.key,)).fetchone()[0]
    assert '"rule"' not in stored
    assert _same(library.get_item(item.key).extras, item.extras)
