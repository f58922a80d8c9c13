"""The living watch against a local Europe PMC: new TIS papers reach the Inbox tagged, once, never twice."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.actions.watch import accept, add_watch, dismiss, inbox_items, remove_watch, run_watches
from senref.core.library import Library
from senref.core.model import Item
from senref.core.settings import Settings
from senref.core.watch import Watch, load_watches
from senref.topics.tagger import get_tagger

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "watch"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def serve_europepmc(httpserver: HTTPServer) -> list[dict[str, str]]:
    asked: list[dict[str, str]] = []

    def search(request: Request) -> Response:
        asked.append(dict(request.args))
        page = "europepmc_search_page1.json" if request.args.get("cursorMark") == "*" else "europepmc_search_page2.json"
        return Response((OWN / page).read_bytes(), content_type="application/json;charset=UTF-8")
    httpserver.expect_request("/europepmc/search").respond_with_handler(search)
    return asked


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "lib", tagger=get_tagger())
    flagship = Item(fields={"title": "Therapy-induced senescence in cancer", "date": "2021"})
    flagship.set_identifier("doi", "10.1093/jnci/djab064")
    library.save_item(flagship)
    return library


def test_the_default_watch_files_new_papers_tagged_and_a_second_run_adds_nothing(
        httpserver: HTTPServer, settings: Settings, library: Library) -> None:
    asked = serve_europepmc(httpserver)
    [watch] = load_watches(library.folder)
    assert watch.id == "tis" and "therapy-induced senescence" in watch.query

    report = run_watches(library, settings, now=NOW)
    assert report.problems == [] and report.ran == 1
    new = report.added["tis"]
    assert len(new) == 3 and report.known == 1  # the flagship is in the library already
    assert report.summary() == "3 new papers in the Inbox, 1 already in the library (1 watch run)"
    titles = {library.get_item(k).title for k in new}
    assert not any(t.startswith("Correction") for t in titles)  # a notice is not a new paper
    assert not any("no identifier" in t for t in titles)  # nothing filed on a guess
    assert {i.key for i in inbox_items(library)} == set(new)
    navitoclax = next(library.get_item(k) for k in new if "Navitoclax" in library.get_item(k).title)
    auto = [t.tag for t in navitoclax.tags if t.type == 1]
    assert auto, "the watch's papers are auto-tagged with TIS topics"
    assert {"senolytics", "breast cancer"} <= {t.tag for t in navitoclax.tags}
    assert navitoclax.creators[2].name == "TIS Consortium" and navitoclax.identifiers["pmid"] == "41000001"
    assert asked[0]["query"] == watch.query and asked[1]["cursorMark"] == "AoJ4c2VucmVmMQ=="

    again = run_watches(library, settings, now=NOW + timedelta(days=1))
    assert again.added == {"tis": []} and again.known == 4
    assert "FIRST_IDATE:[2026-11-13 TO 3000-12-31]" in asked[-1]["query"]  # since the last run, less a week
    assert len(inbox_items(library)) == 3


def test_accept_files_a_paper_and_dismiss_is_remembered(httpserver: HTTPServer, settings: Settings,
                                                       library: Library) -> None:
    serve_europepmc(httpserver)
    new = run_watches(library, settings, now=NOW).added["tis"]
    taken = accept(library, settings, [new[0]], collection="Senolytics", pdf=False)
    assert taken.problems == [] and taken.summary() == "1 accepted"
    assert library.get_item(new[0]).collections == [library.find_collection("Senolytics")]
    dropped = dismiss(library, [new[1]])
    assert dropped.summary() == "1 dismissed" and library.get_item(new[1]).deleted
    assert dismiss(library, [new[0]]).problems == [f"{new[0]} is not in the Inbox"]
    library.empty_trash()  # gone for good, and still never offered again
    watches = json.loads((library.folder / "watch" / "watches.json").read_text())
    watches["watches"][0]["last_ok"] = ""  # as if the watch ran for the first time
    (library.folder / "watch" / "watches.json").write_text(json.dumps(watches))
    third = run_watches(library, settings, now=NOW)
    assert third.added == {"tis": []} and third.dismissed == 1
    assert {i.key for i in inbox_items(library)} == {new[2]}


def test_offline_the_watch_says_so_and_nothing_changes(settings: Settings, library: Library,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "urls", {**settings.urls, "europepmc": "http://127.0.0.1:9"})
    before = library.count()
    report = run_watches(library, settings, now=NOW)
    assert report.ran == 0 and len(report.problems) == 1 and report.problems[0].startswith("watch tis: ")
    [watch] = load_watches(library.folder)
    assert watch.last_run and not watch.last_ok and watch.last_error
    assert library.count() == before and inbox_items(library) == []


def test_watches_are_added_checked_and_removed(library: Library) -> None:
    bad = add_watch(library, Watch(id="Bad Id", name="x", source="nowhere", query=""))
    assert len(bad.problems) == 3
    assert add_watch(library, Watch(id="tis", name="again", query="senescence")).problems == [
        "a watch 'tis' exists: remove it first, or choose another id"]
    cites = add_watch(library, Watch(id="citing", name="Citing ours", source="openalex", kind="cites",
                                     keys=["NOSUCHKY"]))
    assert cites.problems == ["no such item: NOSUCHKY"]
    assert add_watch(library, Watch(id="sasp", name="SASP", source="crossref", query="SASP")).problems == []
    assert [w.id for w in load_watches(library.folder)] == ["tis", "sasp"]
    assert remove_watch(library, "tis").problems == [] and [w.id for w in load_watches(library.folder)] == ["sasp"]
    assert remove_watch(library, "tis").problems == ["no watch 'tis'"]
