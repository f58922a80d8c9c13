"""Integrity notices from Crossref, PubMed and OpenAlex: the parsers over our own fixtures in the real formats,
and the checker against a local server replaying them."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.core.settings import load_settings
from senref.sources.http import HttpClient
from senref.sources.integrity import (
    KINDS,
    IntegrityChecker,
    IntegrityNotice,
    IntegrityResult,
    crossref_notices,
    notices_from_update_to,
    openalex_notices,
    pubmed_notices,
    status_of,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "integrity"
RETRACTED, NOTICE = "10.5555/tis.2021.retracted", "10.5555/tis.2022.retraction"
CORRECTED = "10.5555/tis.2018.corrected"


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def message(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(raw(name))
    message: dict[str, Any] = data.get("message", data)
    return message


def kinds(notices: list[IntegrityNotice]) -> list[tuple[str, str, str]]:
    return [(n.kind, n.notice_doi, n.source) for n in notices]


# -- parsers ------------------------------------------------------------------------------------

def test_crossref_retracted_keeps_the_retraction_watch_entry_over_the_publishers_copy() -> None:
    notices = crossref_notices(message("crossref_work_retracted.json"))
    assert kinds(notices) == [("retracted", NOTICE, "retraction-watch"),
                              ("corrected", "10.5555/tis.2021.erratum", "crossref")]
    assert notices[0].date == "2022-05-04" and notices[0].url == f"https://doi.org/{NOTICE}"
    assert "90001" in notices[0].label
    assert status_of(notices) == "retracted"


@pytest.mark.parametrize(("name", "status"), [
    ("crossref_work_eoc.json", "expression_of_concern"),
    ("crossref_work_withdrawn.json", "withdrawn"),
    ("crossref_work_new_version.json", "updated"),
    ("crossref_work_plain.json", "ok"),
])
def test_crossref_each_kind(name: str, status: str) -> None:
    assert status_of(crossref_notices(message(name))) == status


def test_a_crossref_notice_is_not_itself_marked_though_the_publisher_mirrors_the_link() -> None:
    work = message("crossref_work_retraction_notice.json")
    assert work["updated-by"]  # the mirror entry a naive check would read as "retracted"
    assert crossref_notices(work) == []
    # ... while what it says about the retracted work is read from its update-to
    assert kinds(notices_from_update_to(work, RETRACTED)) == [("retracted", NOTICE, "retraction-watch")]
    assert notices_from_update_to(work, "10.5555/other") == []


def test_update_to_in_the_older_shape_and_a_mirroring_work_in_a_filter_list() -> None:
    items = message("crossref_updates_corrected.json")["items"]
    found = [n for item in items for n in notices_from_update_to(item, CORRECTED)]
    assert kinds(found) == [("corrected", "10.5555/tis.2018.correction", "crossref")]
    assert found[0].date == "2018-10-02"


def test_pubmed_retraction_erratum_and_ignored_reference_types() -> None:
    notices = pubmed_notices(raw("pubmed_efetch_retracted.xml"))
    assert kinds(notices) == [("retracted", NOTICE, "pubmed"), ("corrected", "", "pubmed")]
    assert notices[0].url == "https://pubmed.ncbi.nlm.nih.gov/99900002/" and notices[0].date == "2022-05-04"
    assert notices[1].url == "https://pubmed.ncbi.nlm.nih.gov/99900003/" and notices[1].date == "2021-09"


@pytest.mark.parametrize(("name", "expected"), [
    ("pubmed_efetch_eoc.xml", [("expression_of_concern", "", "pubmed")]),
    ("pubmed_efetch_preprint_updatein.xml", [("updated", "10.5555/tis.2021.published", "pubmed")]),
    ("pubmed_efetch_retracted_only_type.xml", [("retracted", "", "pubmed")]),
    ("pubmed_efetch_retraction_notice.xml", []),  # "Retraction of Publication": the record IS the notice
    ("pubmed_efetch_plain.xml", []),
])
def test_pubmed_each_kind(name: str, expected: list[tuple[str, str, str]]) -> None:
    assert kinds(pubmed_notices(raw(name))) == expected


def test_pubmed_retracted_publication_type_alone_links_the_record_itself() -> None:
    (notice,) = pubmed_notices(raw("pubmed_efetch_retracted_only_type.xml"))
    assert notice.url == "https://pubmed.ncbi.nlm.nih.gov/99900008/"


def test_openalex_flag_and_its_flagged_notice() -> None:
    assert kinds(openalex_notices(message("openalex_work_retracted.json"))) == [("retracted", "", "openalex")]
    assert openalex_notices(message("openalex_work_notice.json")) == []
    assert openalex_notices(message("openalex_work_ok.json")) == []


@pytest.mark.parametrize("worse", range(len(KINDS)))
def test_status_precedence(worse: int) -> None:
    for milder in KINDS[worse + 1:]:
        notices = [IntegrityNotice(milder, "10.1/a", "", "crossref", "", ""),
                   IntegrityNotice(KINDS[worse], "10.1/b", "", "pubmed", "", "")]
        assert status_of(notices) == status_of(notices[::-1]) == KINDS[worse]


def test_json_round_trip() -> None:
    notice = crossref_notices(message("crossref_work_retracted.json"))[0]
    assert IntegrityNotice.from_json(json.loads(json.dumps(notice.to_json()))) == notice
    result = IntegrityResult("retracted", [notice], "2026-12-01T10:00:00+00:00", ["pubmed: x"], ["crossref"])
    assert IntegrityResult.from_json(json.loads(json.dumps(result.to_json()))) == result


# -- the checker against a local server ---------------------------------------------------------

def serve(httpserver: HTTPServer, works: dict[str, str], updates: dict[str, str], efetch: dict[str, str],
          openalex: dict[str, str]) -> None:
    """Crossref /works/{doi} and /works?filter=updates:, PubMed efetch by id, OpenAlex /works/doi:{doi}."""

    def crossref(request: Request) -> Response:
        path = request.path.removeprefix("/crossref/works")
        if not path:
            doi = request.args.get("filter", "").removeprefix("updates:")
            return Response(raw(updates.get(doi, "crossref_updates_none.json")), content_type="application/json")
        name = works.get(path.lstrip("/"))
        if name is None:
            return Response("Resource not found.", status=404, content_type="text/plain")
        return Response(raw(name), content_type="application/json")

    def pubmed(request: Request) -> Response:
        return Response(raw(efetch[request.args["id"]]), content_type="text/xml")

    def openalex_work(request: Request) -> Response:
        name = openalex.get(request.path.removeprefix("/openalex/works/doi:"))
        if name is None:
            return Response("<!doctype html><title>404 Not Found</title>", status=404, content_type="text/html")
        return Response(raw(name), content_type="application/json")

    httpserver.expect_request(re.compile(r"^/crossref/works.*")).respond_with_handler(crossref)
    httpserver.expect_request("/eutils/efetch.fcgi").respond_with_handler(pubmed)
    httpserver.expect_request(re.compile(r"^/openalex/works/.*")).respond_with_handler(openalex_work)


def test_retracted_work_from_every_source_one_notice_each(httpserver: HTTPServer, settings, client) -> None:
    serve(httpserver, {RETRACTED: "crossref_work_retracted.json"}, {RETRACTED: "crossref_updates_retracted.json"},
          {"99900001": "pubmed_efetch_retracted.xml"}, {RETRACTED: "openalex_work_retracted.json"})
    result = IntegrityChecker(settings, client, openalex_key="k-123").check({"doi": RETRACTED, "pmid": "99900001"})
    assert result.status == "retracted" and result.errors == []
    assert result.sources == ["crossref", "pubmed", "openalex"]
    # The same retraction from Crossref (RW and publisher), the updates filter, PubMed and OpenAlex: once, as RW's.
    assert [(n.kind, n.notice_doi, n.source) for n in result.notices] == [
        ("retracted", NOTICE, "retraction-watch"),
        ("corrected", "", "pubmed"), ("corrected", "10.5555/tis.2021.erratum", "crossref")]
    assert result.checked_at.endswith("+00:00")
    log = [(r.path, dict(r.args)) for r, _ in httpserver.log]
    assert all(args.get("mailto") == "lab@example.org" for path, args in log if path.startswith("/crossref"))
    assert any(args.get("filter") == f"updates:{RETRACTED}" for _, args in log)
    assert [args.get("api_key") for path, args in log if path.startswith("/openalex")] == ["k-123"]


def test_openalex_alone_flags_a_retraction_the_others_miss(httpserver: HTTPServer, settings, client) -> None:
    serve(httpserver, {CORRECTED: "crossref_work_plain.json"}, {}, {}, {CORRECTED: "openalex_work_retracted.json"})
    result = IntegrityChecker(settings, client, openalex_key="k").check({"doi": CORRECTED})
    assert result.status == "retracted"
    assert [(n.source, n.url) for n in result.notices] == [("openalex", "https://openalex.org/W9900000001")]


def test_a_notice_record_stays_ok_on_every_source(httpserver: HTTPServer, settings, client) -> None:
    # OpenAlex's copy here is typed "article" and flagged: Crossref knows the record is a notice.
    serve(httpserver, {NOTICE: "crossref_work_retraction_notice.json"}, {},
          {"99900002": "pubmed_efetch_retraction_notice.xml"}, {NOTICE: "openalex_work_retracted.json"})
    result = IntegrityChecker(settings, client, openalex_key="k").check({"doi": NOTICE, "pmid": "99900002"})
    assert (result.status, result.notices, result.errors) == ("ok", [], [])


def test_correction_found_only_through_the_updates_filter(httpserver: HTTPServer, settings, client) -> None:
    serve(httpserver, {CORRECTED: "crossref_work_plain.json"}, {CORRECTED: "crossref_updates_corrected.json"}, {},
          {})
    result = IntegrityChecker(settings, client, openalex_key="").check({"doi": CORRECTED})
    assert result.status == "corrected" and len(result.notices) == 1
    assert not any(r.path.startswith("/openalex") for r, _ in httpserver.log)  # no key: not asked


@pytest.mark.parametrize("case", [
    ("10.5555/tis.2020.eoc", "crossref_work_eoc.json", "expression_of_concern"),
    ("10.5555/tis.2019.withdrawn", "crossref_work_withdrawn.json", "withdrawn"),
    ("10.5555/tis.2020.v2", "crossref_work_new_version.json", "updated"),
])
def test_checker_each_crossref_kind(httpserver: HTTPServer, settings, client, case: tuple[str, str, str]) -> None:
    doi, work, status = case
    serve(httpserver, {doi: work}, {}, {}, {})
    assert IntegrityChecker(settings, client, openalex_key="").check({"doi": doi}).status == status


def test_unknown_doi_is_an_answer_and_a_failing_source_an_error(httpserver: HTTPServer, settings, client) -> None:
    httpserver.expect_request("/openalex/works/doi:10.5555/none").respond_with_data("down", status=503)
    serve(httpserver, {}, {}, {"99900004": "pubmed_efetch_eoc.xml"}, {})
    result = IntegrityChecker(settings, client, openalex_key="k").check({"doi": "10.5555/none", "pmid": "99900004"})
    assert result.status == "expression_of_concern"
    assert result.sources == ["crossref", "pubmed"]
    assert len(result.errors) == 1 and result.errors[0].startswith("openalex:") and "503" in result.errors[0]


def test_429_retry_after_is_honoured(httpserver: HTTPServer, settings, client) -> None:
    calls: list[float] = []

    def busy_then_ok(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(raw("crossref_work_eoc.json"), content_type="application/json")

    httpserver.expect_request("/crossref/works/10.5555/tis.2020.eoc").respond_with_handler(busy_then_ok)
    httpserver.expect_request("/crossref/works").respond_with_data(raw("crossref_updates_none.json"),
                                                                   content_type="application/json")
    result = IntegrityChecker(settings, client, openalex_key="").check({"doi": "10.5555/tis.2020.eoc"})
    assert result.status == "expression_of_concern" and result.errors == []
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.95


def test_offline_is_unknown_not_ok(tmp_path: Path) -> None:
    settings = load_settings()  # every service root is a closed local port (tests/conftest.py)
    client = HttpClient(settings, connect_timeout=0.5, read_timeout=0.5, retries=0, etiquette={})
    result = IntegrityChecker(settings, client, openalex_key="k").check({"doi": RETRACTED, "pmid": "99900001"})
    assert result.status == "unknown" and result.sources == [] and result.notices == []
    assert [e.split(":")[0] for e in result.errors] == ["crossref", "crossref updates", "pubmed", "openalex"]
    assert all(e.endswith("(connection refused)") for e in result.errors), result.errors


def test_nothing_to_ask_is_unknown(settings) -> None:
    result = IntegrityChecker(settings, openalex_key="").check({"isbn": "9780000000000"})
    assert result.status == "unknown" and result.errors == ["no DOI or PMID to check"]
