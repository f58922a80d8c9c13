"""Fields particular to the programs that write .bib files (MathSciNet, Calibre, BibDesk, Zotero's arXiv and
JSTOR translators), and name lists: how senref reads and writes them, after Zotero and Better BibTeX."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import Creator, Item
from senref.formats.bibtex_dates import zotero_to_edtf
from senref.formats.names import format_names, parse_names
from tests.formats.test_bibtex_fields import _export, _import


def test_fjournal_is_the_journal_and_journal_its_abbreviation(tmp_path: Path) -> None:
    item = _import("@article{k, title={T}, journal={J. Abbr. Sci.}, fjournal={Journal of Abbreviated Science}}",
                   tmp_path)
    assert item.fields["publicationTitle"] == "Journal of Abbreviated Science"
    assert item.fields["journalAbbreviation"] == "J. Abbr. Sci."
    assert "fjournal" not in item.fields.get("extra", "")


def test_calibre_tags_field_gives_one_tag_each(tmp_path: Path) -> None:
    item = _import('@book{k, title={T}, tags = "Alpha, Beta Gamma, Delta"}', tmp_path)
    assert sorted(item.tag_names()) == ["Alpha", "Beta Gamma", "Delta"]


def test_bibdesk_first_link_is_the_url_only_when_there_is_none(tmp_path: Path) -> None:
    item = _import("@misc{k, title={T}, bdsk-url-1={https://example.org/a}}", tmp_path)
    assert item.fields["url"] == "https://example.org/a"
    item = _import("@misc{k, title={T}, url={https://example.org/main}, bdsk-url-1={https://example.org/a}}",
                   tmp_path)
    assert item.fields["url"] == "https://example.org/main"


@pytest.mark.parametrize("text", ["Anne Author and others", "Author, Anne and others"])
def test_and_others_stays_a_creator_and_is_written_back_unbraced(text: str) -> None:
    creators = parse_names(text, "author")
    assert [c.last_name for c in creators] == ["Author", "others"]
    assert format_names(creators, unicode=True).endswith(" and others")


@pytest.mark.parametrize(("text", "name"), [("American Rights at Work", "American Rights at Work"),
                                            ("Corporation for Digital Scholarship",
                                             "Corporation for Digital Scholarship")])
def test_organisation_joined_by_function_word_is_one_single_field_creator(text: str, name: str) -> None:
    assert parse_names(text, "author") == [Creator("author", name=name)]


def test_von_particle_still_starts_the_last_name() -> None:
    (creator,) = parse_names("Ludwig van Beethoven", "author")
    assert (creator.first_name, creator.last_name) == ("Ludwig", "van Beethoven")


def _arxiv_article(journal: str, extra: str = "") -> Item:
    item = Item(item_type="journalArticle", fields={"title": "Quantum things", "publicationTitle": journal,
                                                    "date": "2013-05-21"})
    if extra:
        item.fields["extra"] = extra
    item.creators.append(Creator("author", first_name="Ann", last_name="Smith"))
    return item


def test_arxiv_journal_of_zoteros_translator_is_a_preprint_with_its_class(tmp_path: Path) -> None:
    item = _arxiv_article("arXiv:1305.4904 [quant-ph, cs]")
    etype, fields = _export([item], "biblatex", tmp_path)
    assert etype == "unpublished"
    assert "journaltitle" not in fields
    assert (fields["eprint"], fields["eprinttype"], fields["eprintclass"]) == ("1305.4904", "arXiv", "quant-ph, cs")
    etype, fields = _export([item], "bibtex", tmp_path)
    assert (fields["eprint"], fields["archiveprefix"], fields["primaryclass"]) == ("1305.4904", "arXiv",
                                                                                    "quant-ph, cs")


def test_arxiv_line_in_extra_gives_eprint_not_note(tmp_path: Path) -> None:
    item = _arxiv_article("Science", extra="arXiv: 1401.2910 [quant-ph]\nKept line")
    etype, fields = _export([item], "biblatex", tmp_path)
    assert etype == "article"
    assert (fields["eprint"], fields["eprintclass"]) == ("1401.2910", "quant-ph")
    assert fields["note"] == "Kept line"


def test_jstor_stable_url_gives_eprint(tmp_path: Path) -> None:
    item = _arxiv_article("Cinema Journal")
    item.fields["url"] = "http://www.jstor.org/stable/1225428"
    _, fields = _export([item], "biblatex", tmp_path)
    assert (fields["eprint"], fields["eprinttype"]) == ("1225428", "jstor")


def test_preprint_archive_id_and_repository_are_eprint_and_come_back(tmp_path: Path) -> None:
    item = Item(item_type="preprint", fields={"title": "Working paper", "archiveID": "w30659",
                                              "repository": "NBER", "date": "2022"})
    _, fields = _export([item], "biblatex", tmp_path)
    assert (fields["eprint"], fields["eprinttype"]) == ("w30659", "NBER")
    text = "@online{k, title={Working paper}, date={2022}, pubstate={prepublished}, eprint={w30659}, eprinttype={NBER}}"
    back = _import(text, tmp_path)
    assert (back.fields["archiveID"], back.fields["repository"]) == ("w30659", "NBER")
    assert "eprint" not in back.fields.get("extra", "")


@pytest.mark.parametrize(("zotero", "edtf"), [("1800-01-01--1800-12-31", "1800-01-01/1800-12-31"),
                                              ("1800-01–1800-12", "1800-01/1800-12")])
def test_iso_dates_joined_by_a_dash_are_a_range(zotero: str, edtf: str) -> None:
    assert zotero_to_edtf(zotero) == edtf


def test_event_date_from_extra_is_written_as_edtf(tmp_path: Path) -> None:
    item = Item(item_type="conferencePaper", fields={"title": "T", "extra": "event-date: 1800-01-01--1800-12-31"})
    _, fields = _export([item], "biblatex", tmp_path)
    assert fields["eventdate"] == "1800-01-01/1800-12-31"
