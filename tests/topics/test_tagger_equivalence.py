"""The faster tagger gives exactly what the frozen one (tests/topics/_old_tagger) gave.

Over the topics' own terms: the frozen tagger knows no concepts, rules or entities, so they are left out of
the vocabulary both get, and what only the new one writes (each row's "rule", trial tags) is set aside.

Compared on every record of tests/fixtures and, read-only, the shared fixtures (../shared/fixtures); on the topic
vocabulary's own terms glued, spaced, Greek-lettered and cased in hostile ways; and on random text.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from senref.core.model import AUTOMATIC, MANUAL, Item
from senref.core.records import ImportRecord
from senref.formats import registry
from senref.topics.concepts import is_entity_tag
from senref.topics.tagger import Tagger
from senref.topics.vocabulary import load_vocabulary
from tests.topics._old_tagger import tagger as old_tagger

_ROOTS = (Path(__file__).parents[1] / "fixtures", (Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared") / "fixtures"))
_SUFFIXES = {".bib", ".ris", ".json", ".rdf", ".xml", ".txt", ".nbib", ".enw", ".biblatex", ".bibtex"}


@pytest.fixture(scope="module")
def taggers() -> tuple[Tagger, old_tagger.Tagger]:
    full = load_vocabulary(include_user=False)
    vocabulary = replace(full, concepts={}, entities=[],
                         topics=[replace(t, rules=[], unless=[]) for t in full.topics])
    return Tagger(vocabulary), old_tagger.Tagger(vocabulary)


def _old_shape(evidence: Any) -> Any:
    """Evidence as the frozen tagger wrote it: topic rows without their rule, no entity tags."""
    if not isinstance(evidence, dict):
        return evidence
    return {tag: [{k: v for k, v in row.items() if k != "rule"} for row in rows]
            for tag, rows in evidence.items() if not is_entity_tag(tag)}


def _fixture_items() -> Iterator[Item]:
    for root in _ROOTS:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in _SUFFIXES or not path.is_file() or path.stat().st_size > 20_000_000:
                continue
            try:
                fmt = registry.sniff(path)
                records = list(fmt.read(path)) if fmt is not None else []
            except Exception:  # a file no reader takes is not what this test is about
                continue
            for record in records:
                if isinstance(record, ImportRecord):
                    yield record.item


def _same(new: Tagger, old: old_tagger.Tagger, item: Item) -> None:
    a, b = deepcopy(item), deepcopy(item)
    assert [t for t in new.apply(a) if not is_entity_tag(t)] == old.apply(b)
    assert [(t.tag, t.type) for t in a.tags if not is_entity_tag(t.tag)] == [(t.tag, t.type) for t in b.tags]
    extras = dict(a.extras)
    if "topicEvidence" in extras:
        extras["topicEvidence"] = _old_shape(extras["topicEvidence"])
        if not extras["topicEvidence"]:
            del extras["topicEvidence"]
    assert extras == b.extras


def test_same_tags_and_evidence_on_every_fixture_record(taggers: tuple[Tagger, old_tagger.Tagger]) -> None:
    new, old = taggers
    count = 0
    for item in _fixture_items():
        _same(new, old, item)
        count += 1
    assert count > 50  # tests/fixtures alone hold more: the walk must have found them


def _hostile_texts(tagger: Tagger, rng: random.Random, n: int) -> Iterator[str]:
    terms = list(tagger.scanner.term_of_id)
    glue = [" ", "", "-", "\u2011", "/", "(", ")", "\u00a0", ", ", ".", "é", "_", "0", "x", "\u2028", "ß", "κ", "β"]
    filler = ["the", "cells", "α", "NF-κB", "p16(INK4a)", "tumour", "ageing", "haem", "IL-6", "SA-β-gal", "Ü", "ǅ",
              "İ", "ﬁ", "senescent", "TIS", "tis", "SnC", "snc", "IR", "ir", "radio-therapy", "chemo therapy"]
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 25)):
            word = rng.choice(terms) if rng.random() < 0.6 else rng.choice(filler)
            roll = rng.random()
            word = word.upper() if roll < 0.15 else word.title() if roll < 0.3 else word
            parts.append(word)
            parts.append(rng.choice(glue))
        yield "".join(parts)


def test_same_result_on_hostile_texts(taggers: tuple[Tagger, old_tagger.Tagger]) -> None:
    new, old = taggers
    rng = random.Random(15)
    texts = list(_hostile_texts(new, rng, 1500))
    for i in range(0, len(texts) - 3, 3):
        fields = {"title": texts[i], "abstract": texts[i + 1] + " " + texts[i + 2],
                  "keywords": texts[i + 3].split(" "), "mesh": texts[i].split(",")[:3]}
        assert _old_shape(new.suggest(fields)) == old.suggest(fields)  # type: ignore[arg-type]
        item = Item(fields={"title": texts[i], "abstractNote": texts[i + 1]})
        item.add_tag(texts[i + 2][:40] or "x", MANUAL)
        item.add_tag("Cellular Senescence", AUTOMATIC)
        if i % 2:
            item.extras["rejectedTopics"] = [rng.choice(new.names)]
        _same(new, old, item)


def test_scanner_finds_the_same_spans_on_random_text(taggers: tuple[Tagger, old_tagger.Tagger]) -> None:
    new, old = taggers
    rng = random.Random(16)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 -/()é+.,'"
    for text in _hostile_texts(new, rng, 300):
        lowered = text.lower()
        assert new.scanner.scan(lowered) == old.scanner.scan(lowered)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert new.scanner.scan(text) == old.scanner.scan(text)
