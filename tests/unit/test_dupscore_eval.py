"""The duplicate scorer on the labelled evaluation set (tests/fixtures/duplicates, labelled before the
scorer existed): blocking recall, likely-duplicate recall and precision, and proof precision."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from senref.core import dupscore
from senref.core.model import Creator, Item

EVAL = Path(__file__).resolve().parents[1] / "fixtures" / "duplicates"
#: records.json column -> senref identifier scheme (kept out of the fields, normalised by the model)
_IDS = {"DOI": "doi", "ISBN": "isbn", "PMID": "pmid", "PMCID": "pmcid", "arXiv": "arxiv", "HAL": "hal"}


def eval_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((EVAL / "records.json").read_text(encoding="utf-8"))
    return records


def eval_labels() -> dict[str, Any]:
    labels: dict[str, Any] = json.loads((EVAL / "labels.json").read_text(encoding="utf-8"))
    return labels


def record_item(record: dict[str, Any]) -> Item:
    """A record of the set as the Item an import would give (identifiers normalised by the model)."""
    item = Item(item_type=record["itemType"])
    for name, value in record.items():
        if name in ("id", "itemType", "creators", "source") or not value:
            continue
        if name in _IDS:
            item.set_identifier(_IDS[name], str(value))
        else:
            item.fields[name] = str(value)
    item.creators = [Creator.from_json(c) for c in record["creators"]]
    return item


def true_pairs(labels: dict[str, Any]) -> set[tuple[str, str]]:
    return {pair(a, b) for group in labels["duplicates"] for a, b in itertools.combinations(group["ids"], 2)}


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def figures(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / len(truth), (hits / len(found) if found else 1.0)


def _blocked_pairs(profiles: dict[str, dupscore.Profile]) -> set[tuple[str, str]]:
    blocks: dict[str, list[str]] = defaultdict(list)
    for rid, prof in profiles.items():
        for key in dupscore.blocking_keys(prof):
            blocks[key].append(rid)
    return {pair(a, b) for members in blocks.values() if len(members) <= dupscore.MAX_BLOCK
            for a, b in itertools.combinations(members, 2)}


def test_scorer_finds_the_labelled_duplicates_and_proves_only_true_ones() -> None:
    labels = eval_labels()
    truth = true_pairs(labels)
    profiles = {r["id"]: dupscore.profile(record_item(r)) for r in eval_records()}
    blocked = _blocked_pairs(profiles)
    likely = {p for p in blocked if dupscore.score(profiles[p[0]], profiles[p[1]])[0] >= dupscore.LIKELY
              and not dupscore.linkable(profiles[p[0]], profiles[p[1]])}
    proven = {p for p in blocked if dupscore.proof(profiles[p[0]], profiles[p[1]])}
    recall, precision = figures(likely, truth)
    related = {pair(a, b) for a, b, _kind in labels["related"]}
    hard = {pair(a, b) for a, b, _why in labels["not_duplicates_hard"]}
    print(f"\nblocking: {len(blocked)} candidate pairs of {len(profiles) * (len(profiles) - 1) // 2}, "
          f"{len(blocked & truth)}/{len(truth)} true pairs among them")
    print(f"likely duplicates: {len(likely)} pairs, recall {recall:.3f}, precision {precision:.3f} "
          f"(false positives: {len(likely & related)} related, {len(likely & hard)} hard, "
          f"{len(likely - truth - related - hard)} other)")
    print(f"proof: {len(proven)} pairs, precision {figures(proven, truth)[1]:.3f}, "
          f"{len(proven & truth)} of the true pairs proven")
    assert proven <= truth, sorted(proven - truth)
    assert recall >= 0.95 and precision >= 0.9
    assert not (proven & (related | hard))


def test_preprint_and_its_article_are_linked_not_merged() -> None:
    preprint = Item(item_type="preprint", fields={"title": "A model of senescence escape", "date": "2023"})
    preprint.set_identifier("arxiv", "arXiv:2301.99001v1")
    article = Item(fields={"title": "A Model of Senescence Escape", "date": "2024", "publicationTitle": "Cell"})
    article.set_identifier("arxiv", "2301.99001")
    a, b = dupscore.profile(preprint), dupscore.profile(article)
    assert dupscore.proof(a, b) is None and dupscore.linkable(a, b)
    assert dupscore.score(a, b)[0] < dupscore.LIKELY


def test_a_shared_doi_with_another_title_is_no_proof() -> None:
    chapter = Item(item_type="bookSection", fields={"title": "Senolytics in the clinic", "pages": "93-120"})
    other = Item(item_type="bookSection", fields={"title": "Radiation-induced senescence", "pages": "121-140"})
    for item in (chapter, other):
        item.set_identifier("doi", "10.5555/THE.BOOK")
    assert dupscore.proof(dupscore.profile(chapter), dupscore.profile(other)) is None


def test_arxiv_datacite_doi_is_the_arxiv_id() -> None:
    a = Item(item_type="preprint", fields={"title": "Senescence clocks"})
    a.set_identifier("doi", "10.48550/arXiv.2101.99002")
    b = Item(item_type="preprint", fields={"title": "Senescence clocks"})
    b.set_identifier("arxiv", "arXiv:2101.99002v3")
    assert dupscore.proof(dupscore.profile(a), dupscore.profile(b)) == "arxiv"
