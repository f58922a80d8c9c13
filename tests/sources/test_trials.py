"""NCT ids as identifiers: a dropped trial id becomes a registry record linked to the papers about it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from senref.actions.add import add_inputs
from senref.actions.trials import link_trials, trials_named
from senref.core.extract import group_works
from senref.core.library import Library
from senref.core.merge import RELATED, item_uri
from senref.core.model import Item
from senref.core.settings import Settings
from senref.sources.base import SourceError
from senref.sources.clinicaltrials import item_from_study

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "trials"
SHARED = Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared") / "fixtures"


@pytest.mark.parametrize(("text", "expected"), [
    ("NCT09999901", [{"nct": "NCT09999901"}]),
    ("nct09999901", [{"nct": "NCT09999901"}]),
    ("https://clinicaltrials.gov/study/NCT09999901?tab=results", [{"nct": "NCT09999901"}]),
    ("https://classic.clinicaltrials.gov/ct2/show/NCT09999901", [{"nct": "NCT09999901"}]),
    ("NCT09999901 NCT00973089", [{"nct": "NCT09999901"}, {"nct": "NCT00973089"}]),
    # a citation naming its trial is the paper, not the paper plus a trial
    ("Okafor K. Navitoclax. Aging Cell. doi:10.5555/watch.2026.001 (NCT09999901)", [{"doi": "10.5555/watch.2026.001"}]),
    ("NCT0999990", []), ("XNCT09999901", []), ("NCT099999012", []),
])
def test_nct_ids_are_found_as_works_of_their_own(text: str, expected: list[dict[str, str]]) -> None:
    assert [w.identifiers for w in group_works(text)] == expected


def paper(title: str, *, pmid: str = "", abstract: str = "") -> Item:
    item = Item(fields={"title": title, "abstractNote": abstract, "date": "2026"})
    if pmid:
        item.set_identifier("pmid", pmid)
    return item


def test_a_trial_added_by_its_id_is_linked_to_the_papers_about_it(httpserver: HTTPServer, settings: Settings,
                                                                  tmp_path: Path) -> None:
    httpserver.expect_request("/clinicaltrials/studies/NCT09999901").respond_with_data(
        (OWN / "studies_NCT09999901.json").read_bytes(), content_type="application/json")
    library = Library.open(tmp_path / "lib", autotag=False)
    results = library.save_item(paper("Navitoclax clears senescent cells", pmid="41000001"), tag=False).key
    mention = library.save_item(paper("A cohort", abstract="Patients of trial nct09999901 were followed."),
                                tag=False).key
    unrelated = library.save_item(paper("Other", abstract="NCT09999902 is another trial"), tag=False).key
    report = add_inputs(library, settings, ["https://clinicaltrials.gov/study/NCT09999901"], pdf=False)
    [outcome] = report.outcomes
    assert outcome.status == "added", outcome.reason
    trial = library.get_item(outcome.key)
    assert (trial.item_type, trial.fields["reportType"], trial.fields["institution"]) == (
        "report", "Clinical trial registration", "ClinicalTrials.gov")
    assert trial.identifiers == {"nct": "NCT09999901"} and trial.fields["shortTitle"].startswith("Navitoclax After")
    assert trial.fields["extra"] == "Trial status: TERMINATED\nWhy stopped: Slow accrual"
    assert trial.extras["trial"]["interventions"] == ["Navitoclax", "Doxorubicin"]
    assert trial.creators[0].name == "Institut Senescence" and "Extra" not in trial.fields
    assert sorted(trial.extras["trial"]["papers"]) == sorted([results, mention])
    for key in (results, mention):
        assert item_uri(trial.key) in library.get_item(key).relations[RELATED]
    assert RELATED not in library.get_item(unrelated).relations
    # A paper added later that names the trial is linked too; linking again changes nothing.
    later = library.save_item(paper("Follow-up", abstract="Updated results of NCT09999901."), tag=False).key
    assert link_trials(library, [later]) == [(trial.key, later)] and link_trials(library, [later]) == []
    # The trial's id travels with it to Zotero as an Extra line and comes back.
    data = trial.to_json()
    assert "NCT: NCT09999901" in data["data"]["extra"].splitlines()
    del data["meta"]  # as Zotero would send it back: Extra is all it keeps
    assert Item.from_json(data).identifiers == {"nct": "NCT09999901"}


def test_a_study_without_an_id_is_refused() -> None:
    with pytest.raises(SourceError):
        item_from_study({"protocolSection": {"identificationModule": {"briefTitle": "x"}}})
    assert trials_named(paper("x", abstract="NCT00000001, nct00000002 and NCT00000001")) == ["NCT00000001",
                                                                                             "NCT00000002"]


V2 = sorted((SHARED / "clinicaltrials").glob("v2_*.json")) if (SHARED / "clinicaltrials").is_dir() else []


@pytest.mark.skipif(not V2, reason="shared/fixtures/clinicaltrials not present (the recordings are not in the repo)")
@pytest.mark.parametrize("path", V2, ids=lambda p: p.name)
def test_real_v2_studies_become_reports(path: Path) -> None:
    study = json.loads(path.read_text(encoding="utf-8"))
    ident = study["protocolSection"]["identificationModule"]
    item = item_from_study(study)
    assert item.identifiers["nct"] == ident["nctId"] and item.fields["title"]
    assert item.fields["url"].endswith(ident["nctId"]) and item.fields["date"][:4].isdigit()
    status = study["protocolSection"]["statusModule"]["overallStatus"]
    assert item.extras["trial"]["status"] == status and f"Trial status: {status}" in item.fields["extra"]
    refs = study["protocolSection"].get("referencesModule", {}).get("references", [])
    kept = item.extras["trial"].get("result_pmids", []) + item.extras["trial"].get("reference_pmids", [])
    assert sorted(kept) == sorted(r["pmid"] for r in refs if r.get("pmid"))
