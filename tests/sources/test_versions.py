"""A preprint's published version, found through each service, linked, and made the cited item (undoably)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from senref.actions.versions import find_versions, linked_versions, undo_update, update_to_published
from senref.core.library import Library
from senref.core.merge import RELATED, item_uri
from senref.core.model import Item
from senref.core.settings import Settings
from senref.core.versions import versions_of
from senref.sources.http import HttpClient
from senref.sources.versions import VersionFinder, is_preprint

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "versions"
PREPRINT_DOI = "10.1101/2020.11.02.365213"
ARTICLE_DOI = "10.1093/jnci/djab064"


def preprint_item() -> Item:
    item = Item(item_type="preprint", fields={"title": "Therapy-induced senescence in cancer: a preprint",
                                              "date": "2020-11-03", "repository": "bioRxiv",
                                              "citationKey": "prasanna2020therapy"})
    item.set_identifier("doi", PREPRINT_DOI)
    item.set_identifier("pmid", "33173900")
    item.add_tag("to-read")
    item.add_tag("TIS/radiation-induced", 1)
    return item


def serve_preprint(httpserver: HTTPServer, *, biorxiv: str = "biorxiv_pubs_preprint.json") -> None:
    httpserver.expect_request(f"/crossref/works/{PREPRINT_DOI}").respond_with_data(
        (OWN / "crossref_works_preprint.json").read_bytes(), content_type="application/json")
    httpserver.expect_request(f"/biorxiv/pubs/biorxiv/{PREPRINT_DOI}/na/json").respond_with_data(
        (OWN / biorxiv).read_bytes(), content_type="application/json")
    httpserver.expect_request("/eutils/efetch.fcgi", query_string={"db": "pubmed", "id": "33173900", "retmode": "xml",
                                                                    "tool": "senref", "email": "lab@example.org"}
                              ).respond_with_data((OWN / "pubmed_efetch_preprint_updatein.xml").read_bytes(),
                                                  content_type="text/xml")


def test_each_source_names_the_published_version(httpserver: HTTPServer, settings: Settings,
                                                 client: HttpClient) -> None:
    serve_preprint(httpserver)
    result = VersionFinder(settings, client).find(preprint_item())
    assert result.errors == [] and sorted(result.sources) == ["biorxiv", "crossref", "pubmed"]
    [version] = result.published  # three sources, one work
    assert version.doi == ARTICLE_DOI and version.source == "crossref"
    assert version.journal == "JNCI: Journal of the National Cancer Institute" and version.pmid == "33792717"


def test_a_preprint_not_yet_published_names_nothing(httpserver: HTTPServer, settings: Settings,
                                                   client: HttpClient) -> None:
    httpserver.expect_request(f"/crossref/works/{PREPRINT_DOI}").respond_with_data(
        (OWN / "crossref_works_preprint.json").read_bytes().replace(b'"relation"', b'"unrelated"'),
        content_type="application/json")
    httpserver.expect_request(f"/biorxiv/pubs/biorxiv/{PREPRINT_DOI}/na/json").respond_with_data(
        (OWN / "biorxiv_pubs_not_published.json").read_bytes(), content_type="application/json")
    item = preprint_item()
    del item.identifiers["pmid"]
    result = VersionFinder(settings, client).find(item)
    assert result.published == [] and result.errors == [] and result.answered


def test_hal_and_arxiv_name_the_doi_of_the_published_version(httpserver: HTTPServer, settings: Settings,
                                                             client: HttpClient) -> None:
    httpserver.expect_request("/halapi/search/").respond_with_json(
        {"response": {"numFound": 1, "docs": [{"halId_s": "hal-04000001", "doiId_s": ARTICLE_DOI,
                                               "journalTitle_s": "JNCI", "docType_s": "ART"}]}})
    httpserver.expect_request("/arxiv/query").respond_with_data(
        b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"><entry>'
        b'<id>http://arxiv.org/abs/2104.00001v2</id><arxiv:doi>10.1038/s41586-021-00001-x</arxiv:doi>'
        b'<arxiv:journal_ref>Nature 590 (2021) 1-5</arxiv:journal_ref></entry></feed>',
        content_type="application/atom+xml")
    item = Item(item_type="preprint", fields={"title": "A deposit"})
    item.set_identifier("hal", "hal-04000001")
    item.set_identifier("arxiv", "2104.00001")
    result = VersionFinder(settings, client).find(item)
    assert sorted(v.doi for v in result.published) == ["10.1038/s41586-021-00001-x", ARTICLE_DOI]
    assert {v.source: v.journal for v in result.published} == {"hal": "JNCI", "arxiv": "Nature 590 (2021) 1-5"}


def test_a_service_down_is_an_error_line_and_the_others_still_answer(httpserver: HTTPServer, settings: Settings,
                                                                    client: HttpClient) -> None:
    serve_preprint(httpserver)
    httpserver.clear()  # Crossref and PubMed gone; only bioRxiv answers
    httpserver.expect_request(f"/biorxiv/pubs/biorxiv/{PREPRINT_DOI}/na/json").respond_with_data(
        (OWN / "biorxiv_pubs_preprint.json").read_bytes(), content_type="application/json")
    result = VersionFinder(settings, client).find(preprint_item())
    assert [v.doi for v in result.published] == [ARTICLE_DOI] and result.sources == ["biorxiv"]
    assert any(e.startswith("crossref:") for e in result.errors) and any(e.startswith("pubmed:") for e in result.errors)


def test_is_preprint_by_type_prefix_or_server() -> None:
    assert is_preprint(preprint_item())
    doi_only = Item(item_type="journalArticle", fields={"title": "x"})
    doi_only.set_identifier("doi", "10.21203/rs.3.rs-12345/v1")
    assert is_preprint(doi_only)
    report = Item(item_type="report", fields={"title": "x", "publisher": "medRxiv"})
    assert is_preprint(report)
    assert not is_preprint(Item(item_type="journalArticle", fields={"title": "x", "publicationTitle": "bioRxiv letters"}))


@pytest.fixture
def library_with_preprint(tmp_path: Path) -> tuple[Library, str]:
    library = Library.open(tmp_path / "lib", autotag=False)
    collection = library.create_collection("Senolytics")
    item = preprint_item()
    item.collections = [collection]
    key = library.save_item(item, tag=False).key
    library.add_note(key, "<p>Read the methods: 10 Gy, day 7.</p>")
    library.store_file(key, b"%PDF-1.4 preprint full text", filename="preprint.pdf", content_type="application/pdf")
    return library, key


def test_update_to_the_published_version_and_undo(flagship: HTTPServer, settings: Settings,
                                                  library_with_preprint: tuple[Library, str]) -> None:
    library, key = library_with_preprint
    serve_preprint(flagship)
    before = library.get_item(key)
    found = find_versions(library, settings)
    assert found.looked == 1 and found.found == {key: [
        "doi:10.1093/jnci/djab064 (JNCI: Journal of the National Cancer Institute) via crossref"]}
    assert found.linked == []  # the article is not in the library yet
    assert [v["doi"] for v in versions_of(library.get_item(key))["published"]] == [ARTICLE_DOI]

    update = update_to_published(library, settings, key)
    assert update.problems == [] and update.token
    article, preprint = library.get_item(update.article), library.get_item(key)
    assert article.identifiers["doi"].lower() == ARTICLE_DOI
    assert [n.html for n in article.notes][-1] == "<p>Read the methods: 10 Gy, day 7.</p>" and preprint.notes == []
    moved_file = next(a for a in article.attachments if a.key == before.attachments[0].key)
    path = library.attachment_path(moved_file)
    assert path is not None and path.read_bytes() == b"%PDF-1.4 preprint full text"
    assert {"to-read", "TIS/radiation-induced"} <= {t.tag for t in article.tags}
    assert article.collections == before.collections and preprint.collections == []
    assert article.fields["citationKey"] == "prasanna2020therapy" and "citationKey" not in preprint.fields
    assert item_uri(key) in article.relations[RELATED] and item_uri(article.key) in preprint.relations[RELATED]
    assert linked_versions(library)[0][2] == article.key
    again = update_to_published(library, settings, key)
    assert again.problems == [f"{key} was already updated to {article.key}"]

    undone = undo_update(library, update.token)
    assert undone.problems == []
    restored, article_after = library.get_item(key), library.get_item(update.article)
    assert [n.html for n in restored.notes] == [n.html for n in before.notes]
    assert [a.key for a in restored.attachments] == [a.key for a in before.attachments]
    assert restored.collections == before.collections and restored.fields["citationKey"] == "prasanna2020therapy"
    assert sorted(t.tag for t in restored.tags) == sorted(t.tag for t in before.tags)
    assert all(a.key != before.attachments[0].key for a in article_after.attachments)
    assert "citationKey" not in article_after.fields and article_after.collections == []
    assert undo_update(library, update.token).problems == [f"update {update.token} was undone"]
    assert library.check() == []


def test_an_article_already_in_the_library_is_linked_on_the_first_look(
        httpserver: HTTPServer, settings: Settings, library_with_preprint: tuple[Library, str]) -> None:
    library, key = library_with_preprint
    serve_preprint(httpserver)
    article = Item(fields={"title": "Therapy-induced senescence in cancer", "date": "2021"})
    article.set_identifier("doi", ARTICLE_DOI)
    article.fields["extra"] = "Original note line"
    article.fields["citationKey"] = "prasanna2021therapy"
    article_key = library.save_item(article, tag=False).key
    report = find_versions(library, settings, keys=[key])
    assert report.linked == [(key, article_key)]
    assert versions_of(library.get_item(article_key))["preprint"] == key
    update = update_to_published(library, settings, key, adder=lambda text: pytest.fail("nothing to add"))
    assert update.article == article_key
    kept = library.get_item(article_key)
    assert kept.fields["citationKey"] == "prasanna2020therapy"
    assert kept.fields["extra"].splitlines() == ["Original note line", "tex.ids: prasanna2021therapy"]
    undo_update(library, update.token)
    back = library.get_item(article_key)
    assert back.fields["citationKey"] == "prasanna2021therapy" and back.fields["extra"] == "Original note line"
    # The link was found before the update: undoing the update keeps it.
    assert item_uri(key) in back.relations[RELATED]


def test_a_biorxiv_doi_is_added_with_its_latest_version_and_published_article(
        httpserver: HTTPServer, settings: Settings, tmp_path: Path) -> None:
    httpserver.expect_request(f"/doi/ra/{PREPRINT_DOI}").respond_with_json([{"DOI": PREPRINT_DOI, "RA": "Crossref"}])
    httpserver.expect_request(f"/crossref/works/{PREPRINT_DOI}").respond_with_data(
        (OWN / "crossref_works_preprint.json").read_bytes(), content_type="application/json")
    httpserver.expect_request(f"/biorxiv/details/biorxiv/{PREPRINT_DOI}/na/json").respond_with_data(
        (OWN / "biorxiv_details_preprint.json").read_bytes(), content_type="application/json")
    from senref.actions.add import add_inputs

    library = Library.open(tmp_path / "lib", autotag=False)
    [outcome] = add_inputs(library, settings, [PREPRINT_DOI], pdf=False).outcomes
    assert outcome.status == "added", outcome.reason
    item = library.get_item(outcome.key)
    assert item.item_type == "preprint" and item.fields["repository"] == "bioRxiv"
    assert item.fields["archiveID"] == f"bioRxiv:{PREPRINT_DOI}v2"  # the latest version
    assert [v["doi"] for v in versions_of(item)["published"]] == [ARTICLE_DOI]
    assert "cancer biology" in {t.tag for t in item.tags}
