"""The real source parsers over every recorded response in shared/fixtures (third-party data, not committed).

Each file is handled by name; a file nobody handles fails the test, so a new recording forces a decision.
Error bodies are served from a local server with their recorded status, so the real HTTP path runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from senref.core.extract import find_identifiers
from senref.core.settings import load_settings
from senref.sources import crossref, datacite, hal, pubmed, unpaywall
from senref.sources.arxiv import parse_feed
from senref.sources.base import NotFound, SourceError
from senref.sources.doi import DoiSource
from senref.sources.http import HttpClient
from senref.sources.pdf import check_pdf

SHARED = Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
SOURCES = ("hal", "crossref", "doi-negotiation", "datacite", "unpaywall", "pubmed", "arxiv")
FILES = sorted(p for d in SOURCES for p in (SHARED / "fixtures" / d).glob("*") if p.is_file()) \
    if (SHARED / "fixtures").is_dir() else []
#: recordings that are containers or formats other modules parse, with the reason they are not ours
NOT_OURS = {
    "cassette_works_404.yaml": "VCR cassette; its body is crossref/works_404_10.1371_notarealdoi.txt",
    "cassette_bibtex_10.1126_science.169.3946.635.yaml": "VCR cassette; bodies extracted beside it",
    "bibtex_10.1126_science.169.3946.635.bib": "BibTeX is read by senref.formats, not by sources",
    "bibliography_apa_10.1126_science.169.3946.635.txt": "formatted citation; senref negotiates CSL-JSON",
    "esummary_11850928.xml": "senref reads efetch, not esummary",
    "agency_10.1126_science.169.3946.635.json": "senref asks doi.org/ra for the agency, not Crossref /agency",
}

pytestmark = pytest.mark.skipif(not FILES, reason=f"shared fixtures not found under {SHARED} (set SENREF_SHARED_DIR)")


def _client(httpserver, monkeypatch, tmp_path) -> tuple[HttpClient, object]:
    for var in ("SENREF_DOI_URL", "SENREF_CROSSREF_URL", "SENREF_DATACITE_URL"):
        monkeypatch.setenv(var, httpserver.url_for("/svc"))
    settings = load_settings()
    return HttpClient(settings, retries=0, connect_timeout=1, read_timeout=2, etiquette={}), settings


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_recording(path: Path, httpserver, monkeypatch, tmp_path) -> None:
    name, kind = path.name, path.parent.name
    body = path.read_bytes()
    if name in NOT_OURS:
        pytest.skip(NOT_OURS[name])
    if kind == "hal" and name.startswith("search_"):
        docs = hal.parse_search(json.loads(body))
        items = [hal.item_from_doc(d) for d in docs]
        assert docs and all(i.identifiers.get("hal") and i.title and i.creators for i in items)
        with_pdf = [d for d in docs if hal.pdfs_from_doc(d)]
        assert 0 < len(with_pdf) < len(docs)  # both shapes occur: with and without a file
        assert any(any(ord(ch) > 127 for ch in c.display) for i in items for c in i.creators)
    elif kind == "hal" and name.startswith("tei_"):
        item, pdfs = hal.parse_tei(body)
        assert item.identifiers["hal"] == name[4:-4] and item.title and item.creators
        assert all(p.url.startswith("https://") for p in pdfs)
        if "04168081" in name:
            assert item.identifiers["doi"] == "10.3389/fimmu.2022.1002629" and not pdfs
        else:
            assert pdfs
    elif kind == "hal" and name.startswith("landing_"):
        found = {(f.scheme, f.value) for f in find_identifiers(body.decode("utf-8"))}
        assert ("hal", "jpa-00235190") in found
    elif kind == "crossref" and name.startswith("works_") and name.endswith(".json") and "_400_" not in name:
        message = json.loads(body)["message"]
        records = message.get("items", [message]) if message.get("message-type") != "work" else [message]
        items = [crossref.item_from_csl(r) for r in records]
        assert all(i.identifiers.get("doi") for i in items)
        if "journal.pone" in name:
            assert items[0].item_type == "journalArticle" and items[0].creators and items[0].fields["date"]
    elif kind in ("crossref", "datacite") and ("404" in name or "_400_" in name):
        client, settings = _client(httpserver, monkeypatch, tmp_path)
        status = 400 if "_400_" in name else 404
        route = "/svc/works/10.1/x" if kind == "crossref" else "/svc/dois/10.1/x"
        httpserver.expect_request(route).respond_with_data(body, status=status)
        fetch = crossref.fetch_work if kind == "crossref" else datacite.fetch_doi
        with pytest.raises(NotFound if status == 404 else SourceError):
            fetch(client, settings.url("crossref" if kind == "crossref" else "datacite"), "10.1/x")
    elif kind == "doi-negotiation" and name.startswith("csljson_"):
        item = crossref.item_from_csl(json.loads(body))
        assert item.identifiers["doi"] == "10.1126/science.169.3946.635" and item.creators and item.title
    elif kind == "doi-negotiation" and name.startswith("doiorg_30"):
        assert {f.value for f in find_identifiers(body.decode())} == {"10.1126/science.169.3946.635"}
    elif kind == "doi-negotiation" and name.startswith("doiorg_4"):
        client, settings = _client(httpserver, monkeypatch, tmp_path)
        status = int(name.split("_")[1])
        httpserver.expect_request("/svc/10.1/x").respond_with_data(body, status=status, content_type="text/html")
        with pytest.raises(NotFound if status == 404 else SourceError):
            DoiSource(client, settings).negotiate("10.1/x")
    elif kind == "datacite" and name.startswith("doiorg_ra_"):
        client, settings = _client(httpserver, monkeypatch, tmp_path)
        httpserver.expect_request("/svc/ra/10.5281/zenodo.1").respond_with_data(body, content_type="application/json")
        assert DoiSource(client, settings).agency("10.5281/zenodo.1") == "datacite"
    elif kind == "datacite" and name.startswith("dois_"):
        item, _pdfs = datacite.item_from_datacite(json.loads(body))
        assert item.identifiers["doi"] and item.title and item.creators and item.fields.get("date")
    elif kind == "unpaywall":
        data = json.loads(body)
        pdfs = unpaywall.pdfs_from_record(data)
        if "closed" in name:
            assert pdfs == []
        else:
            assert pdfs and all(p.url.startswith("http") for p in pdfs)
        if "no_pdf_at_best" in name:
            assert data["best_oa_location"]["url_for_pdf"] is None and pdfs[0].url != data["best_oa_location"]["url"]
    elif kind == "pubmed" and name.startswith("efetch_"):
        [item] = pubmed.parse_efetch(body)
        assert item.identifiers == {"pmid": "29963580", "doi": "10.1117/1.JMI.5.2.026002", "pmcid": "PMC6022861"}
        assert any(c.name == "Canadian Respiratory Research Network" for c in item.creators)
    elif kind == "pubmed" and name.startswith("esearch_"):
        assert len(pubmed.parse_esearch(body)) == 20
    elif kind == "arxiv" and name.endswith(".atom.xml"):
        if "400" in name:
            with pytest.raises(SourceError, match="incorrect id format"):
                parse_feed(body)
        elif "zero_results" in name:
            assert parse_feed(body) == []
        else:
            [(item, pdfs)] = parse_feed(body)
            assert item.identifiers["arxiv"] in name.replace("_", "/") and item.title and item.creators
            assert "  " not in item.title and "\n" not in item.fields["abstractNote"]
    elif kind == "arxiv" and name.endswith(".json"):
        recorded = json.loads(body)
        assert recorded["status_code"] == 400
        with pytest.raises(SourceError, match="incorrect id format for abc"):
            parse_feed(recorded["body"].encode())
    elif kind == "arxiv" and name.endswith(".pdf"):
        assert check_pdf(path) is None
        from senref.core.pdftext import pdf_text

        assert ("arxiv", "1111.2011") in {(f.scheme, f.value) for f in find_identifiers(pdf_text(path))}
    else:
        pytest.fail(f"no conformance check for {kind}/{name}: add one or list it in NOT_OURS with a reason")
