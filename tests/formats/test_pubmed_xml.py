"""PubMed efetch XML files (format `pubmed-xml`) read as Zotero's "PubMed XML" translator reads them.

The records are our own, in PubMed's real format (`tests/fixtures/formats/pubmed_cases.xml`); each one
carries the cases the file format and the PubMed source share.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import AUTOMATIC, Item
from senref.formats import registry
from senref.formats.base import ImportProblem, ImportRecord
from senref.sources.pubmed import expand_pages, journal_title

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "pubmed_cases.xml"


@pytest.fixture(scope="module")
def items() -> dict[str, Item]:
    fmt = registry.get("pubmed-xml")
    assert fmt is not None and fmt.sniff(CASES.read_text(encoding="utf-8")[:4096])
    records = list(fmt.read(CASES))
    assert all(isinstance(r, ImportRecord) for r in records), records
    return {r.item.identifiers["pmid"]: r.item for r in records if isinstance(r, ImportRecord)}


@pytest.mark.parametrize(("given", "expected"), [
    ("132-42", "132-142"), ("1285-98", "1285-1298"), ("5-12", "5-12"), ("e332-e340", "e332-e340"),
    ("e332-40", "e332-e340"), ("S12-5", "S12-S15"), ("xii-xiv", "xii-xiv"), ("iii-ix", "iii-ix"),
    ("1285-98; discussion 1299-301", "1285-1298; discussion 1299-1301"), ("A12-B3", "A12-B3"), ("57", "57"),
])
def test_abbreviated_end_pages_are_expanded(given: str, expected: str) -> None:
    assert expand_pages(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("Nature chemical biology", "Nature Chemical Biology"), ("PloS one", "PloS One"),
    ("Journal of the National Cancer Institute", "Journal of the National Cancer Institute"),
    ("bioRxiv : the preprint server for biology", "bioRxiv : The Preprint Server for Biology"),
    ("JAMA", "JAMA"), ("BMJ open", "BMJ open"),
])
def test_journal_titles_are_title_cased_like_zotero(given: str, expected: str) -> None:
    assert journal_title(given) == expected


def test_article_pages_names_keywords_abstract_and_ids(items: dict[str, Item]) -> None:
    item = items["31000001"]
    assert item.item_type == "journalArticle"
    assert item.title == "Senolytic screening of kinase inhibitors in primary fibroblasts"
    assert item.fields["pages"] == "132-142"
    assert item.fields["publicationTitle"] == "Nature Chemical Biology"
    assert item.fields["journalAbbreviation"] == "Nat Chem Biol"
    assert (item.fields["ISSN"], item.fields["volume"], item.fields["issue"]) == ("1552-4469", "15", "3")
    assert item.fields["date"] == "2019-03" and item.fields["language"] == "eng"
    assert [(c.first_name, c.last_name) for c in item.creators] == [
        ("Amara C.", "Okafor"), ("Jonas, Jr", "Berg"), ("Y.", "Tanaka")]
    assert item.fields["abstractNote"] == ("BACKGROUND: Senescent fibroblasts resist apoptosis.\n\n"
                                           "METHODS: We screened 430 kinase inhibitors.\n\n"
                                           "Two compounds cleared senescent cells.")
    assert item.fields["rights"] == "© 2019 The Authors."
    assert [(t.tag, t.type) for t in item.tags] == [
        ("Cellular Senescence", AUTOMATIC), ("Fibroblasts", AUTOMATIC), ("senolytics", AUTOMATIC),
        ("kinase inhibitors", AUTOMATIC)]
    # The DOI is only in ELocationID here; the PMC id comes from ArticleIdList.
    assert item.identifiers["doi"].lower() == "10.1038/s41589-019-0001-x"
    assert item.identifiers["pmcid"] == "PMC6400001"


def test_vernacular_title_pii_pages_medline_date_and_collective_author(items: dict[str, Item]) -> None:
    item = items["31000002"]
    assert item.title == "Sénescence cellulaire et vieillissement cutané"
    assert item.fields["pages"] == "e0123456"  # ELocationID pii stands in for the missing pages
    assert item.fields["date"] == "2010 Sep-Oct"  # MedlineDate kept as given, not reduced to the year
    assert item.creators[0].name == "Ageing Skin Study Group" and not item.creators[0].last_name
    assert item.creators[1].first_name == "Chloé"
    # The article's DOI, not the one of the work it cites.
    assert item.identifiers["doi"] == "10.1371/journal.pone.0123456"
    assert not item.tags


def test_translated_title_brackets_season_and_hyphenated_initials(items: dict[str, Item]) -> None:
    item = items["31000003"]
    assert item.title == "Therapy-induced senescence in radiotherapy"  # ArticleTitle wins over VernacularTitle
    assert item.fields["pages"] == "1285-1298; discussion 1299-1301"
    assert item.fields["date"] == "Spring 2021"
    assert item.creators[0].first_name == "Tomás J.-P."


def test_preprint_becomes_a_preprint_item(items: dict[str, Item]) -> None:
    item = items["31000004"]
    assert item.item_type == "preprint"
    assert item.fields["repository"] == "bioRxiv : The Preprint Server for Biology"
    assert item.fields["archiveID"] == "2024.01.08.574001"
    assert item.fields["date"] == "2024-01-09"
    assert item.identifiers["doi"] == "10.1101/2024.01.08.574001" and item.identifiers["pmcid"] == "PMC10800004"
    assert "publicationTitle" not in item.fields and "pages" not in item.fields
    assert "ISSN: 2692-8205" in item.fields["extra"].splitlines()  # a preprint has no ISSN field


def test_bookshelf_book_with_editors_publisher_place_isbn(items: dict[str, Item]) -> None:
    item = items["31000005"]
    assert item.item_type == "book"
    assert item.title == "Methods in Senescence Research"
    assert (item.fields["publisher"], item.fields["place"]) == (
        "National Center for Biotechnology Information (US)", "Bethesda (MD)")
    assert (item.fields["edition"], item.fields["series"], item.fields["date"]) == ("2nd", "NCBI Methods Series", "2020")
    assert item.identifiers["isbn"] == "9780128159620"
    assert [(c.creator_type, c.last_name) for c in item.creators] == [("editor", "Solberg")]
    assert item.fields["callNumber"] == "NBK500005"
    assert item.fields["url"] == "https://www.ncbi.nlm.nih.gov/books/NBK500005/"
    assert item.fields["rights"].startswith("Copyright ©")


def test_bookshelf_chapter_is_a_book_section(items: dict[str, Item]) -> None:
    item = items["31000006"]
    assert item.item_type == "bookSection"
    assert item.title == "Werner Syndrome" and item.fields["bookTitle"] == "GeneReviews®"
    assert [(c.creator_type, c.first_name, c.last_name) for c in item.creators] == [
        ("author", "Olga", "Ivanova"), ("editor", "Sean A.", "Murphy")]
    assert item.fields["abstractNote"].startswith("CLINICAL CHARACTERISTICS: Premature ageing")


def test_a_file_of_only_book_articles_is_read(tmp_path: Path) -> None:
    text = CASES.read_text(encoding="utf-8")
    start, end = text.index("<PubmedBookArticle>"), text.rindex("</PubmedBookArticle>") + len("</PubmedBookArticle>")
    path = tmp_path / "books.xml"
    path.write_text(f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{text[start:end]}\n</PubmedArticleSet>\n',
                    encoding="utf-8")
    fmt = registry.get("pubmed-xml")
    assert fmt is not None and registry.sniff(path) is fmt
    records = list(fmt.read(path))
    assert [r.item.item_type for r in records if isinstance(r, ImportRecord)] == ["book", "bookSection"]


def test_empty_set_is_a_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text('<?xml version="1.0"?>\n<PubmedArticleSet></PubmedArticleSet>\n', encoding="utf-8")
    fmt = registry.get("pubmed-xml")
    assert fmt is not None
    [problem] = list(fmt.read(path))
    assert isinstance(problem, ImportProblem) and "PubmedBookArticle" in problem.message
