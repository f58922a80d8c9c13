"""A 10,000-item library checked in batches, each service within its documented rate, a 429 honoured."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.actions.integrity import check_integrity
from senref.core.library import Library
from senref.core.model import Item
from senref.core.records import ImportRecord
from senref.core.settings import Settings
from senref.sources.http import HttpClient
from senref.sources.integrity_batch import PACE

N = 10_000
WITH_PMID = 2_000  # every fifth item also has a PMID


def doi_of(n: int) -> str:
    return f"10.5555/rate.{n}"


def records() -> list[ImportRecord]:
    out = []
    for n in range(N):
        item = Item(fields={"title": f"Senescence study {n}", "date": "2020"})
        item.set_identifier("doi", doi_of(n))
        if n % 5 == 0:
            item.set_identifier("pmid", str(30_000_000 + n))
        out.append(ImportRecord(item, [], n + 1))
    return out


def most_in_a_second(times: list[float]) -> int:
    """The most requests that started within any one-second window."""
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def test_ten_thousand_items_in_paced_batches(httpserver: HTTPServer, settings: Settings, tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", autotag=False)
    library.import_records(records(), batch=2000)
    seen: dict[str, list[float]] = {"works": [], "updates": [], "pubmed": []}
    lock = threading.Lock()
    refused: list[float] = []

    def works(request: Request) -> Response:
        wanted = request.args.get("filter", "")
        kind = "updates" if wanted.startswith("updates:") else "works"
        with lock:
            seen[kind].append(time.monotonic())
            if kind == "works" and len(seen["works"]) == 5 and not refused:
                refused.append(time.monotonic())
                return Response("slow down", status=429, headers={"Retry-After": "1"})
        dois = [v.split(":", 1)[1] for v in wanted.split(",")]
        if kind == "updates":  # a retraction notice for every item numbered 777 modulo 1000
            items = [{"DOI": f"10.5555/notice.{d.rsplit('.', 1)[1]}", "type": "retraction",
                      "update-to": [{"DOI": d, "type": "retraction", "source": "publisher",
                                     "updated": {"date-parts": [[2024, 1, 2]]}}]}
                     for d in dois if d.endswith("777")]
        else:
            items = [{"DOI": d, "type": "journal-article", "title": ["x"]} for d in dois]
        return Response(json.dumps({"status": "ok", "message": {"items": items, "total-results": len(items)}}),
                        content_type="application/json")

    def efetch(request: Request) -> Response:
        with lock:
            seen["pubmed"].append(time.monotonic())
        pmids = request.args.get("id", "").split(",")
        articles = "".join(f"<PubmedArticle><MedlineCitation><PMID>{p}</PMID></MedlineCitation></PubmedArticle>"
                           for p in pmids)
        return Response(f"<PubmedArticleSet>{articles}</PubmedArticleSet>", content_type="text/xml")

    httpserver.expect_request("/crossref/works").respond_with_handler(works)
    httpserver.expect_request("/eutils/efetch.fcgi").respond_with_handler(efetch)
    report = check_integrity(library, settings)
    assert report.checked == N and report.answered == N and report.warnings == []
    assert sorted(report.changed) == sorted(library.find_by_identifier("doi", doi_of(n)) for n in range(777, N, 1000))
    assert set(report.changed.values()) == {"retracted"}
    # In batches: 100 DOIs per Crossref request (and one 429 retried), 200 PMIDs per efetch.
    assert (len(seen["works"]), len(seen["updates"])) == (N // 100 + 1, N // 100)
    assert WITH_PMID // 200 <= len(seen["pubmed"]) <= WITH_PMID // 200 + N // 1000
    # Within each service's documented rate (Crossref's polite pool, NCBI without a key).
    # Crossref's polite pool took 10 requests/s in its 2025 terms (50 announced in 2022); NCBI allows 3/s without a
    # key. The pacing keeps a margin under each, so the time a request takes to arrive cannot push it over.
    assert PACE["crossref"] >= 0.1 and PACE["pubmed"] >= 1 / 3
    assert most_in_a_second(sorted(seen["works"] + seen["updates"])) <= 10
    assert most_in_a_second(seen["pubmed"]) <= 3
    assert seen["works"][5] - refused[0] >= 1.0  # Retry-After honoured
    # A second check of the whole library asks nothing: every item was checked just now.
    again = check_integrity(library, settings)
    assert again.checked == 0 and again.skipped == N


def test_a_batch_that_fails_is_an_error_on_each_of_its_works(httpserver: HTTPServer, settings: Settings) -> None:
    from senref.sources.integrity_batch import BatchIntegrityChecker

    httpserver.expect_request("/crossref/works").respond_with_data("down", status=503)
    retracted = ("<PubmedArticle><MedlineCitation><PMID>{}</PMID><CommentsCorrectionsList><CommentsCorrections "
                 "RefType=\"RetractionIn\"><RefSource>J X. 2020</RefSource><PMID>999</PMID></CommentsCorrections>"
                 "</CommentsCorrectionsList></MedlineCitation></PubmedArticle>")
    httpserver.expect_request("/eutils/efetch.fcgi").respond_with_data(
        f"<PubmedArticleSet>{retracted.format('101')}<PubmedArticle><MedlineCitation><PMID>102</PMID>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>", content_type="text/xml")
    # No retries: the test server is one host for every service, and its circuit breaker would close it to PubMed
    # after Crossref's repeated failures (real services are separate hosts).
    checker = BatchIntegrityChecker(settings, HttpClient(settings, retries=0, backoff=0.01, etiquette={}))
    first, second, third = checker.check_many([{"doi": doi_of(1), "pmid": "101"}, {"doi": doi_of(2), "pmid": "102"},
                                               {"doi": doi_of(3)}])
    assert first.status == "retracted" and first.notices[0].source == "pubmed", first.errors
    assert second.status == "ok" and third.status == "unknown"  # PubMed answered; for the third nobody did
    assert all(any(e.startswith("crossref") for e in r.errors) for r in (first, second, third))



def test_openalex_counts_citations_with_the_check(httpserver: HTTPServer, settings: Settings, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENREF_OPENALEX_KEY", "k-test")
    library = Library.open(tmp_path / "lib", autotag=False)
    keys = [library.save_item(record.item, tag=False).key for record in records()[:3]]
    empty = {"status": "ok", "message": {"items": [], "total-results": 0}}
    httpserver.expect_request("/crossref/works").respond_with_json(empty)
    asked: list[str] = []

    def works(request: Request) -> Response:
        asked.append(request.args["filter"])
        dois = request.args["filter"].removeprefix("doi:").split("|")
        found = [{"id": f"https://openalex.org/W{n}", "doi": f"https://doi.org/{d}", "is_retracted": False,
                  "cited_by_count": 10 + n} for n, d in enumerate(dois)]
        return Response(json.dumps({"meta": {"count": len(found)}, "results": found}), content_type="application/json")
    httpserver.expect_request("/openalex/works").respond_with_handler(works)
    report = check_integrity(library, settings)
    assert report.summary() == "nothing new (3 checked)" and len(asked) == 1
    counts = sorted(library.get_item(k).extras["cited_by_count"]["count"] for k in keys)
    assert counts == [10, 11, 12]
