"""Each source against the local server: normal answers and the services' real error shapes."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from senref.sources.arxiv import ArxivSource
from senref.sources.base import NotFound, PdfCandidate, SourceError, SourceResult
from senref.sources.doi import DoiSource
from senref.sources.hal import HalSource
from senref.sources.merge import merge_results
from senref.sources.pdf import check_pdf, fetch_first_pdf, rank
from senref.sources.pubmed import PubMedSource, parse_efetch
from senref.sources.registry import load_sources
from senref.sources.unpaywall import UnpaywallSource

J = "10.1093/jnci/djab064"


def test_hal_by_id_reads_pdf_and_doi(flagship, client, settings) -> None:
    result = HalSource(client, settings).fetch({"hal": "inserm-03547029"})
    assert result.item.identifiers["doi"] == J and result.item.hal_version == 1
    assert len(result.item.creators) == 32 and result.item.creators[9].display == "Jorg Goronzy"
    assert [c.kind for c in result.pdfs] == ["hal", "hal"]
    assert result.pdfs[0].url.endswith("/hal/inserm-03547029/document")


def test_hal_zero_hits_is_not_found(flagship, client, settings) -> None:
    with pytest.raises(NotFound):
        HalSource(client, settings).fetch({"hal": "hal-09999999"})


def test_hal_maintenance_page_is_a_source_error(httpserver: HTTPServer, service_env, client, settings) -> None:
    httpserver.expect_request("/halapi/search/").respond_with_data("<html>maintenance</html>", status=200,
                                                                   content_type="application/json")
    with pytest.raises(SourceError, match="not JSON"):
        HalSource(client, settings).fetch({"hal": "inserm-03547029"})


def test_crossref_404_plain_text_is_not_found(httpserver: HTTPServer, service_env, fx, client, settings) -> None:
    httpserver.expect_request("/doi/ra/10.1371/notarealdoi").respond_with_json([{"DOI": "10.1371/notarealdoi",
                                                                                  "RA": "Crossref"}])
    httpserver.expect_request("/crossref/works/10.1371/notarealdoi").respond_with_data(
        fx("crossref_works_404.txt"), status=404, content_type="text/plain")
    httpserver.expect_request("/doi/10.1371/notarealdoi").respond_with_data("<html>Error: DOI Not Found</html>",
                                                                            status=404)
    with pytest.raises(NotFound):
        DoiSource(client, settings).fetch({"doi": "10.1371/notarealdoi"})


def test_doiorg_302_then_csl_json(httpserver: HTTPServer, service_env, fx, client, settings) -> None:
    doi = "10.3280/onc2020-001004"
    httpserver.expect_request(f"/doi/ra/{doi}").respond_with_data(fx("doiorg_ra_10.3280.json"),
                                                                  content_type="application/json")
    httpserver.expect_request(f"/doi/{doi}").respond_with_data(
        fx("doiorg_302_redirect.html"), status=302,
        headers={"Location": httpserver.url_for("/crossref/v1/works/10.3280%2Fonc2020-001004/transform")})
    seen_accept: list[str] = []

    def transform(request):
        from werkzeug import Response

        seen_accept.append(request.headers.get("Accept", ""))
        return Response(fx("csljson_10.3280_onc2020-001004.json"), content_type="application/vnd.citationstyles.csl+json")

    httpserver.expect_request("/crossref/v1/works/10.3280/onc2020-001004/transform").respond_with_handler(transform)
    result = DoiSource(client, settings).fetch({"doi": doi})
    assert result.source == "doi.org"
    assert result.item.title == "Senolytic clearance after radiotherapy in a mouse model"
    assert result.item.fields["pages"] == "45-52" and result.item.fields["date"] == "2020-05"
    assert seen_accept == ["application/vnd.citationstyles.csl+json"]  # Accept re-sent after the redirect


def test_doiorg_302_then_406(httpserver: HTTPServer, service_env, client, settings) -> None:
    doi = "10.3280/onc2020-001005"
    httpserver.expect_request(f"/doi/ra/{doi}").respond_with_json([{"DOI": "10.3280", "RA": "mEDRA"}])
    httpserver.expect_request(f"/doi/{doi}").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/medra/transform")})
    httpserver.expect_request("/medra/transform").respond_with_data("Not Acceptable", status=406)
    with pytest.raises(SourceError, match="406"):
        DoiSource(client, settings).fetch({"doi": doi})


def test_unpaywall_null_pdf_at_best_location_falls_back_to_repository(flagship, client, settings) -> None:
    result = UnpaywallSource(client, settings).fetch({"doi": J})
    assert [(c.kind, c.url.rsplit("/", 1)[-1]) for c in result.pdfs] == [("repository", "djab064.pdf")]


def test_unpaywall_needs_an_email(flagship, client, settings) -> None:
    settings.email = ""
    with pytest.raises(SourceError, match="e-mail"):
        UnpaywallSource(client, settings).fetch({"doi": J})


def test_pubmed_by_doi_gives_pmcid_mesh_and_only_own_ids(flagship, client, settings) -> None:
    item = PubMedSource(client, settings).fetch({"doi": J}).item
    assert item.identifiers == {"pmid": "33792717", "doi": J, "pmcid": "PMC8486333"}
    assert item.tag_names(1) == ["Animals", "Cellular Senescence", "Neoplasms"]
    assert item.title == "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy"
    assert item.fields["date"] == "2021-10-01" and "SASP" in item.fields["abstractNote"]


def test_pubmed_collective_name_and_labelled_abstract(fx) -> None:
    [item] = parse_efetch(fx("pubmed_efetch_collective.xml"))
    assert [c.to_json() for c in item.creators] == [
        {"creatorType": "author", "firstName": "Élodie", "lastName": "Martin"},
        {"creatorType": "author", "name": "SenNet Consortium"}]
    assert item.fields["abstractNote"] == ("BACKGROUND: Markers differ between tissues.\n\n"
                                           "RESULTS: SA-β-gal and p16INK4a agree in 80% of samples.")
    assert item.fields["date"] == "2022 Jan-Feb"  # MedlineDate kept as PubMed gives it


def test_arxiv_entry(httpserver: HTTPServer, service_env, fx, client, settings) -> None:
    httpserver.expect_request("/arxiv/query").respond_with_data(fx("arxiv_query_2104.00001.atom.xml"),
                                                                content_type="application/atom+xml")
    result = ArxivSource(client, settings).fetch({"arxiv": "2104.00001"})
    assert result.item.title == "A stochastic model of senescent-cell accumulation under fractionated radiotherapy"
    assert result.item.identifiers == {"arxiv": "2104.00001", "doi": "10.1016/j.jtbi.2021.110001"}
    assert result.item.creators[0].display == "Hélène Durand" and result.pdfs[0].kind == "arxiv"


def test_arxiv_400_atom_error_gives_the_api_reason(httpserver: HTTPServer, service_env, fx, client,
                                                    settings) -> None:
    httpserver.expect_request("/arxiv/query").respond_with_data(fx("arxiv_400_error.atom.xml"), status=400,
                                                                content_type="application/atom+xml")
    with pytest.raises(SourceError, match=r"incorrect id format for 9999\.bad"):
        ArxivSource(client, settings).fetch({"arxiv": "9999.bad"})


def test_html_login_page_served_as_pdf_is_refused_with_reason(httpserver: HTTPServer, fx, pdf, client,
                                                               tmp_path) -> None:
    httpserver.expect_request("/publisher/a.pdf").respond_with_data(fx("publisher_login.html"),
                                                                    content_type="application/pdf")
    httpserver.expect_request("/missing.pdf").respond_with_data("gone", status=404)
    httpserver.expect_request("/cut.pdf").respond_with_data(pdf[: len(pdf) // 2], content_type="application/pdf")
    candidates = [PdfCandidate(httpserver.url_for("/publisher/a.pdf"), "unpaywall", "publisher"),
                  PdfCandidate(httpserver.url_for("/missing.pdf"), "hal", "hal"),
                  PdfCandidate(httpserver.url_for("/cut.pdf"), "unpaywall", "repository")]
    outcome = fetch_first_pdf(client, candidates, tmp_path / "dl")
    assert outcome.path is None
    assert [r.split(": ", 1)[1] for r in outcome.reasons] == [
        "HTTP 404", "truncated PDF (no end-of-file marker)",
        "the server returned a web page (login or landing page), not a PDF"]
    assert list((tmp_path / "dl").iterdir()) == []  # nothing left behind


def test_real_pdf_kept_with_sha256(httpserver: HTTPServer, pdf, client, tmp_path) -> None:
    import hashlib

    httpserver.expect_request("/ok.pdf").respond_with_data(pdf, content_type="application/octet-stream")
    outcome = fetch_first_pdf(client, [PdfCandidate(httpserver.url_for("/ok.pdf"), "arxiv", "arxiv")], tmp_path)
    assert outcome.path is not None and outcome.sha256 == hashlib.sha256(pdf).hexdigest()
    assert check_pdf(outcome.path) is None


def test_rank_prefers_hal_then_repository_then_publisher_arxiv_pmc() -> None:
    kinds = ["pmc", "arxiv", "publisher", "repository", "hal", "hal"]
    ranked = rank(PdfCandidate(f"http://127.0.0.1/{i}", "x", k) for i, k in enumerate(kinds))
    assert [c.kind for c in ranked] == ["hal", "hal", "repository", "publisher", "arxiv", "pmc"]


def test_merge_prefers_accents_and_never_duplicates_creators(flagship, client, settings) -> None:
    hal = HalSource(client, settings).fetch({"hal": "inserm-03547029"})
    pubmed = PubMedSource(client, settings).fetch({"doi": J})
    merged = merge_results([hal, pubmed])
    assert len(merged.creators) == 32  # PubMed's two-author list adds nobody
    assert merged.provenance["title"] == "pubmed" and merged.provenance["creators"] == "hal"
    assert merged.identifiers["hal"] == "inserm-03547029" and merged.provenance["identifier:hal"] == "hal"
    assert "Jorg Goronzy" in {c.display for c in merged.creators}  # no accented twin was offered


def test_merge_cleans_abstract_markup() -> None:
    from senref.core.model import Item

    item = Item(fields={"title": "T", "abstractNote": "<jats:p>One &lt;two&gt;</jats:p>"})
    assert merge_results([SourceResult("crossref", item)]).fields["abstractNote"] == "One <two>"


def test_builtin_sources_registered_via_entry_points() -> None:
    assert {c.name for c in load_sources()} == {"doi", "hal", "pubmed", "arxiv", "unpaywall", "europepmc", "openalex",
                                                "clinicaltrials", "biorxiv"}


def test_broken_plugin_is_logged_and_skipped(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    from importlib.metadata import EntryPoint

    from senref.sources import registry

    broken = EntryPoint("broken", "senref_no_such_module:Source", registry.GROUP)
    good = EntryPoint("hal", "senref.sources.hal:HalSource", registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [broken, good])
    assert [c.name for c in registry.load_sources()] == ["hal"]
    assert "broken" in caplog.text and "skipped" in caplog.text
