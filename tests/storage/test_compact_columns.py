"""Topic evidence and duplicate profiles are stored compactly and read back exactly as written."""

from __future__ import annotations

import json
import math
import os
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from senref.core.dupscore import Profile, profile
from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.records import ImportRecord
from senref.formats import registry
from senref.storage import compact, db
from senref.storage import items as rows
from senref.topics.tagger import get_tagger

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHARED = (Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared") / "fixtures")


def _same(a: Any, b: Any) -> bool:
    """Equal down to key order and number types (1 and 1.0 and True differ in an export)."""
    return json.dumps(a, sort_keys=False) == json.dumps(b, sort_keys=False) and _types(a) == _types(b)


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return [(k, _types(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def _file_items() -> list[Item]:
    paths = sorted((FIXTURES / "formats").glob("*.bib")) + sorted((FIXTURES / "formats").glob("*.ris"))
    if SHARED.is_dir():
        paths += sorted(p for p in SHARED.rglob("*") if p.suffix in (".bib", ".ris", ".json")
                        and p.stat().st_size < 300_000)[:12]
    found: list[Item] = []
    for path in paths:
        fmt = registry.for_path(path)
        if fmt is None:
            continue
        try:
            found += [r.item for r in fmt.read(path) if isinstance(r, ImportRecord)]
        except Exception:  # a fixture this format cannot read is not this test's subject
            continue
    return found


_WORDS = ["senolytic", "navitoclax", "quercetin", "fisetin", "dasatinib", "doxorubicin", "cisplatin", "etoposide",
          "palbociclib", "olaparib", "p16INK4a", "p21", "lipofuscin", "SASP", "NF-κB", "secretory", "stemness",
          "dormancy", "relapse", "metastasis", "mouse", "organoid", "xenograft", "radiation", "chemotherapy",
          "senescence", "clearance", "lamin", "mTOR", "macrophage", "fibrosis"]


def _topical_items(count: int = 60) -> list[Item]:
    """Titles, abstracts and keywords drawn from the vocabulary's own words, so most items get topics."""
    rng = random.Random(15)
    items = []
    for _ in range(count):
        item = Item(fields={"title": " ".join(rng.choices(_WORDS, k=6)),
                            "abstractNote": " ".join(rng.choices(_WORDS, k=rng.randrange(0, 60)))})
        for word in rng.sample(_WORDS, rng.randrange(3)):
            item.add_tag(word)
        items.append(item)
    return items


def _hostile_evidence(rng: random.Random) -> Any:
    words = ["", "/", "TIS", "TIS/x", "c", "r", "I", "a", "t", "implied", "ü/ß", "x/y/z", "title"]
    numbers: list[Any] = [0, 1, 2.0, 2.25, -1, True, None, 1e300, "3"]

    def entry(topic: str) -> Any:
        shape = rng.randrange(9)
        if shape == 0:
            return [rng.choice(words), rng.choice(words), rng.choice(numbers)]  # a list entry
        if shape == 1:
            return rng.choice(["text", 3, None, {}])
        field = rng.choice([*compact._FIELD_CODES, "other", 7])
        term: Any = rng.choice([f"{topic}/{rng.choice(words)}", rng.choice(words), 4])
        keys = ["field", "term", "weight"]
        if shape == 2:
            rng.shuffle(keys)
        out = dict(zip(keys, [field, term, rng.choice(numbers)], strict=True))
        if shape == 3:
            out.pop(rng.choice(keys))
        if shape >= 6:
            out.update({rng.choice(["tag", "source", "field2", "weight2"]): rng.choice(words + numbers)})
        return out

    kind = rng.randrange(6)
    if kind == 0:
        return [rng.choice(["c", "r", "x"]), {"T": []}]  # looks like a stored form
    if kind == 1:
        return rng.choice(["c", 5, None, {"T": "no list"}, []])
    return {rng.choice(words) + str(i): [entry(str(i)) for _ in range(rng.randrange(5))] for i in range(rng.randrange(6))}


def test_tagger_evidence_round_trips_and_shrinks() -> None:
    tagger = get_tagger()
    items = _file_items() + _topical_items()
    assert len(items) > 80
    tagged = plain = packed = 0
    for item in items:
        tagger.apply(item)
        extras = dict(item.extras)
        stored = compact.encode_extras(extras)
        assert _same(compact.decode_extras(stored), extras), item.title
        if "topicEvidence" in extras:
            tagged += 1
            plain += len(compact.dumps(extras))
            packed += len(stored)
    assert tagged > 40
    assert packed < 0.7 * plain


@pytest.mark.parametrize("seed", range(40))
def test_hostile_evidence_reads_back_as_written(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        extras: dict[str, Any] = {"topicEvidence": _hostile_evidence(rng)}
        if rng.random() < 0.5:
            extras = {"integrity": {"status": "ok"}, **extras, "rejectedTopics": ["TIS"]}
        assert _same(compact.decode_extras(compact.encode_extras(extras)), extras), extras


def test_rows_written_before_read_as_they_were() -> None:
    rng = random.Random(7)
    for _ in range(300):
        extras = {"topicEvidence": _hostile_evidence(rng), "pdfReasons": ["HTTP 404"]}
        if isinstance(extras["topicEvidence"], list) and len(extras["topicEvidence"]) == 2 \
                and extras["topicEvidence"][0] in ("c", "r"):
            continue  # the one shape an old row never had: the tagger writes dicts
        old = json.dumps(extras, ensure_ascii=False)
        assert _same(compact.decode_extras(old), extras)


def test_the_library_stores_evidence_compactly_and_returns_it(library: Library) -> None:
    item = Item(fields={"title": "Senolytic navitoclax clears p16INK4a cells after doxorubicin",
                        "abstractNote": "Therapy-induced senescence, the SASP and senolytics in mouse xenografts."},
                creators=[Creator("author", "Judith", "Campisi")])
    get_tagger().apply(item)
    evidence = item.extras["topicEvidence"]
    assert evidence
    with library.db.transaction() as conn:
        rows.write_item(conn, item)
    stored = library.db.conn.execute("SELECT extras FROM items WHERE key = ?", (item.key,)).fetchone()[0]
    assert '"field"' not in stored
    assert _same(library.get_item(item.key).extras, item.extras)


def _profiles() -> list[dict[str, Any]]:
    items = _file_items() + _topical_items()
    items.append(Item(fields={"title": "<i>A</i> title: and its subtitle", "pages": "5-9", "volume": "3"},
                      creators=[Creator("author", name="Consortium")]))
    items[-1].set_identifier("doi", "10.1234/X")
    return [profile(item, rank=n).to_json() for n, item in enumerate(items)]


def test_profiles_round_trip() -> None:
    found = _profiles()
    assert any(p["m"] != p["ti"] for p in found) and any(p["p"] for p in found) and any(p["s"] for p in found)
    for data in found:
        stored = compact.encode_profile(data)
        back = compact.decode_profile(stored)
        assert back == data and all(type(back[k]) is type(v) for k, v in data.items())
        assert Profile.from_json(back, rank=3) == Profile.from_json(data, rank=3)
    hostile = {"k": "K", "t": "book", "ti": "", "m": "", "f": [], "y": None, "c": "", "p": 0, "n": [], "s": {"doi": "x"},
               "i": "", "d": False}
    assert compact.decode_profile(compact.encode_profile(hostile)) == hostile
    assert all(type(compact.decode_profile(compact.encode_profile(hostile))[k]) is type(v) for k, v in hostile.items())


def test_profiles_written_before_read_as_they_were() -> None:
    for data in _profiles():
        assert compact.decode_profile(json.dumps(data, ensure_ascii=False)) == data


def test_a_new_library_packs_rows_in_larger_pages(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib:
        assert lib.db.conn.execute("PRAGMA page_size").fetchone()[0] == db.PAGE_SIZE
        with lib.db.transaction() as conn:
            rows.write_item(conn, Item(fields={"title": "Fisetin"}))
    assert math.log2(db.PAGE_SIZE).is_integer()


def test_a_library_with_the_old_page_size_still_opens(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib, lib.db.transaction() as conn:
        rows.write_item(conn, Item(fields={"title": "Quercetin senolytic"}))
    path = tmp_path / "lib" / "library.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    conn.close()
    with Library.open(tmp_path / "lib") as lib:
        assert [i.title for i in lib.iter_items()] == ["Quercetin senolytic"]
        with lib.db.transaction() as conn:
            rows.write_item(conn, Item(fields={"title": "Dasatinib"}))
        assert lib.db.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
