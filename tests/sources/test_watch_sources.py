"""The watch's services as sources: a PMCID added through Europe PMC, OpenAlex works and "citing these"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.actions.add import add_inputs
from senref.actions.watch import add_watch, run_watches
from senref.core.library import Library
from senref.core.model import Item
from senref.core.settings import Settings
from senref.core.watch import Watch
from senref.sources.openalex import abstract_from_index, item_from_work
from senref.sources.watch_search import WatchError, WatchSearcher

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "watch"


def one_record_answer(pmcid: str) -> bytes:
    page = json.loads((OWN / "europepmc_search_page1.json").read_text())
    record = page["resultList"]["result"][0]
    record.pop("doi"), record.pop("pmid")
    record["pmcid"] = pmcid
    page["resultList"]["result"] = [record]
    page.pop("nextCursorMark")
    return json.dumps(page).encode()


def test_a_pmcid_alone_is_added_through_europe_pmc(httpserver: HTTPServer, settings: Settings, tmp_path: Path) -> None:
    httpserver.expect_request("/europepmc/search", query_string={
        "query": "PMCID:PMC9900001", "resultType": "core", "format": "json", "pageSize": "5", "cursorMark": "*",
        "email": "lab@example.org"}).respond_with_data(one_record_answer("PMC9900001"), content_type="application/json")
    library = Library.open(tmp_path / "lib", autotag=False)
    report = add_inputs(library, settings, ["PMC9900001"], pdf=False)
    [outcome] = report.outcomes
    assert outcome.status == "added", outcome.reason
    item = library.get_item(outcome.key)
    assert item.identifiers == {"pmcid": "PMC9900001"} and item.fields["publicationTitle"] == "Aging Cell"
    assert item.title.startswith("Navitoclax clears doxorubicin-induced") and item.fields["date"] == "2026-10-01"


def test_openalex_work_becomes_an_item_with_its_abstract_and_count() -> None:
    work = {"id": "https://openalex.org/W4400000001", "doi": "https://doi.org/10.5555/OA.1", "type": "preprint",
            "title": "Senolytics  after   radiotherapy", "publication_date": "2026-05-02", "cited_by_count": 7,
            "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/41000007"},
            "primary_location": {"source": {"display_name": "bioRxiv", "type": "repository"}},
            "authorships": [{"author": {"display_name": "Mei Zhou"}}, {"raw_author_name": "Consortium"}],
            "abstract_inverted_index": {"Senescent": [0], "cells": [1, 4], "persist;": [2], "clear": [3]}}
    item = item_from_work(work)
    assert (item.item_type, item.title, item.fields["repository"]) == ("preprint", "Senolytics after radiotherapy",
                                                                      "bioRxiv")
    assert item.identifiers == {"doi": "10.5555/OA.1", "pmid": "41000007"}
    assert item.fields["abstractNote"] == "Senescent cells persist; clear cells"
    assert (item.creators[0].last_name, item.creators[0].first_name, item.creators[1].name) == ("Zhou", "Mei", "Consortium")
    assert item.extras["cited_by_count"] == {"count": 7, "source": "openalex"} and item.extras["openalex"] == "W4400000001"
    assert abstract_from_index({"x": [10**9]}) == "" and abstract_from_index(None) == ""


def test_a_cites_watch_needs_a_key_then_asks_for_the_citing_works(httpserver: HTTPServer, settings: Settings,
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    library = Library.open(tmp_path / "lib", autotag=False)
    ours = Item(fields={"title": "Therapy-induced senescence in cancer"})
    ours.set_identifier("doi", "10.1093/jnci/djab064")
    key = library.save_item(ours, tag=False).key
    assert add_watch(library, Watch(id="citing", name="Citing the review", source="openalex", kind="cites",
                                    keys=[key])).problems == []
    monkeypatch.delenv("SENREF_OPENALEX_KEY", raising=False)
    with pytest.raises(WatchError, match="API key"):
        WatchSearcher(settings).search(Watch(id="c", name="c", source="openalex", kind="cites", keys=[key]),
                                       dois=["10.1093/jnci/djab064"])
    monkeypatch.setenv("SENREF_OPENALEX_KEY", "k-test")
    asked: list[dict[str, str]] = []

    def works(request: Request) -> Response:
        asked.append(dict(request.args))
        body = {"meta": {"count": 1, "next_cursor": None}, "results": [
            {"id": "https://openalex.org/W4400000002", "doi": "https://doi.org/10.5555/cites.1", "type": "article",
             "title": "Senolytics after chemotherapy", "publication_year": 2026}]}
        return Response(json.dumps(body), content_type="application/json")
    httpserver.expect_request("/openalex/works/doi:10.1093/jnci/djab064").respond_with_json(
        {"id": "https://openalex.org/W3137000000", "doi": "https://doi.org/10.1093/jnci/djab064"})
    httpserver.expect_request("/openalex/works").respond_with_handler(works)
    report = run_watches(library, settings, ids=["citing"])
    assert report.problems == [] and len(report.added["citing"]) == 1
    assert asked[0]["filter"] == "cites:W3137000000" and asked[0]["api_key"] == "k-test"
