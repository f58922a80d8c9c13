"""The PubMed source maps efetch answers with the same rules as the PubMed XML file format."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from senref.sources.pubmed import PubMedSource, parse_efetch

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "pubmed_cases.xml"


def test_efetch_of_a_bookshelf_chapter_gives_a_book_section(httpserver: HTTPServer, service_env, client,
                                                           settings) -> None:
    text = CASES.read_text(encoding="utf-8")
    start = text.rindex("<PubmedBookArticle>")
    end = text.rindex("</PubmedBookArticle>") + len("</PubmedBookArticle>")
    body = f'<?xml version="1.0" ?>\n<PubmedArticleSet>\n{text[start:end]}\n</PubmedArticleSet>\n'
    httpserver.expect_request("/eutils/efetch.fcgi", query_string={
        "db": "pubmed", "id": "31000006", "retmode": "xml", "tool": "senref", "email": "lab@example.org",
    }).respond_with_data(body, content_type="text/xml")
    item = PubMedSource(client, settings).fetch({"pmid": "31000006"}).item
    assert item.item_type == "bookSection" and item.fields["bookTitle"] == "GeneReviews®"
    assert item.identifiers == {"pmid": "31000006"}


def test_source_and_file_agree_on_every_record() -> None:
    from senref.formats import registry
    from senref.formats.base import ImportRecord

    fmt = registry.get("pubmed-xml")
    assert fmt is not None
    from_file = [r.item for r in fmt.read(CASES) if isinstance(r, ImportRecord)]
    from_source = parse_efetch(CASES.read_bytes())
    assert len(from_source) == len(from_file) == 6
    for a, b in zip(from_source, from_file, strict=True):
        assert (a.item_type, a.fields, a.identifiers, a.creators, a.tags) == (
            b.item_type, b.fields, b.identifiers, b.creators, b.tags)
