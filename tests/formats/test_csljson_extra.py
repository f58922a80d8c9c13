"""Zotero's Extra "cheater syntax" on export: CSL variables, creators and the CSL type, in CSL-JSON and .bib."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from senref.core.model import Creator, Item
from senref.formats import registry
from senref.formats.base import ExportContext
from senref.formats.csl_extra import csl_extra
from senref.formats.csljson import csl_to_item, item_to_csl

CTX = ExportContext(library_dir=Path())


def _csl(item: Item) -> dict[str, Any]:
    return item_to_csl(item, CTX)


def _bib(item: Item, dialect: str, tmp_path: Path) -> dict[str, str]:
    fmt = registry.get(dialect)
    assert fmt is not None
    out = tmp_path / f"{dialect}.bib"
    fmt.write([item], out, ExportContext(library_dir=tmp_path))
    entry = bibtexparser.parse_string(out.read_text(encoding="utf-8")).entries[0]
    return {"entrytype": entry.entry_type.lower()} | {f.key.lower(): str(f.value) for f in entry.fields}


def test_extra_lines_are_split_by_what_they_name() -> None:
    found = csl_extra("type: review-book\nOriginal Date: 1901\n{:editor: Ed Literal}\nauthor: Roe || Ann\n"
                      "container-title: Series\nNum Pages: 12\nX-genre: kept\ntex.foo: kept too\nDOI: 10.1/x")
    assert found.csl_type == "review-book"
    assert found.dates == {"original-date": "1901"}
    assert found.text == {"container-title": "Series", "number-of-pages": "12"}
    assert [(var, c.creator_type, c.name, c.last_name, c.first_name) for var, c in found.names] == [
        ("editor", "editor", "Ed Literal", "", ""), ("author", "author", "", "Roe", "Ann")]
    assert found.kept == ["X-genre: kept", "tex.foo: kept too", "DOI: 10.1/x"]


def test_csl_variables_creators_and_type_from_extra_become_csl_and_leave_note() -> None:
    item = Item(item_type="tvBroadcast", fields={
        "title": "Episode", "date": "1996", "extra": "volume: 3\nnumber: 1\nevent-date: 1996-09-16\n"
        "editor: Editrix || Emma\n{:editor: Xxx}\nmy-note: stays\ntype: motion_picture"})
    item.creators.append(Creator("director", first_name="Gail", last_name="Mancuso"))
    obj = _csl(item)
    assert obj["volume"] == "3" and obj["number"] == "1" and obj["type"] == "motion_picture"
    assert obj["event-date"] == {"date-parts": [["1996", 9, 16]]}
    assert obj["editor"] == [{"family": "Editrix", "given": "Emma"}, {"literal": "Xxx"}]
    # the primary creator of a directed work is its director (Better BibTeX #365); reads back as director
    assert obj["director"] == [{"family": "Mancuso", "given": "Gail"}] and "author" not in obj
    assert "my-note: stays" in obj["note"].splitlines()
    assert not any(line.startswith(("volume", "number", "event-date", "editor", "{:editor")) for line in
                   obj["note"].splitlines())
    back, _ = csl_to_item(obj)
    assert back.item_type == "tvBroadcast"
    assert [c.creator_type for c in back.creators if c.last_name == "Mancuso"] == ["director"]
    extra = back.fields["extra"].splitlines()
    assert {"volume: 3", "event-date: 1996-09-16", "my-note: stays", "type: motion_picture"} <= set(extra)
    assert _csl(back)["volume"] == "3"  # the round trip gives the variable back


def test_a_date_line_in_extra_wins_over_the_date_field() -> None:
    item = Item(item_type="book", fields={"title": "T", "date": "2010", "extra": "issued: 2011"})
    assert _csl(item)["issued"] == {"date-parts": [["2011"]]}
    assert "note" not in _csl(item)


@pytest.mark.parametrize("csl_type", ["review-book", "musical_score", "pamphlet", "dataset"])
def test_a_csl_type_line_sets_the_csl_type_and_survives_a_round_trip(csl_type: str) -> None:
    item = Item(item_type="bookSection", fields={"title": "T", "extra": f"type: {csl_type}"})
    obj = _csl(item)
    assert obj["type"] == csl_type
    back, _ = csl_to_item(obj)
    assert back.item_type == "bookSection"
    assert _csl(back)["type"] == csl_type


def test_reviewed_title_and_other_variables_without_a_zotero_field() -> None:
    item = Item(item_type="book", fields={"title": "T", "extra": "volume-title: Vol\npart-title: Part\n"
                                          "available-date: 1965/1993\nreviewed-title: The Book"})
    obj = _csl(item)
    assert (obj["volume-title"], obj["part-title"], obj["reviewed-title"]) == ("Vol", "Part", "The Book")
    assert obj["available-date"] == {"date-parts": [["1965"], ["1993"]]}


def test_extra_feeds_biblatex_where_it_has_a_home(tmp_path: Path) -> None:
    item = Item(item_type="videoRecording", fields={
        "title": "The One", "date": "2003", "extra": "container-title: Friends\nnumber: 1\n"
        "original-publisher: NBC\noriginal-date: 1996-09-16\neditor: Editrix || Emma\nunknown-key: kept"})
    fields = _bib(item, "biblatex", tmp_path)
    assert (fields["booktitle"], fields["number"], fields["origpublisher"]) == ("Friends", "1", "NBC")
    assert fields["origdate"] == "1996-09-16" and fields["editor"] == "Editrix, Emma"
    assert fields["note"] == "unknown-key: kept"


def test_extra_date_and_type_lines_in_bibtex(tmp_path: Path) -> None:
    item = Item(item_type="journalArticle", fields={"title": "T", "date": "2010",
                                                    "extra": "issued: 2011-03\ntype: review-book"})
    fields = _bib(item, "biblatex", tmp_path)
    assert fields["entrytype"] == "review" and fields["date"] == "2011-03"
    plain = _bib(item, "bibtex", tmp_path)
    assert plain["year"] == "2011" and plain["month"] == "mar" and "note" not in plain


def test_an_impossible_iso_date_is_kept_verbatim_in_biblatex(tmp_path: Path) -> None:
    item = Item(item_type="book", fields={"title": "T", "date": "2017-14/2017-15",
                                          "extra": "original-date: 2017-14/2017-99"})
    fields = _bib(item, "biblatex", tmp_path)
    assert fields["date"] == "2017-22/2017-23" and fields["origdate"] == "2017-14/2017-99"
