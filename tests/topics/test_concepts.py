"""Concepts, rules and entities: what each rule option means, and the checks a vocabulary must pass."""

from __future__ import annotations

from typing import Any

import pytest

from senref.topics.concepts import is_entity_tag
from senref.topics.tagger import Tagger
from senref.topics.vocabulary import build_vocabulary, load_vocabulary

_CONCEPTS = [
    {"name": "senescence", "terms": ["senescence", "senescent"]},
    {"name": "radiation therapy", "terms": ["irradiation", "irradiated", "radiotherapy", "Gy"], "case_sensitive": ["Gy"],
     "exclude": ["UV irradiation"]},
    {"name": "drug", "terms": ["doxorubicin"]},
    {"name": "therapy", "include": ["radiation therapy", "drug"]},
    {"name": "clearance", "terms": ["eliminate", "eliminated"]},
    {"name": "plants", "terms": ["Arabidopsis"]},
]


def _tagger(rules: list[dict[str, Any]], **topic: Any) -> Tagger:
    doc = {"concepts": _CONCEPTS,
           "entities": [{"kind": "drug", "name": "navitoclax", "terms": ["ABT-263"], "classes": ["drug"], "source": "INN"},
                        {"kind": "gene", "name": "STING1", "terms": ["STING"], "case_sensitive": ["STING"]},
                        {"kind": "gene", "name": "CDKN1A", "terms": ["p21"], "exclude": ["p21-activated kinase"]}],
           "topics": [{"name": "Senescence biology", "terms": ["cellular senescence"]},
                      {"name": "Rad", "requires": ["Senescence biology"], "rules": rules, **topic}]}
    vocabulary = build_vocabulary([("test", doc)])
    assert not vocabulary.errors, vocabulary.errors
    return Tagger(vocabulary)


def _rad(tagger: Tagger, title: str = "", abstract: str = "") -> list[dict[str, Any]] | None:
    return tagger.suggest({"title": title, "abstract": abstract}).get("Rad")


def test_a_sentence_rule_needs_its_concepts_in_one_sentence() -> None:
    tagger = _tagger([{"all": ["radiation therapy", "senescence"], "satisfies": ["Senescence biology"]}])
    rows = _rad(tagger, abstract="Cells were irradiated with 10 Gy. Seven days later most of them were senescent.")
    assert rows is None
    rows = _rad(tagger, abstract="Fibroblasts irradiated with 10 Gy became senescent within a week.")
    assert rows == [{"field": "abstract", "term": "irradiated … senescent", "weight": 3.0,
                     "rule": "radiation therapy + senescence in one sentence"}]


def test_a_record_rule_combines_sentences_and_weighs_its_weakest_field() -> None:
    tagger = _tagger([{"all": ["radiation therapy", "senescence"], "within": "record", "satisfies": ["Senescence biology"]}])
    rows = _rad(tagger, title="Senescence after therapy", abstract="Cells were irradiated. Nothing else.")
    assert rows is not None and rows[0]["field"] == "abstract" and rows[0]["weight"] == 3.0
    assert rows[0]["term"] == "Senescence … irradiated"  # title words first


def test_without_satisfies_the_required_topic_must_hold_on_its_own() -> None:
    tagger = _tagger([{"all": ["radiation therapy", "senescence"]}])
    assert _rad(tagger, abstract="Fibroblasts irradiated with 10 Gy became senescent.") is None
    assert _rad(tagger, abstract="Fibroblasts irradiated with 10 Gy showed cellular senescence.") is not None


def test_span_none_also_min_count_and_include() -> None:
    near = _tagger([{"all": ["clearance", "senescence"], "span": 30, "satisfies": ["Senescence biology"]}])
    assert _rad(near, abstract="The drug eliminated senescent cells in the lung.") is not None
    assert _rad(near, abstract="We eliminated the confounders from a cohort in which, much later, senescence was scored.") is None
    blocked = _tagger([{"all": ["therapy", "senescence"], "none": ["plants"], "satisfies": ["Senescence biology"]}])
    assert _rad(blocked, abstract="Doxorubicin caused senescence.") is not None  # "drug" is included in "therapy"
    assert _rad(blocked, abstract="ABT-263 caused senescence.") is not None  # an entity stands for its classes
    assert _rad(blocked, abstract="Doxorubicin caused senescence in Arabidopsis.") is None
    also = _tagger([{"all": ["radiation therapy"], "fields": ["title"], "also": ["senescence"],
                     "satisfies": ["Senescence biology"]}])
    assert _rad(also, title="Radiotherapy of the lung") is None
    assert _rad(also, title="Radiotherapy of the lung", abstract="Senescent cells accumulate.") is not None
    assert _rad(also, abstract="Radiotherapy of the lung. Senescent cells accumulate.") is None  # not in the title
    twice = _tagger([{"all": ["senescence"], "min_count": 2, "satisfies": ["Senescence biology"]}])
    assert _rad(twice, abstract="Senescence is rare.") is None
    assert _rad(twice, abstract="Senescence is rare and senescent cells are few.") is not None


def test_one_word_never_stands_for_two_concepts_of_a_rule() -> None:
    # "doxorubicin" is a drug and (through include) a therapy: a rule needing both needs two words.
    tagger = _tagger([{"all": ["drug", "therapy"], "satisfies": ["Senescence biology"]}])
    assert _rad(tagger, abstract="Doxorubicin alone.") is None
    assert _rad(tagger, abstract="Doxorubicin after irradiation.") is not None


def test_case_sensitive_words_and_exclusions_hold_inside_rules() -> None:
    tagger = _tagger([{"all": ["radiation therapy", "senescence"], "satisfies": ["Senescence biology"]}])
    assert _rad(tagger, abstract="A gy of senescent cells.") is None  # "Gy" only as written
    assert _rad(tagger, abstract="After 2 Gy cells turned senescent.") is not None
    assert _rad(tagger, abstract="UV irradiation made keratinocytes senescent.") is None


def test_unless_drops_a_topic_about_something_else() -> None:
    tagger = _tagger([{"all": ["radiation therapy", "senescence"], "satisfies": ["Senescence biology"]}],
                     unless=["plants"])
    assert _rad(tagger, abstract="Irradiated Arabidopsis rosettes entered senescence.") is None
    assert _rad(tagger, abstract="Irradiated fibroblasts entered senescence.") is not None


def test_entities_are_tags_of_their_own_kind_with_evidence() -> None:
    tagger = _tagger([])
    found = tagger.suggest({"title": "STING and ABT-263", "abstract": "p21 rose; p21-activated kinase did not. sting."})
    entities = {k: v for k, v in found.items() if is_entity_tag(k)}
    assert set(entities) == {"Gene/STING1", "Drug/navitoclax", "Gene/CDKN1A"}
    assert entities["Drug/navitoclax"] == [{"field": "title", "term": "ABT-263", "weight": 1.0, "rule": "drug name (INN)"}]
    assert entities["Gene/CDKN1A"][0]["weight"] == 1.0  # the kinase is not the gene
    assert tagger.suggest({"abstract": "a bee sting"}) == {}


def test_trial_numbers_become_trial_tags() -> None:
    tagger = _tagger([])
    found = tagger.suggest({"abstract": "Registered as NCT01234567 (and nct07654321); not NCT123 or XNCT01234567."})
    assert sorted(k for k in found if k.startswith("Trial/")) == ["Trial/NCT01234567", "Trial/NCT07654321"]
    assert found["Trial/NCT01234567"][0]["rule"] == "ClinicalTrials.gov registry number"


def test_entity_tags_come_and_go_with_the_text_and_respect_rejection() -> None:
    from senref.core.model import AUTOMATIC, Item

    tagger = _tagger([])
    item = Item(fields={"title": "ABT-263 in mice", "abstractNote": "Trial NCT01234567."})
    tagger.apply(item)
    assert {"Drug/navitoclax", "Trial/NCT01234567"} <= {t.tag for t in item.tags if t.type == AUTOMATIC}
    item.fields["abstractNote"] = "No trial."
    item.extras["rejectedTopics"] = ["Drug/navitoclax"]
    tagger.apply(item)
    assert not {"Drug/navitoclax", "Trial/NCT01234567"} & {t.tag for t in item.tags}


@pytest.mark.parametrize(("doc", "message"), [
    ({"topics": [{"name": "T", "rules": [{"all": ["nope"]}]}]}, "unknown concept 'nope'"),
    ({"concepts": [{"name": "a", "terms": ["x"]}],
      "topics": [{"name": "T", "rules": [{"all": ["a"], "satisfies": ["U"]}]}]}, "does not require"),
    ({"concepts": [{"name": "a", "include": ["b"]}, {"name": "b", "include": ["a"]}]}, "cycle"),
    ({"concepts": [{"name": "a", "terms": ["x"]}], "topics": [{"name": "T", "rules": [{"all": ["a"], "within": "page"}]}]},
     "'within'"),
    ({"concepts": [{"name": "a", "terms": ["x"]}],
      "topics": [{"name": "T", "rules": [{"all": ["a"], "within": "record", "span": 3}]}]}, "'span'"),
    ({"entities": [{"kind": "protein", "name": "X"}]}, "'kind'"),
    ({"entities": [{"kind": "gene", "name": "X", "classes": ["missing"]}]}, "not a concept"),
    ({"topics": [{"name": "Gene/TP53", "terms": ["x"]}]}, "entity tags"),
    ({"concepts": [{"name": "a", "terms": ["--"]}]}, "no letters or digits"),
])
def test_vocabulary_checks(doc: dict[str, Any], message: str) -> None:
    if "topics" in doc and doc["topics"][0]["name"] == "Gene/TP53":
        doc["topics"].insert(0, {"name": "Gene", "terms": ["y"]})
    vocabulary = build_vocabulary([("test", doc)])
    assert any(message in str(p) for p in vocabulary.errors), [str(p) for p in vocabulary.problems]


def test_every_automatic_tag_names_its_words_and_its_rule() -> None:
    tagger = Tagger(load_vocabulary(include_user=False))
    from tests.topics.test_evaluation import load_set

    for paper in load_set():
        found = tagger.suggest({"title": paper["title"], "abstract": paper.get("abstract", "")})
        for tag, rows in found.items():
            assert rows, tag
            for row in rows:
                assert row["term"] and row["rule"] and row["field"], (paper["id"], tag, row)
