"""An import keeps the duplicate profiles it meets decoded (storage.dupstore.ProfileCache), and scores a pair
only as far as it can still become likely (core.dupscore.score's `reach`). Neither may change what is found."""

from __future__ import annotations

import dataclasses
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from senref.core import checkpoints
from senref.core import library_writes as writes
from senref.core.dupscore import LIKELY, Profile, linkable, may_reach, profile, score
from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.records import ImportRecord
from senref.storage import duplicates as dup_rows
from tests.unit.test_dupscore_eval import eval_records, record_item


def _import_eval_set(folder: Path, batch: int) -> tuple[Library, list[str]]:
    lib = Library.open(folder, autotag=False)
    records = [ImportRecord(record_item(r)) for r in eval_records()]
    report = lib.import_records(records, batch=batch)
    return lib, report.keys


def _findings(lib: Library, keys: list[str]) -> dict[str, Any]:
    """The candidate pairs and relations, keys replaced by the position of their record in the import."""
    where = {key: str(i) for i, key in enumerate(keys)}
    pairs = sorted((sorted((where[c.a], where[c.b])), c.score, c.reasons) for c in lib.duplicate_candidates())
    relations = {where[key]: sorted(where.get(k.rsplit("/", 1)[-1], k) for k in _relations(lib, key))
                 for key in dict.fromkeys(keys)}
    return {"pairs": pairs, "relations": relations}


def _relations(lib: Library, key: str) -> list[str]:
    item = lib.get_item(key)
    return [str(v) for values in item.relations.values() for v in values]


@pytest.mark.parametrize("batch", [3, 500])
def test_the_profile_cache_finds_what_reading_every_profile_finds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    cached, cached_keys = _import_eval_set(tmp_path / "cached", batch)
    # No profile kept whole: every mate met again is judged by its light profile first.
    monkeypatch.setattr(writes, "_PROFILE_CACHE", 0)
    light, light_keys = _import_eval_set(tmp_path / "light", batch)
    # Nothing kept at all: every mate's profile is read and scored.
    monkeypatch.setattr(dup_rows.ImportProfiles, "light", lambda self, rid: None)
    plain, plain_keys = _import_eval_set(tmp_path / "plain", batch)
    try:
        assert len(set(cached_keys)) < len(cached_keys), "the set has records merged on proof"
        found = _findings(cached, cached_keys)
        assert found["pairs"], "the set has likely pairs to find"
        assert found == _findings(plain, plain_keys)
        assert _findings(light, light_keys) == found
    finally:
        cached.close()
        light.close()
        plain.close()


def test_light_profiles_turn_away_only_pairs_that_can_be_neither_likely_nor_linked() -> None:
    rng = random.Random(11)
    cache = dup_rows.ImportProfiles(0)
    turned_away = 0
    for n in range(20_000):
        a, b = _varied(rng, n), _varied(rng, n + 1)
        cache.keep_light(a)
        light = cache.light(a.rank)
        assert light is not None
        if not may_reach(light, b, LIKELY):
            turned_away += 1
            assert not linkable(a, b)
            assert score(a, b)[0] < LIKELY
        assert may_reach(light, b, LIKELY) == may_reach(a, b, LIKELY)  # the light profile judges as the whole
    assert 1000 < turned_away < 19_000, turned_away


def _varied(rng: random.Random, rank: int) -> Profile:
    """Profiles alike enough, often enough, for every kind of evidence to show up."""
    title = rng.choice(["senescence after irradiation", "senescence after irradiation of fibroblasts",
                        "senolytics in lung cancer", "sasp and relapse"])
    return Profile(key=f"K{rank}", item_type=rng.choice(["journalArticle", "preprint", "book", "magazineArticle"]),
                   title=title, main=title.split(" of ")[0], families=rng.sample(["smith", "wang", "li"], 2),
                   year=rng.choice([None, 2019, 2020, 2021, 2023]), container=rng.choice(["", "radiother oncol"]),
                   page=rng.choice(["", "12", "13"]), numbers=rng.choice([{}, {"volume": "3"}, {"volume": "4"}]),
                   strong=rng.choice([{}, {"doi": "10.1/a"}, {"doi": "10.1/b"}, {"pmid": "1"}]),
                   isbn=rng.choice(["", "", "9780000000001"]), rank=rank, day=rng.choice([None, 7000, 7400]))


def _paper(title: str) -> Item:
    return Item(item_type="journalArticle", fields={"title": title, "date": "2020",
                                                    "publicationTitle": "Radiotherapy and Oncology"},
                creators=[Creator("author", "Ana", "Smith"), Creator("author", "Li", "Wang")])


def test_a_commit_by_another_connection_between_batches_empties_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record trashed by another window while the import runs is not met by the records after it."""
    lib = Library.open(tmp_path / "lib", autotag=False)
    [trashed] = lib.import_records([ImportRecord(_paper("Senescence of lung fibroblasts after irradiation"))]).keys
    lib.close()
    other = Library.open(tmp_path / "lib", autotag=False)
    lib = Library.open(tmp_path / "lib", autotag=False)
    try:
        def after_commit(name: str) -> None:
            if name == "import_after_commit" and not other.get_item(trashed).deleted:
                other.trash([trashed])  # after the first batch met (and cached) it

        monkeypatch.setattr(checkpoints, "reached", after_commit)
        first, second = lib.import_records([ImportRecord(_paper("Senescence of lung fibroblast after irradiation")),
                                            ImportRecord(_paper("Senescence of the lung fibroblasts after irradiation"))],
                                           batch=1).keys
        # Read from the table: the listed pairs leave out the ones with an item in the Trash.
        with sqlite3.connect(tmp_path / "lib" / "library.sqlite") as conn:
            met = {frozenset(row) for row in conn.execute("SELECT a, b FROM dup_candidates")}
        assert frozenset((trashed, first)) in met, "the first batch met the item while it was live"
        assert frozenset((first, second)) in met
        assert frozenset((trashed, second)) not in met, "a later batch met an item trashed before it"
    finally:
        other.close()
        lib.close()


def test_the_cache_holds_its_limit_and_forgets_on_rollback() -> None:
    from senref.storage.dupstore import ProfileCache
    cache = ProfileCache(limit=3)
    for rid in range(1, 6):
        cache.put(rid, Profile(key=f"K{rid}", rank=rid))
    assert [cache.get(r) is not None for r in range(1, 6)] == [False, False, True, True, True]
    cache.sync_lost()
    assert all(cache.get(r) is None for r in range(1, 6))
    assert ProfileCache(limit=0).get(1) is None


def _varied_profiles() -> list[list[Profile]]:
    """Each record's profile with three variants of it (other years, pages, types, numbers, identifiers)."""
    rng = random.Random(11)
    groups = []
    for p in (profile(record_item(r)) for r in eval_records()):
        group = [p]
        for _ in range(3):
            q = dataclasses.replace(p, families=list(p.families), numbers=dict(p.numbers), strong=dict(p.strong))
            if rng.random() < 0.4:
                q.year = (p.year or 2000) + rng.choice([0, 0, 1, -1, 2, 5])
            if rng.random() < 0.3:
                q.page = rng.choice(["", p.page, "12", "e1003"])
            if rng.random() < 0.3:
                q.item_type = rng.choice(["journalArticle", "preprint", "book", "report", "bookSection", "thesis"])
            if rng.random() < 0.3:
                q.numbers = {"volume": rng.choice(["1", "2", p.numbers.get("volume", "")])}
            if rng.random() < 0.2:
                q.strong = {"doi": rng.choice(["10.1/x", p.strong.get("doi", "10.1/y")])}
            if rng.random() < 0.2:
                q.isbn = rng.choice(["", "9780000000002", p.isbn])
            group.append(q)
        groups.append(group)
    return groups


def test_a_pair_given_up_early_could_never_have_been_likely() -> None:
    groups = _varied_profiles()
    rng = random.Random(5)
    given_up = likely = 0
    for _ in range(20000):
        first = rng.choice(groups)
        a, b = rng.choice(first), rng.choice(first if rng.random() < 0.5 else rng.choice(groups))
        full = score(a, b)
        early = score(a, b, reach=LIKELY)
        if early != full:
            given_up += 1
            assert early[1] == [] and full[0] <= early[0] < LIKELY, (a, b, full, early)
        likely += full[0] >= LIKELY
    assert given_up > 1000 and likely > 100, (given_up, likely)
    same = groups[0][0]
    assert json.dumps(score(same, same, reach=LIKELY)) == json.dumps(score(same, same))
