"""Fixtures for source tests: a local server speaking the services' formats (the network guard is in
tests/conftest.py and covers the whole suite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from senref.core.settings import SERVICE_URLS, Settings, load_settings
from senref.sources.http import HttpClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
#: service -> path prefix on the one local server (each service is the root it would be in production)
PREFIXES = {"hal_api": "/halapi", "hal": "/hal", "crossref": "/crossref", "doi": "/doi", "datacite": "/datacite",
            "unpaywall": "/unpaywall", "pubmed": "/eutils", "arxiv": "/arxiv", "zotero_api": "/zotero",
            "zotero_local": "/zotero-local", "openalex": "/openalex", "biorxiv": "/biorxiv",
            "europepmc": "/europepmc", "clinicaltrials": "/clinicaltrials"}


def fixture_bytes(name: str, server: HTTPServer) -> bytes:
    """A fixture with the `__SERVER__` placeholder aimed at the test server."""
    return (FIXTURES / name).read_bytes().replace(b"__SERVER__", f"{server.host}:{server.port}".encode())


@pytest.fixture
def service_env(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every SENREF_*_URL pointed at the local server, and a contact e-mail."""
    env = {}
    for name, (var, _default) in SERVICE_URLS.items():
        env[var] = httpserver.url_for(PREFIXES[name])
        monkeypatch.setenv(var, env[var])
    monkeypatch.setenv("SENREF_EMAIL", "lab@example.org")
    return env


@pytest.fixture
def settings(service_env: dict[str, str]) -> Settings:
    return load_settings()


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[HttpClient]:
    """Tiny timeouts and backoff so error paths run in milliseconds."""
    yield HttpClient(settings, cache_dir=tmp_path / "http-cache", connect_timeout=0.5, read_timeout=0.5,
                     retries=2, backoff=0.01, max_wait=5.0, etiquette={})


def make_pdf(text: str = "Therapy-induced senescence") -> bytes:
    """A small, structurally valid one-page PDF (correct xref offsets)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture
def fx(httpserver: HTTPServer):
    """`fx(name)`: a fixture file's bytes, aimed at the local server."""
    return lambda name: fixture_bytes(name, httpserver)


@pytest.fixture
def pdf() -> bytes:
    return make_pdf()


@pytest.fixture(name="make_pdf")
def make_pdf_fixture():
    """`make_pdf(text)`: PDF bytes whose page shows *text*."""
    return make_pdf


@pytest.fixture
def flagship(httpserver: HTTPServer, fx, pdf: bytes, service_env: dict[str, str]):
    """The flagship record served by every service, as the real ones would answer."""
    from werkzeug import Request, Response

    def hal_search(request: Request) -> Response:
        q = request.args.get("q", "")
        hit = q in ("halId_s:inserm-03547029", 'doiId_s:"10.1093/jnci/djab064"')
        body = fx("hal_search_inserm-03547029.json" if hit else "hal_search_zero_hits.json")
        return Response(body, content_type="application/json;charset=utf-8")

    def esearch(request: Request) -> Response:
        term = request.args.get("term", "")
        name = "pubmed_esearch_djab064.xml" if term == "10.1093/jnci/djab064[doi]" else "pubmed_esearch_zero.xml"
        return Response(fx(name), content_type="text/xml")

    httpserver.expect_request("/halapi/search/").respond_with_handler(hal_search)
    httpserver.expect_request("/doi/ra/10.1093/jnci/djab064").respond_with_data(
        fx("doiorg_ra_10.1093_jnci_djab064.json"), content_type="application/json")
    httpserver.expect_request("/crossref/works/10.1093/jnci/djab064").respond_with_data(
        fx("crossref_works_10.1093_jnci_djab064.json"), content_type="application/json",
        headers={"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s", "x-api-pool": "polite"})
    httpserver.expect_request("/unpaywall/v2/10.1093/jnci/djab064").respond_with_data(
        fx("unpaywall_v2_10.1093_jnci_djab064.json"), content_type="application/json")
    httpserver.expect_request("/eutils/esearch.fcgi").respond_with_handler(esearch)
    httpserver.expect_request("/eutils/efetch.fcgi", query_string={"db": "pubmed", "id": "33792717", "retmode": "xml",
                                                                    "tool": "senref", "email": "lab@example.org"}
                              ).respond_with_data(fx("pubmed_efetch_33792717.xml"), content_type="text/xml")
    httpserver.expect_request("/hal/inserm-03547029/document").respond_with_data(pdf, content_type="application/pdf")
    return httpserver
