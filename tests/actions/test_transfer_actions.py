"""The transfer actions (add, import, export, bibliography, sync): Progress events, stops, typed reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from senref.actions.add import AddReport, add_inputs
from senref.actions.bibliography import BibliographyReport, cite
from senref.actions.export import ExportError, ExportReport, choose_format, export_items
from senref.actions.imports import UNKNOWN_FORMAT, ImportFilesReport, import_files
from senref.actions.progress import Progress, Report
from senref.actions.sync import SyncReport, add_target, new_target, open_engine, run_targets, scope_for
from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.query import ItemQuery
from senref.core.settings import Settings
from senref.demo import simple_pdf

PATTERN = "[auth][year]"
BIB = """@article{one,
  title = {Senolytics after irradiation},
  author = {Zhou, Ana},
  year = {2019}
}

@article{broken,
  title = {Unclosed

@article{two,
  title = {Doxorubicin-induced senescence},
  author = {Demaria, Marco},
  year = {2021}
}
"""


@pytest.fixture
def lib(library: Any) -> Library:
    assert isinstance(library, Library)
    return library


@pytest.fixture
def settings() -> Settings:
    return Settings(citation_key_pattern=PATTERN, download_pdfs=False)


def add_sample(lib: Library) -> list[str]:
    keys = []
    for title, family, year in (("Senolytic navitoclax clears irradiated cells", "Zhou", "2019"),
                                ("Doxorubicin-induced senescence drives relapse", "Demaria", "2021")):
        item = Item(fields={"title": title, "date": year, "publicationTitle": "Aging Cell"})
        item.creators = [Creator("author", "A.", family)]
        keys.append(lib.save_item(item).key)
    return keys


# -- export ------------------------------------------------------------------------------------
def test_export_applies_the_key_pattern_and_pins_the_keys(lib: Library, settings: Settings, tmp_path: Path) -> None:
    keys = add_sample(lib)
    events: list[Progress] = []
    report = export_items(lib, settings, ItemQuery(), tmp_path / "out.bib", progress=events.append)
    assert isinstance(report, ExportReport) and not report.failed
    assert (report.count, report.label, report.pinned) == (2, "BibTeX", 2)
    assert report.summary() == "2 items written as BibTeX to out.bib"
    text = (tmp_path / "out.bib").read_text(encoding="utf-8")
    assert "@article{Zhou2019," in text and "@article{Demaria2021," in text
    assert sorted(lib.get_item(k).fields["citationKey"] for k in keys) == ["Demaria2021", "Zhou2019"]
    assert events[0].message == "exporting 2 items as BibTeX to out.bib" and events[-1] == Progress(2, 2)
    # Pinned: a new pattern changes nothing for items already exported.
    settings.citation_key_pattern = "[auth:lower][year][title:lower]"
    again = export_items(lib, settings, ItemQuery(), tmp_path / "again.bib")
    assert again.pinned == 0 and (tmp_path / "again.bib").read_text(encoding="utf-8") == text


def test_export_stopped_writes_nothing_and_pins_nothing(lib: Library, settings: Settings, tmp_path: Path) -> None:
    keys = add_sample(lib)
    target = tmp_path / "out.bib"
    target.write_text("kept\n", encoding="utf-8")
    report = export_items(lib, settings, ItemQuery(), target, "bibtex", should_stop=lambda: True)
    assert report.cancelled and report.summary() == "cancelled; nothing written"
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert not any(lib.get_item(k).fields.get("citationKey") for k in keys)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == ["out.bib"]


def test_choose_format_says_why_not() -> None:
    assert choose_format(None, Path("a.ris")).name == "ris"
    assert choose_format(None).name == "json"
    with pytest.raises(ExportError, match=r"unknown format 'docx'; known: .*bibtex"):
        choose_format("docx")
    with pytest.raises(ExportError, match=r"cannot tell the format from 'a\.txt'"):
        choose_format(None, Path("a.txt"))
    with pytest.raises(ExportError, match="reads pubmed-xml but does not write it"):
        choose_format("pubmed-xml")


# -- import ------------------------------------------------------------------------------------
def test_import_reports_each_file_and_names_refused_ones(lib: Library, settings: Settings, tmp_path: Path) -> None:
    bib, odd, big = tmp_path / "refs.bib", tmp_path / "notes.txt", tmp_path / "big.bib"
    bib.write_text(BIB, encoding="utf-8")
    odd.write_text("no references here\n", encoding="utf-8")
    big.write_text("@article{x, title={X}}\n" + "%" * 2_000_000, encoding="utf-8")
    settings.max_import_mb = 1
    events: list[Progress] = []
    report = import_files(lib, settings, [bib, odd, big, tmp_path / "gone.bib"], collection="Imported/2024",
                          progress=events.append)
    assert isinstance(report, ImportFilesReport) and report.failed
    first, notes, large, gone = report.files
    assert (first.format_label, first.created, first.merged) == ("BibTeX", 2, 0)
    assert [line for line, _ in first.problems] == [7]
    assert notes.refused == UNKNOWN_FORMAT and gone.refused == "no such file"
    assert "over the import limit of 1 MB" in large.refused
    assert report.summary() == "2 added, 0 merged, 4 problems"
    assert report.problems[0].startswith(f"{bib}:7: ") and report.problems[1] == f"{odd}: {UNKNOWN_FORMAT}"
    assert f"{bib}: BibTeX: 2 added, 0 merged into existing items, 1 skipped" in [e.message for e in events]
    assert [e.level for e in events if e.level != "info"] == ["problem"] * 4
    assert report.lines()[0].startswith("problem at line 7: refs.bib: ")
    collection = lib.find_collection("Imported/2024")
    assert collection and sorted(lib.keys(ItemQuery(collection=collection))) == sorted(report.keys)
    # The same file again: its entries carry no identifier, so nothing is merged on a guess (issue 14);
    # each pair is offered as a likely duplicate instead.
    again = import_files(lib, settings, [bib])
    assert (again.created, again.merged) == (2, 0) and again.lines()[0].startswith("problem at line 7: ")
    from senref.actions.duplicates import list_duplicates
    assert len(list_duplicates(lib).groups) == 2


def test_import_stops_between_files(lib: Library, settings: Settings, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    report = import_files(lib, settings, [bib, bib], should_stop=lambda: True)
    assert report.cancelled and report.files == [] and lib.count() == 0


# -- add ---------------------------------------------------------------------------------------
def test_add_text_without_identifier_fails_without_asking_anyone(lib: Library, settings: Settings) -> None:
    events: list[Progress] = []
    report = add_inputs(lib, settings, ["no identifier here"], progress=events.append)
    assert isinstance(report, AddReport) and isinstance(report, Report)
    assert report.summary() == "0 added, 0 merged, 0 unchanged, 1 failed"
    assert [o.reason for o in report.failed] == ["no identifier found"]
    assert report.lines() == ["failed    no identifier here: no identifier found"]


def test_add_pdf_without_identifier_becomes_an_item_in_the_collection(lib: Library, settings: Settings,
                                                                      tmp_path: Path) -> None:
    paper = tmp_path / "scan.pdf"
    paper.write_bytes(simple_pdf(["Just some words"]))
    events: list[Progress] = []
    report = add_inputs(lib, settings, [str(paper)], collection="Scans", progress=events.append)
    [outcome] = report.outcomes
    assert (outcome.status, outcome.pdf) == ("added", "file") and not report.failed
    item = lib.get_item(outcome.key)
    assert "no DOI" in item.notes[0].html and [a.source for a in item.attachments] == ["file"]
    assert item.collections == [lib.find_collection("Scans")]
    assert events == [Progress(1, 1, outcome.line())]


def test_add_stopped_before_it_starts(lib: Library, settings: Settings) -> None:
    report = add_inputs(lib, settings, ["10.1093/jnci/djab064"], should_stop=lambda: True)
    assert report.cancelled and report.outcomes == [] and lib.count() == 0


# -- bibliography ------------------------------------------------------------------------------
def test_cite_keys_a_collection_or_nothing(lib: Library, settings: Settings) -> None:
    keys = add_sample(lib)
    report = cite(lib, settings, keys=keys[:1], style="vancouver")
    assert isinstance(report, BibliographyReport) and report.count == 1
    assert report.text.startswith("1.") and "Senolytic navitoclax" in report.text
    assert 'class="csl-entry"' in report.html
    assert cite(lib, settings, collection="Nope").problems == ["no collection named 'Nope'"]
    empty = lib.create_collection("Empty")
    assert cite(lib, settings, collection=empty).problems == ["nothing to cite"]
    assert cite(lib, settings, keys=["GONE1234", keys[1]], missing_ok=True).count == 1
    with pytest.raises(KeyError):
        cite(lib, settings, keys=["GONE1234"])


# -- sync --------------------------------------------------------------------------------------
def test_sync_engine_writes_with_the_settings_pattern(lib: Library, settings: Settings, tmp_path: Path) -> None:
    keys = add_sample(lib)
    engine = open_engine(lib, settings)
    target = add_target(engine, new_target(path=str(tmp_path / "sync.bib"), format_name="BibTeX",
                                           scope=scope_for(lib)))
    events: list[Progress] = []
    report = run_targets(engine, settings, [target], progress=events.append)
    assert isinstance(report, SyncReport) and not report.failed
    assert "@article{Zhou2019," in (tmp_path / "sync.bib").read_text(encoding="utf-8")
    assert sorted(lib.get_item(k).fields["citationKey"] for k in keys) == ["Demaria2021", "Zhou2019"]
    assert events[0].message.startswith(f"{target.id}: written: 2 items")
    with pytest.raises(ValueError, match="--recursive goes with --collection"):
        scope_for(lib, recursive=True)
    with pytest.raises(KeyError):
        scope_for(lib, collection="Nope")
