"""Catalogue P1-P11, X1-X3: hostile or broken files given to `senref import`, run as a user runs it.

Every case: exit status and one-line messages, never a traceback; the library keeps exactly what it
had plus the entries that were readable; `senref check` stays ok.
"""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from tests.reliability.helpers import (
    assert_clean_failure,
    assert_consistent,
    count_items,
    item,
    seed_library,
    senref,
    titles,
)

RDF_HEAD = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:z="http://www.zotero.org/namespaces/export#" xmlns:dc="http://purl.org/dc/elements/1.1/">')


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """A library that already holds one item, so 'nothing lost' is observable."""
    return seed_library(tmp_path / "lib", item("Senolytics after chemotherapy"))


def run_import(lib: Path, tmp_path: Path, name: str, data: bytes) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    result = senref(lib, "import", str(path), home=tmp_path / "home")
    # Hostile input must fail fast, not grind: the worst case here is a 10 MB file.
    assert time.monotonic() - started < 20
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip(), "the user must be told what happened"
    return result.returncode, result.stderr


@pytest.mark.parametrize(("name", "data"), ids=lambda v: v if isinstance(v, str) else "", argvalues=[
    ("empty.bib", b""),
    ("empty.json", b""),
    ("empty.rdf", b""),
    ("garbage.bib", bytes(range(256)) * 64),
    ("garbage.ris", b"\x00\xff\xfe\x00" * 4096),
    ("png.json", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000),
])
def test_empty_and_binary_files_are_refused_cleanly(lib: Path, tmp_path: Path, name: str, data: bytes) -> None:
    code, err = run_import(lib, tmp_path, name, data)
    assert code != 0 and name in err
    assert count_items(lib) == 1
    assert_consistent(lib)


def test_utf16_bibtex_with_bom_is_decoded(lib: Path, tmp_path: Path) -> None:
    # Windows tools (and some JabRef versions) save UTF-16 with a BOM: decode it, keep the accents.
    text = "@article{u16, title = {Sénescence induite par la thérapie}, author = {Müller, Jörg}, year = 2021}\n"
    code, err = run_import(lib, tmp_path, "utf16.bib", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert code == 0, err
    assert "Sénescence induite par la thérapie" in titles(lib)


def test_unterminated_entry_at_eof_keeps_neighbours_and_names_the_line(lib: Path, tmp_path: Path) -> None:
    text = ("@article{a1, title = {Cellular senescence in tumours}, year = 2019}\n"
            "@article{a2, title = {p16 and p21 after radiotherapy}, year = 2020}\n"
            "@article{cut, title = {This entry never ends, year = 2021,\n  author = {Doe, J.}\n")
    code, err = run_import(lib, tmp_path, "cut.bib", text.encode())
    assert code == 1
    assert "cut.bib:3:" in err
    assert count_items(lib) == 3  # the seed plus the two whole entries, nothing merged into them
    stored = " ".join(titles(lib))
    assert "never ends" not in stored and "p16 and p21 after radiotherapy" in stored


@pytest.mark.parametrize(("name", "make"), ids=["bib", "ris", "json", "noise"], argvalues=[
    ("long-line.bib", lambda: b"@article{big, title = {" + b"a" * 10_000_000 + b"}, year = 2020}"),
    ("long-line.ris", lambda: b"TY  - JOUR\nTI  - " + b"b" * 10_000_000 + b"\nER  - \n"),
    ("long-line.json", lambda: b'[{"itemType": "book", "title": "' + b"c" * 10_000_000 + b'"}]'),
    ("noise.bib", lambda: b"x" * 10_000_000),
])
def test_ten_megabyte_single_line_is_bounded(lib: Path, tmp_path: Path, name: str, make: object) -> None:
    assert callable(make)
    run_import(lib, tmp_path, name, make())
    # Whatever is kept, no stored field may carry the 10 MB run (catalogue P6: per-field caps).
    db = (lib / "library.sqlite").stat().st_size
    assert db < 5_000_000, f"library grew to {db} bytes"
    assert_consistent(lib)


BILLION_LAUGHS_RDF = f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
{RDF_HEAD}<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType><dc:title>&h;</dc:title></rdf:Description></rdf:RDF>
"""
XXE_PUBMED = """<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&secret;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""
XXE_PARAMETER_RDF = f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
{RDF_HEAD}<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType><dc:title>t</dc:title></rdf:Description></rdf:RDF>
"""
XINCLUDE_RDF = f"""<?xml version="1.0"?>
{RDF_HEAD}<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType><dc:title><xi:include
 xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/hostname" parse="text"/>Inert</dc:title></rdf:Description></rdf:RDF>
"""
DEEP_XML = '<?xml version="1.0"?>\n<PubmedArticleSet>' + "<x>" * 100_000 + "</x>" * 100_000 + "</PubmedArticleSet>"


@pytest.mark.parametrize(("name", "text"), ids=["laughs", "xxe-pubmed", "param-entity", "depth"], argvalues=[
    ("laughs.rdf", BILLION_LAUGHS_RDF), ("xxe.xml", XXE_PUBMED), ("param.rdf", XXE_PARAMETER_RDF),
    ("deep.xml", DEEP_XML),
])
def test_hostile_xml_is_never_expanded(lib: Path, tmp_path: Path, name: str, text: str) -> None:
    code, err = run_import(lib, tmp_path, name, text.encode())
    assert code != 0 and name in err
    assert count_items(lib) == 1
    secret = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").is_file() else "\x00never"
    listing = " ".join(titles(lib))
    assert secret not in listing and "aaaaaaaaaa" not in listing


def test_xinclude_is_not_processed(lib: Path, tmp_path: Path) -> None:
    run_import(lib, tmp_path, "xi.rdf", XINCLUDE_RDF.encode())
    listing = " ".join(titles(lib))
    secret = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").is_file() else "\x00never"
    assert secret not in listing


@pytest.mark.parametrize(("name", "data"), ids=["json", "csl", "braces", "newlines"], argvalues=[
    ("deep.json", b"[" * 100_000 + b"]" * 100_000),
    ("deep-csl.json", b'[{"id": "a", "type": "book", "title": "x", "note": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]"),
    ("deep-braces.bib", b"@article{d, title = " + b"{" * 100_000 + b"x" + b"}" * 100_000 + b", year = 2020}\n"),
    ("newlines.bib", b"\n" * 200_000 + b"@article{n, title = {After many blank lines}, year = 2020}\n"),
])
def test_recursion_bombs_give_a_parse_error_not_a_crash(lib: Path, tmp_path: Path, name: str, data: bytes) -> None:
    run_import(lib, tmp_path, name, data)
    assert_consistent(lib)


def test_blank_lines_before_the_first_entry_do_not_stall_detection(lib: Path, tmp_path: Path) -> None:
    # 60 000 newlines fit in the 64 kB sniffing window; the BibTeX pattern used to rescan them per line.
    data = b"\n" * 60_000 + b"@article{n, title = {After many blank lines}, year = 2020}\n"
    started = time.monotonic()
    code, err = run_import(lib, tmp_path, "blank.bib", data)
    assert time.monotonic() - started < 5
    assert code == 0, err
    assert "After many blank lines" in titles(lib)


@pytest.mark.parametrize(("name", "text"), ids=lambda v: v if v.endswith(".json") else "", argvalues=[
    ("bigint.json", '[{"id": "i", "type": "book", "title": "Big volume", "volume": ' + "9" * 5000 + "}]"),
    ("nan.json", '[{"id": "n", "type": "book", "title": "Not a number", "volume": NaN}]'),
    ("surrogate.json", '[{"id": "s", "type": "book", "title": "Lone \\ud800 surrogate"}]'),
    ("not-a-list.json", '{"id": "x", "type": "book", "title": 17}'),
    ("wrong-types.json", '[{"id": 5, "type": ["book"], "title": {"a": 1}, "author": "Doe"}, 3, null]'),
    ("trailing.json", '[{"id": "t", "type": "book", "title": "Fine"}] garbage'),
])
def test_json_edge_cases_are_reported_or_coerced(lib: Path, tmp_path: Path, name: str, text: str) -> None:
    code, err = run_import(lib, tmp_path, name, text.encode())
    assert_consistent(lib)
    if name == "surrogate.json":
        # A lone surrogate cannot be stored as UTF-8: it becomes U+FFFD, the rest of the title survives.
        assert code == 0, err
        assert "Lone \ufffd surrogate" in titles(lib)
    else:
        assert code != 0 or count_items(lib) == 2, err


def test_nul_and_control_characters_are_stripped_before_the_database(lib: Path, tmp_path: Path) -> None:
    text = "@article{c, title = {Senescence\x00 and\x07 the\x1b[2J SASP}, year = 2020}\n"
    code, err = run_import(lib, tmp_path, "controls.bib", text.encode())
    assert code == 0, err
    assert "Senescence and the[2J SASP" in titles(lib)


def test_failure_then_unreadable_file_list_still_imports_the_good_one(lib: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.ris"
    good.write_text("TY  - JOUR\nTI  - Senescence-associated secretory phenotype\nPY  - 2018\nER  - \n")
    result = senref(lib, "import", str(tmp_path / "missing.bib"), str(good), home=tmp_path / "home")
    assert_clean_failure(result)
    assert "missing.bib" in result.stderr
    assert count_items(lib) == 2
