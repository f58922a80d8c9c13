"""BibTeX/BibLaTeX details measured against Better BibTeX: types, base fields, dates, languages, encoding, Extra."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from senref.core.model import Creator, Item, Note
from senref.formats import registry
from senref.formats.base import ExportContext, ImportRecord
from senref.formats.bibtex_lang import babel_name, zotero_language
from senref.formats.latex import to_unicode


def _export(items: list[Item], dialect: str, tmp_path: Path, unicode: bool = False) -> tuple[str, dict[str, str]]:
    fmt = registry.get(dialect)
    assert fmt is not None
    out = tmp_path / f"{dialect}.bib"
    fmt.write(items, out, ExportContext(library_dir=tmp_path, options={"bibtex_unicode": "true" if unicode else ""}))
    text = out.read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    entry = library.entries[0]
    return entry.entry_type.lower(), {f.key.lower(): str(f.value) for f in entry.fields}


def _import(text: str, tmp_path: Path) -> Item:
    path = tmp_path / "in.bib"
    path.write_text(text, encoding="utf-8")
    fmt = registry.sniff(path)
    assert fmt is not None
    items = [r.item for r in fmt.read(path) if isinstance(r, ImportRecord)]
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
@pytest.mark.parametrize(("item_type", "field"), [("conferencePaper", "publicationTitle"),
                                                  ("conferencePaper", "proceedingsTitle"),
                                                  ("bookSection", "publicationTitle"), ("bookSection", "bookTitle")])
def test_container_title_in_base_or_type_field_exports_booktitle(item_type: str, field: str, dialect: str,
                                                                  tmp_path: Path) -> None:
    # Better BibTeX JSON puts the container in the base field; senref's own items in the type's field.
    item = Item.from_json({"itemType": item_type, "title": "A paper", field: "Proceedings of Things", "itemID": 7,
                           "extra": "itemID: 7"})
    _entry_type, fields = _export([item], dialect, tmp_path)
    assert fields["booktitle"] == "Proceedings of Things"
    assert "itemID" not in fields.get("note", "")
    direct = Item(item_type=item_type, fields={"title": "A paper", "publicationTitle": "Proceedings of Things"})
    assert _export([direct], dialect, tmp_path)[1]["booktitle"] == "Proceedings of Things"


@pytest.mark.parametrize(("zotero", "date", "year", "month"), [
    ("03 2018", "2018-03", "2018", "mar"), ("05 01, 2018", "2018-05-01", "2018", "may"),
    ("2010 Sep-Oct", "2010-09/2010-10", "2010", "sep"), ("1984/1986", "1984/1986", "1984", None),
    ("1984-1986", "1984/1986", "1984", None), ("December 3-5, 1986", "1986-12-03/1986-12-05", "1986", "dec"),
    ("circa 1900", "1900~", "1900", None), ("2004?", "2004?", "2004", None), ("Spring 2020", "2020-21", "2020", None),
    ("2021-03-05", "2021-03-05", "2021", "mar"),
])
def test_dates_export_as_edtf_and_year_month(zotero: str, date: str, year: str, month: str | None,
                                             tmp_path: Path) -> None:
    item = Item(item_type="journalArticle", fields={"title": "T", "date": zotero})
    assert _export([item], "biblatex", tmp_path)[1]["date"] == date
    fields = _export([item], "bibtex", tmp_path)[1]
    assert fields["year"] == year and fields.get("month") == month


@pytest.mark.parametrize(("bib", "zotero"), [
    ("date = {1984/1986}", "1984/1986"), ("date = {2010-09/2010-10}", "2010-09/2010-10"),
    ("date = {1723?~}", "1723?~"), ("year = 2018, month = mar", "2018-03"), ("year = {2018}, month = {3}", "2018-03"),
    ("year = 1999, month = dec, day = 24", "1999-12-24"),
])
def test_dates_import_as_zotero_reads_them_back(bib: str, zotero: str, tmp_path: Path) -> None:
    item = _import(f"@article{{k, title = {{T}}, {bib}}}\n", tmp_path)
    assert item.fields["date"] == zotero


@pytest.mark.parametrize(("language", "babel", "back"), [
    ("en-US", "american", "en-US"), ("fr-FR", "french", "fr-FR"), ("French", "french", "fr-FR"),
    ("de-DE", "ngerman", "de-DE"), ("en-GB", "british", "en-GB"), ("pt-BR", "brazilian", "pt-BR"),
    ("ara", "arabic", "ar"), ("Klingon", "Klingon", "Klingon"),
])
def test_language_is_a_babel_name_in_langid(language: str, babel: str, back: str, tmp_path: Path) -> None:
    assert babel_name(language) == babel and zotero_language(babel) == back
    item = Item(item_type="book", fields={"title": "T", "language": language})
    assert _export([item], "biblatex", tmp_path)[1]["langid"] == babel
    assert _import(f"@book{{k, title = {{T}}, langid = {{{babel}}}}}\n", tmp_path).fields["language"] == back


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_symbols_are_latex_encoded_by_default_and_kept_with_unicode(dialect: str, tmp_path: Path) -> None:
    item = Item(item_type="journalArticle", fields={"title": "β-cells and µ-opioid ≤ 5 in Zürich",
                                                     "publicationTitle": "Acta Ωmega"},
                creators=[Creator("author", "Jürgen", "Müller")])
    _type, fields = _export([item], dialect, tmp_path)
    assert all(v.isascii() for v in fields.values()), fields
    assert "\\beta" in fields["title"] and "\\\"u" in fields["author"]
    _type, fields = _export([item], dialect, tmp_path, unicode=True)
    assert "β" in fields["title"] and "Müller" in fields["author"]


@pytest.mark.parametrize(("item_type", "extra", "entry_type", "subtype"), [
    ("magazineArticle", {}, "article", "magazine"), ("newspaperArticle", {}, "article", "newspaper"),
    ("film", {}, "video", "film"), ("tvBroadcast", {}, "video", "tvbroadcast"), ("case", {}, "jurisdiction", None),
    ("statute", {}, "legislation", None), ("bill", {}, "legislation", "bill"), ("standard", {}, "standard", None),
    ("computerProgram", {}, "software", None), ("dataset", {}, "dataset", None), ("artwork", {}, "artwork", None),
    ("audioRecording", {}, "audio", None), ("podcast", {}, "audio", "podcast"), ("email", {}, "letter", "email"),
    ("book", {"numberOfVolumes": "3"}, "mvbook", None), ("report", {"reportType": "User manual"}, "manual", None),
    ("preprint", {}, "online", None), ("webpage", {}, "online", None),
])
def test_biblatex_entry_types_after_better_bibtex(item_type: str, extra: dict[str, str], entry_type: str,
                                                  subtype: str | None, tmp_path: Path) -> None:
    item = Item(item_type=item_type, fields={"title": "T", **extra})
    got_type, fields = _export([item], "biblatex", tmp_path)
    assert (got_type, fields.get("entrysubtype")) == (entry_type, subtype)
    back = _import((tmp_path / "biblatex.bib").read_text(encoding="utf-8"), tmp_path)
    assert back.item_type == item_type


def test_book_section_with_book_author_is_inbook(tmp_path: Path) -> None:
    item = Item(item_type="bookSection", fields={"title": "Ch", "bookTitle": "Whole"},
                creators=[Creator("author", "A", "Part"), Creator("bookAuthor", "B", "Whole")])
    entry_type, fields = _export([item], "biblatex", tmp_path)
    assert entry_type == "inbook" and fields["bookauthor"] == "Whole, B"


def test_unknown_entry_type_is_kept_for_the_way_back(tmp_path: Path) -> None:
    item = _import("@collection{k, title = {Essays}, editor = {Doe, Jane}, date = {2001}}\n", tmp_path)
    assert item.item_type == "book" and "tex.entrytype: collection" in item.fields["extra"]
    assert _export([item], "biblatex", tmp_path)[0] == "collection"


def test_annotation_is_text_and_comes_back_as_the_same_note(tmp_path: Path) -> None:
    note = "<p>Read for the <b>staining</b> protocol &amp; controls.</p><p>Second paragraph.</p>"
    item = Item(item_type="book", fields={"title": "T"}, notes=[Note(html=note)])
    _type, fields = _export([item], "biblatex", tmp_path)
    assert "<" not in fields["annotation"] and "\\textbf{staining}" in fields["annotation"]
    back = _import((tmp_path / "biblatex.bib").read_text(encoding="utf-8"), tmp_path)
    assert [n.html for n in back.notes] == [note]


def test_extra_lines_naming_zotero_fields_are_applied_and_tex_lines_written_back(tmp_path: Path) -> None:
    item = _import("@inproceedings{k, title = {T}, note = {publicationTitle: Proc. of X\nSeries Number: 7\n"
                   "Original Date: 1901\nkept line}, eventdate = {2001-05-01/2001-05-03}, venue = {Oslo}}\n", tmp_path)
    assert item.fields["proceedingsTitle"] == "Proc. of X" and item.fields["eventPlace"] == "Oslo"
    assert item.fields["seriesNumber"] == "7"  # a Zotero field's label, for a field of the type
    # A paper has no original date: that line stays in Extra, as Zotero keeps it.
    assert item.fields["extra"].splitlines() == ["Original Date: 1901", "kept line",
                                                 "tex.eventdate: 2001-05-01/2001-05-03"]
    _type, fields = _export([item], "biblatex", tmp_path)
    # ... and, as Better BibTeX writes it, biblatex's origdate, so the line is not repeated in `note`
    assert fields["eventdate"] == "2001-05-01/2001-05-03" and fields["note"] == "kept line"
    assert fields["origdate"] == "1901"
    assert to_unicode(fields["booktitle"]) == "Proc. of X" and fields["venue"] == "Oslo"


@pytest.mark.parametrize("space", ["", " ", "\n  "])
def test_href_with_space_between_arguments_keeps_url_and_text_apart(space: str, tmp_path: Path) -> None:
    item = _import(f"@misc{{k, title = {{T}}, howpublished = {{\\href{{https://x.org/a_b}}{space}{{the site}}}},\n"
                   f"  url = {{https://x.org/a_b}}}}\n", tmp_path)
    assert item.fields["url"] == "https://x.org/a_b"
    assert "tex.howpublished: the site" in item.fields.get("extra", "").splitlines()


def test_export_action_offers_unicode(library: object, tmp_path: Path) -> None:
    from senref.actions.export import export_items
    from senref.core.library import Library
    from senref.core.query import ItemQuery
    from senref.core.settings import Settings

    assert isinstance(library, Library)
    library.save_item(Item(item_type="book", fields={"title": "Über β"}), tag=False)
    out = tmp_path / "out.bib"
    export_items(library, Settings(), ItemQuery(), out, "biblatex")
    assert "Über" not in out.read_text(encoding="utf-8")
    export_items(library, Settings(), ItemQuery(), out, "biblatex", unicode=True)
    assert "Über β" in out.read_text(encoding="utf-8")
