"""Entity tags on the demo library: its senolytic papers carry their drugs, its biomarker papers their genes,
and a trial number in an abstract links the paper and the trial."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.library import Library
from senref.core.model import AUTOMATIC, Item
from senref.core.query import ItemQuery
from senref.demo import build_demo_library

#: The demo's senolytic papers (by a word of their title) and the drugs their abstracts study.
SENOLYTIC_DRUGS = {
    "Achilles' heel": {"Drug/dasatinib", "Drug/quercetin"},
    "ABT263 rejuvenates": {"Drug/navitoclax"},
    "Targeted Apoptosis of Senescent Cells": {"Drug/FOXO4-DRI"},
    "Senolytics improve physical function": {"Drug/dasatinib", "Drug/quercetin"},
    "Fisetin is a senotherapeutic": {"Drug/fisetin"},
    "Cardiac Glycosides as senolytic": {"Drug/digoxin", "Drug/ouabain"},
    "Cardiac glycosides are broad-spectrum": {"Drug/digoxin", "Drug/ouabain"},
    "With ABT-263 Selectively Kills": {"Drug/navitoclax"},
}
#: A biomarker subtopic and the gene whose product it is.
MARKER_GENES = {
    "Biomarkers/SA-β-gal": {"Gene/GLB1"},
    "Biomarkers/p16INK4a": {"Gene/CDKN2A"},
    "Biomarkers/p21 and p53": {"Gene/CDKN1A", "Gene/TP53"},
    "Biomarkers/Lamin B1": {"Gene/LMNB1"},
    "Biomarkers/DNA-damage foci": {"Gene/H2AX", "Gene/TP53BP1"},
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[Item]:
    folder = tmp_path_factory.mktemp("demo")
    build_demo_library(folder)
    with Library.open(folder) as library:
        return [library.get_item(key) for key in library.keys(ItemQuery())]


def _automatic(item: Item) -> set[str]:
    return {t.tag for t in item.tags if t.type == AUTOMATIC}


def test_each_senolytic_paper_carries_its_drug(demo: list[Item]) -> None:
    for words, drugs in SENOLYTIC_DRUGS.items():
        [item] = [i for i in demo if words in i.title]
        tags = _automatic(item)
        assert "Senotherapeutics/Senolytics" in tags, item.title
        assert drugs <= tags, (item.title, sorted(t for t in tags if t.startswith("Drug/")))
        for drug in drugs:
            rows = item.extras["topicEvidence"][drug]
            assert rows[0]["rule"].startswith("drug name") and rows[0]["term"], rows


def test_each_biomarker_paper_carries_its_gene(demo: list[Item]) -> None:
    checked = 0
    for item in demo:
        tags = _automatic(item)
        for topic, genes in MARKER_GENES.items():
            if topic in tags:
                assert genes & tags, (item.title, topic, sorted(t for t in tags if t.startswith("Gene/")))
                checked += 1
    assert checked >= 8  # the demo's biomarker papers: SA-β-gal, p16, p21, lamin B1 among them


def test_a_trial_number_in_an_abstract_links_paper_and_trial(tmp_path: Path) -> None:
    from senref.actions.trials import link_trials
    from senref.core.merge import RELATED
    from senref.topics.tagger import get_tagger

    with Library.open(tmp_path / "lib", tagger=get_tagger()) as library:
        trial = Item(item_type="report", fields={"title": "Senolytics in survivors (registry record)"},
                     identifiers={"nct": "NCT04733534"})
        trial_key = library.save_item(trial).key
        paper = Item(fields={"title": "Dasatinib plus quercetin in survivors",
                             "abstractNote": "A pilot trial (NCT04733534) of the senolytic dasatinib plus quercetin."})
        paper_key = library.save_item(paper).key
        saved = library.get_item(paper_key)
        assert {"Trial/NCT04733534", "Drug/dasatinib", "Drug/quercetin"} <= _automatic(saved)
        assert link_trials(library, [paper_key]) == [(trial_key, paper_key)]
        linked = library.get_item(paper_key)
        assert any(trial_key in uri for uri in linked.relations.get(RELATED, []))
        assert paper_key in library.get_item(trial_key).extras["trial"]["papers"]
