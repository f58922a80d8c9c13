"""Matching rules of the topic tagger, its contract with items (manual tags, rejections) and the flagship record."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import AUTOMATIC, MANUAL, Item
from senref.paths import get_paths
from senref.topics.concepts import is_entity_tag
from senref.topics.tagger import Tagger, get_tagger
from senref.topics.vocabulary import build_vocabulary, load_vocabulary

FLAGSHIP_ABSTRACT = """Cancer treatment with radiotherapy or chemotherapy does not only kill tumour cells: it also
drives tumour and normal cells into cellular senescence. Therapy-induced senescence (TIS) can halt tumour growth, but
senescent cells that persist secrete a senescence-associated secretory phenotype (SASP) that may fuel relapse,
metastasis and resistance, and damage normal tissues. Summarising a National Cancer Institute workshop, this review
covers senescence induced by ionizing radiation and by chemotherapeutic agents, the biomarkers used to identify
senescent cells in tumours and tissues (SA-β-gal, p16INK4a, lipofuscin) and their limits, and senotherapeutics:
senolytic drugs that remove senescent cells and senomorphics that temper the SASP. A one-two punch, senescence
induction followed by a senolytic, could improve anticancer therapy, and we list the preclinical and clinical
studies needed."""


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_vocabulary(include_user=False))


def topics(tagger: Tagger, title: str = "", abstract: str = "", **fields: object) -> set[str]:
    found = tagger.suggest({"title": title, "abstract": abstract, **fields})  # type: ignore[dict-item]
    return {tag for tag in found if not is_entity_tag(tag)}


def test_flagship_record_gets_its_topics_with_evidence(tagger: Tagger) -> None:
    item = Item(fields={"title": "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy",
                        "abstractNote": FLAGSHIP_ABSTRACT,
                        "publicationTitle": "JNCI: Journal of the National Cancer Institute"})
    added = tagger.apply(item)
    wanted = {"TIS", "TIS/Radiation-induced", "TIS/Chemotherapy-induced", "SASP", "Senotherapeutics",
              "Senotherapeutics/Senolytics", "Senotherapeutics/One-two punch", "Biomarkers"}
    assert wanted <= set(added)
    evidence = item.extras["topicEvidence"]
    for topic in wanted:
        assert evidence[topic], topic
        assert all({"field", "term", "weight", "rule"} <= set(row) for row in evidence[topic])
    assert {"field": "title", "term": "Therapy-Induced Senescence", "weight": 9.0, "rule": "specific term"} in evidence["TIS"]
    assert all(t.type == AUTOMATIC for t in item.tags if t.tag in wanted)


@pytest.mark.parametrize("text", ["SA-β-gal staining", "SA-beta-gal staining", "SA-βgal staining", "SA-ß-gal staining",
                                  "senescence-associated beta-galactosidase", "senescence associated β galactosidase"])
def test_greek_and_latin_spellings_are_one_term(tagger: Tagger, text: str) -> None:
    found = topics(tagger, abstract=f"Irradiated fibroblasts became senescent cells; {text} confirmed it.")
    assert "Biomarkers/SA-β-gal" in found


@pytest.mark.parametrize("text", ["NF-κB", "NF-kappaB", "NFκB", "NF-kappa B"])
def test_kappa_spellings(tagger: Tagger, text: str) -> None:
    evidence = tagger.suggest({"abstract": f"In senescent cells {text} drives IL-6 and IL-8 secretion."})
    assert any(row["term"] == text for row in evidence["SASP"])


@pytest.mark.parametrize("variant", ["radiation-induced senescence", "radiation induced senescence",
                                     "Radiation‐induced senescence", "ionising radiation, which left senescent tumour cells,"])
def test_hyphenation_and_british_spellings(tagger: Tagger, variant: str) -> None:
    assert "TIS/Radiation-induced" in topics(tagger, abstract=f"We studied {variant} in glioma.")


def test_plurals_and_british_american(tagger: Tagger) -> None:
    assert "Senotherapeutics/Senolytics" in topics(tagger, abstract="Senolytics cleared senescent cells in tumours.")
    assert "Senescence biology" in topics(tagger, abstract="SnCs accumulate with ageing; SnC burden rises.")
    assert "Senescence biology" in topics(tagger, title="Senescent tumour cell", abstract="")


def test_word_boundaries(tagger: Tagger) -> None:
    # "immunosenescence" contains "senescence", "tis" is a word only as the acronym TIS
    assert topics(tagger, title="Immunosenescence and vaccine responses", abstract="Immunosenescence limits vaccination.") == set()
    assert "TIS" not in topics(tagger, abstract="Senescent cells; 'tis the season of senescence research.")


def test_generic_word_alone_does_not_tag(tagger: Tagger) -> None:
    physics = "Radiation from the source was measured; the radiation dose and the ionizing radiation field were mapped."
    assert topics(tagger, title="Radiation transport in detectors", abstract=physics) == set()
    trial = "Patients received radiotherapy and cisplatin chemotherapy; survival improved in this phase III trial."
    assert topics(tagger, title="Chemoradiotherapy for head and neck cancer", abstract=trial) == set()


def test_exclusions_mask_their_words(tagger: Tagger) -> None:
    found = topics(tagger, title="UVB irradiation induces premature senescence of dermal fibroblasts",
                   abstract="Repeated UV irradiation caused senescent cells with SA-β-gal activity.")
    assert "Senescence biology" in found
    assert "TIS/Radiation-induced" not in found
    assert topics(tagger, title="Leaf senescence in Arabidopsis", abstract="Leaf senescence is delayed by cytokinin.") == set()


def test_one_weak_word_in_a_title_is_not_enough(tagger: Tagger) -> None:
    found = topics(tagger, title="Senescence of peripheral blood T cells", abstract="")
    assert "Senotherapeutics/Immune clearance" not in found


def test_parent_is_implied_by_child(tagger: Tagger) -> None:
    evidence = tagger.suggest({"abstract": "Doxorubicin induced senescence in breast cancer cells; the senescent cells arrested."})
    assert "TIS/Chemotherapy-induced" in evidence
    assert {"field": "implied", "term": "TIS/Chemotherapy-induced"}.items() <= evidence["TIS"][-1].items()


def test_manual_tags_untouched_and_stale_automatic_topics_removed(tagger: Tagger) -> None:
    item = Item(fields={"title": "Cooking with onions", "abstractNote": "Onions are tasty."})
    item.add_tag("SASP", MANUAL)
    item.add_tag("my reading list", MANUAL)
    item.add_tag("TIS", AUTOMATIC)  # from an earlier vocabulary: no longer supported
    item.add_tag("Humans", AUTOMATIC)  # a MeSH heading from PubMed: not a topic, kept
    assert tagger.apply(item) == []
    assert [(t.tag, t.type) for t in item.tags] == [("SASP", MANUAL), ("my reading list", MANUAL), ("Humans", AUTOMATIC)]
    assert "topicEvidence" not in item.extras


def test_rejected_topics_are_not_readded_nor_imply_parents(tagger: Tagger) -> None:
    item = Item(fields={"title": "Radiation-induced senescence of tumour cells", "abstractNote": ""})
    item.extras["rejectedTopics"] = ["TIS/Radiation-induced"]
    added = tagger.apply(item)
    assert "TIS/Radiation-induced" not in added
    assert "TIS/Radiation-induced" not in item.tag_names()
    assert "TIS/Radiation-induced" not in item.extras["topicEvidence"]
    assert "Senescence biology" in added


def test_manual_topic_tag_is_not_duplicated(tagger: Tagger) -> None:
    item = Item(fields={"title": "Senolytic drugs clear senescent cells", "abstractNote": ""})
    item.add_tag("Senotherapeutics/Senolytics", MANUAL)
    added = tagger.apply(item)
    assert "Senotherapeutics/Senolytics" not in added
    assert [t.type for t in item.tags if t.tag == "Senotherapeutics/Senolytics"] == [MANUAL]


def test_keywords_and_mesh_count(tagger: Tagger) -> None:
    item = Item(fields={"title": "A study", "abstractNote": ""})
    item.add_tag("Cellular Senescence", AUTOMATIC)  # MeSH heading from PubMed
    assert "Senescence biology" in tagger.apply(item)
    assert item.extras["topicEvidence"]["Senescence biology"][0]["field"] == "mesh"


def test_fulltext_counts_less_than_title(tagger: Tagger) -> None:
    item = Item(fields={"title": "A study", "abstractNote": ""})
    assert tagger.apply(item, fulltext="senescence " * 1) == []
    assert "Senescence biology" in tagger.apply(item, fulltext="Cellular senescence. Senescent cells. Cellular senescence again.")


def test_user_vocabulary_extends_and_is_picked_up(tmp_path: Path, senref_home: Path) -> None:
    paths = get_paths()
    paths.config.mkdir(parents=True, exist_ok=True)
    first = get_tagger(paths)
    assert get_tagger(paths) is first  # cached
    (paths.config / "topics.toml").write_text(
        '[[topics]]\nname = "Senotherapeutics/Senolytics"\nterms = ["zorbicin"]\n'
        '[[topics]]\nname = "Model systems"\nterms = ["zebrafish"]\n', encoding="utf-8")
    second = get_tagger(paths)
    assert second is not first
    found = set(second.suggest({"abstract": "Zorbicin killed senescent cells in zebrafish."}))
    assert {"Senotherapeutics/Senolytics", "Model systems"} <= found


def test_broken_user_vocabulary_falls_back_to_builtin(senref_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    paths = get_paths()
    paths.config.mkdir(parents=True, exist_ok=True)
    (paths.config / "topics.toml").write_text('[[topics]]\nname = "X/Y"\nterms = ["y"]\n', encoding="utf-8")
    tagger = get_tagger(paths)
    assert "X/Y" not in tagger.names
    assert "parent topic 'X' is not defined" in caplog.text


@pytest.mark.parametrize(("doc", "message"), [
    ({"topics": [{"name": "A", "terms": ["a"], "requires": ["B"]}]}, "requires names unknown topic 'B'"),
    ({"topics": [{"name": "A", "terms": ["a"], "colour": "red"}]}, "unknown key 'colour'"),
    ({"topics": [{"name": "A", "terms": ["a"], "weights": {"b": 2}}]}, "not one of its terms"),
    ({"topics": [{"name": "A", "terms": ["--"]}]}, "no letters or digits"),
    ({"topics": [{"name": "A", "terms": ["a"], "patterns": ["("]}]}, "not a valid regular expression"),
    ({"topics": [{"name": "A", "terms": ["a"], "requires": ["B"]}, {"name": "B", "terms": ["b"], "requires": ["A"]}]}, "cycle"),
    ({"settings": {"field_weights": {"body": 1}}, "topics": []}, "unknown field 'body'"),
])
def test_validator_reports_errors(doc: dict, message: str) -> None:
    vocabulary = build_vocabulary([("test", doc)])
    assert any(message in str(p) for p in vocabulary.errors), vocabulary.problems


def test_builtin_vocabulary_is_clean() -> None:
    vocabulary = load_vocabulary(include_user=False)
    assert vocabulary.problems == []
    names = {t.name for t in vocabulary.topics}
    assert {"TIS", "SASP", "Senescence biology", "Senotherapeutics", "Biomarkers", "Consequences", "Translational",
            "TIS/Radiation-induced", "Senotherapeutics/One-two punch", "Biomarkers/SA-β-gal"} <= names
