"""Hostile XML is never resolved; malformed entries are reported with line numbers and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.formats import registry
from senref.formats.base import ImportProblem, ImportRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
RDF_HEAD = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:z="http://www.zotero.org/namespaces/export#" xmlns:dc="http://purl.org/dc/elements/1.1/">'

XXE = f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
{RDF_HEAD}<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType><dc:title>&secret;</dc:title></rdf:Description></rdf:RDF>
"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><Article><ArticleTitle>&lol3;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""
REMOTE_DTD = f"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">
{RDF_HEAD}<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType><dc:title>Safe</dc:title></rdf:Description></rdf:RDF>
"""


@pytest.mark.parametrize(("text", "fmt"), [(XXE, "zotero-rdf"), (LAUGHS, "pubmed-xml")])
def test_entities_are_refused_not_expanded(text: str, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    found = registry.sniff(path)
    assert found is not None and found.name == fmt
    results = list(found.read(path))
    assert not any(isinstance(r, ImportRecord) for r in results)
    problems = [r for r in results if isinstance(r, ImportProblem)]
    assert problems and "entities" in problems[0].message and problems[0].line == 2
    assert "root:" not in repr(results)


def test_remote_dtd_is_not_fetched(tmp_path: Path) -> None:
    path = tmp_path / "dtd.rdf"
    path.write_text(REMOTE_DTD, encoding="utf-8")
    fmt = registry.get("zotero-rdf")
    assert fmt is not None
    records = [r for r in fmt.read(path) if isinstance(r, ImportRecord)]
    assert [r.item.title for r in records] == ["Safe"]


def test_malformed_bibtex_entries_skipped_with_line_numbers() -> None:
    fmt = registry.sniff(FIXTURES / "malformed.bib")
    assert fmt is not None and fmt.name == "bibtex"
    results = list(fmt.read(FIXTURES / "malformed.bib"))
    items = [r.item for r in results if isinstance(r, ImportRecord)]
    problems = [(r.line, r.message) for r in results if isinstance(r, ImportProblem)]
    assert [i.title for i in items] == ["Therapy-induced senescence", "Senolytics IN practice"]
    assert items[0].fields["publicationTitle"] == "Journal of the National Cancer Institute"  # @string macro
    assert items[1].creators[0].name == "World Health Organization"  # {Corporate Name}
    assert [line for line, _ in problems] == [11, 21]
    assert "not closed" in problems[0][1] and "bad2" in problems[1][1]


@pytest.mark.parametrize(("name", "text", "line"), [
    ("json", '[\n{"itemType": "book", "title": "a"},\n{"itemType": \n]', 4),
    ("csljson", '[\n{"id": "a", "type": "book", "title": "x"},\n{"id": "b", "type": "book",,}\n]', 3),
    ("zotero-rdf", RDF_HEAD + "\n<rdf:Description>\n<dc:title>x</dc:titl>\n</rdf:RDF>", 3),
    ("ris", "TY  - JOUR\nTI  - ok\nER  - \n\nAU  - stray\n", 5),
])
def test_malformed_files_give_line_numbered_problems(name: str, text: str, line: int, tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    fmt = registry.get(name)
    assert fmt is not None
    problems = [r for r in fmt.read(path) if isinstance(r, ImportProblem)]
    assert problems and problems[0].line == line, problems


def test_latex_and_crossref_and_jabref_groups(tmp_path: Path) -> None:
    path = tmp_path / "groups.bib"
    path.write_text(r"""@preamble{"\newcommand{\noop}[1]{}"}
@comment{anything at all}
@inproceedings{child, author = {M\"{u}ller, J\"{u}rgen and van der Berg, Kristine}, title = {The {p53} $\beta$-gal assay},
  crossref = {proc}, pages = {1--9}, groups = {Radiation}, file = {Paper:paper.pdf:application/pdf}}
@proceedings{proc, title = {Senescence Conference 2020}, year = 2020, publisher = {ACM}}
@comment{jabref-meta: grouping:
0 AllEntriesGroup:;
1 StaticGroup:TIS\;0\;1\;;
2 StaticGroup:Radiation\;0\;1\;;
}
""", encoding="utf-8")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4")
    fmt = registry.sniff(path)
    assert fmt is not None
    records = [r for r in fmt.read(path) if isinstance(r, ImportRecord)]
    child = next(r for r in records if r.item.fields.get("citationKey") == "child")
    item = child.item
    assert item.item_type == "conferencePaper"
    # Case-protecting braces become Zotero's nocase span, as Better BibTeX imports them.
    assert item.title == 'The <span class="nocase">p53</span> β-gal assay'
    assert [(c.first_name, c.last_name) for c in item.creators] == [("Jürgen", "Müller"), ("Kristine", "van der Berg")]
    assert item.fields["proceedingsTitle"] == "Senescence Conference 2020" and item.fields["date"] == "2020"
    assert item.fields["pages"] == "1–9"
    assert child.collections == [("TIS", "Radiation")]
    assert item.attachments[0].title == "Paper" and item.attachments[0].content_type == "application/pdf"


# -- deep nesting: a clear per-entry problem, never a RecursionError that loses the whole file ----------------
def _bib_with_deep_entry(depth: int) -> str:
    return ("@article{before, title = {Before the deep one}, year = 2020}\n\n"
            "@article{deep,\n  title = {" + "{" * depth + "x" + "}" * depth + "},\n  year = 2021\n}\n\n"
            "@article{after, title = {After the deep one}, year = 2022}\n")


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deeply_nested_bibtex_entry_is_a_problem_and_the_rest_imports(depth: int, tmp_path: Path) -> None:
    path = tmp_path / "deep.bib"
    path.write_text(_bib_with_deep_entry(depth), encoding="utf-8")
    fmt = registry.get("bibtex")
    assert fmt is not None
    results = list(fmt.read(path))
    assert [r.item.title for r in results if isinstance(r, ImportRecord)] == ["Before the deep one",
                                                                              "After the deep one"]
    problems = [r for r in results if isinstance(r, ImportProblem)]
    assert len(problems) == 1 and problems[0].line == 4
    assert "deep" in problems[0].message and "nested" in problems[0].message
    assert str(problems[0]).startswith("line 4: ")


def test_unclosed_deep_braces_do_not_hide_the_next_entry(tmp_path: Path) -> None:
    path = tmp_path / "open.bib"
    path.write_text("@article{open, title = " + "{" * 100_000 + "\n@article{next, title = {Next}}\n",
                    encoding="utf-8")
    fmt = registry.get("bibtex")
    assert fmt is not None
    results = list(fmt.read(path))
    assert [r.item.title for r in results if isinstance(r, ImportRecord)] == ["Next"]
    assert [r.line for r in results if isinstance(r, ImportProblem)] == [1]


def test_many_blank_lines_and_comment_lines_are_harmless(tmp_path: Path) -> None:
    path = tmp_path / "blank.bib"
    path.write_text("\n" * 100_000 + "%\n" * 50_000 + "@article{a, title = {A}}\n" + "\n" * 100_000,
                    encoding="utf-8")
    fmt = registry.get("bibtex")
    assert fmt is not None
    assert [r.item.title for r in fmt.read(path) if isinstance(r, ImportRecord)] == ["A"]


@pytest.mark.parametrize("text", [
    "{" * 100_000 + "x" + "}" * 100_000,
    "\\'" * 100_000 + "e",
    "\\emph" * 100_000 + "{x}",
    "\\textbf{" * 100_000 + "x" + "}" * 100_000,
    "$" + "^{" * 100_000 + "x" + "}" * 100_000 + "$",
    "\\'{" * 100_000,
    "{" * 100_000,
], ids=["braces", "accent-chain", "markup-chain", "markup-groups", "math-superscripts", "accent-groups", "unclosed"])
def test_latex_decoding_survives_100k_deep_input(text: str) -> None:
    from senref.formats.latex import to_unicode
    from senref.formats.names import parse_names

    decoded = to_unicode(text, html=True)
    assert isinstance(decoded, str) and "\\" not in decoded and "{" not in decoded
    assert parse_names(text, "author")  # names decode their parts through the same code


def test_latex_decoding_of_ordinary_values_is_unchanged() -> None:
    from senref.formats.latex import to_unicode

    assert to_unicode(r"M\"{u}ller and \emph{in vivo} {p53} $\beta$-gal--assay", html=True) == \
        "Müller and <i>in vivo</i> p53 β-gal–assay"
    assert to_unicode(r"\textbf{\textit{{\'e}t\'{e}}}", html=True) == "<b><i>été</i></b>"


@pytest.mark.parametrize("fmt", ["csljson", "json"])
def test_deeply_nested_json_value_is_a_problem_and_what_came_before_imports(fmt: str, tmp_path: Path) -> None:
    """A 100k-deep array inside a JSON item list raised RecursionError in the stream decoder."""
    first = ('{"type": "article-journal", "title": "Before the deep one"}' if fmt == "csljson" else
             '{"key": "AAAA2222", "data": {"itemType": "journalArticle", "title": "Before the deep one"}, "meta": {}}')
    path = tmp_path / "deep.json"
    path.write_text("[" + first + ", " + "[" * 100_000 + "]" * 100_000 + "]", encoding="utf-8")
    reader = registry.get(fmt)
    assert reader is not None
    results = list(reader.read(path))
    assert [r.item.title for r in results if isinstance(r, ImportRecord)] == ["Before the deep one"]
    problems = [r for r in results if isinstance(r, ImportProblem)]
    assert len(problems) == 1 and "nested too deeply" in problems[0].message
