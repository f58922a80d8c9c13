"""Zotero rich-text titles <-> LaTeX: markup, case protection only where needed, and round trips."""

from __future__ import annotations

import re

import pytest

from senref.formats.latex import escape_rich, latex_to_rich, protect_case, title_to_latex, to_unicode

WRITE = [
    # Title Case titles: the capitals say nothing, so nothing is braced but acronyms and mixed case
    ("Opportunities to Improve", "Opportunities to Improve"),
    ("Opportunities to Improve Care for DNA Repair", "Opportunities to Improve Care for {DNA} Repair"),
    # sentence case: capitalised words inside are names and keep their capital
    ("Therapy-induced senescence in Alzheimer disease and cancer in Europe",
     "Therapy-induced senescence in {Alzheimer} disease and cancer in {Europe}"),
    ("The p16INK4a and mRNA story of McDonald's R&D", "The {p16INK4a} and {mRNA} story of {McDonald's} {R\\&D}"),
    ("iPhone use and COVID-19 in the T4 cohort", "{iPhone} use and {COVID}-19 in the {T4} cohort"),
    ("Vitamin D and the T cell", "Vitamin {D} and the {T} cell"),
    ("A study of vitamin A", "A study of vitamin {A}"),
    ("DNA", "{DNA}"),
    ("ALL CAPS TITLE FROM A DATABASE", "ALL CAPS TITLE FROM A DATABASE"),
    # markup
    ("Growth of <i>Escherichia coli</i> in milk", "Growth of \\textit{{Escherichia} coli} in milk"),
    ("<b>Bold</b> and <em>em</em> and <strong>strong</strong>", "\\textbf{Bold} and \\textit{em} and \\textbf{strong}"),
    ("H<sub>2</sub>O and x<sup>2</sup>", "{H}\\textsubscript{2}{O} and x\\textsuperscript{2}"),
    ('<span style="font-variant:small-caps;">Small caps</span> here',
     "\\textsc{Small caps} here"),
    # nocase spans: braces, doubled where the writer would brace the text anyway
    ('Reviews in the <span class="nocase">Lancet</span> and Other Journals', "Reviews in the {Lancet} and Other Journals"),
    ('The <span class="nocase">Lancet</span> review of trials', "The {{Lancet}} review of trials"),  # braced anyway
    ('<span class="nocase">iPhone</span> sales', "{{iPhone}} sales"),
    ('<span class="nocase">DNA</span>', "{{{DNA}}}"),
    ('<span class="nocase"><i>Homo sapiens</i></span> genome', "{{\\textit{Homo sapiens}}} genome"),
    ('Use of <span class="nocase">van der Waals</span> forces', "Use of {van der Waals} forces"),
    # HTML that has no LaTeX home is dropped, never written raw; entities decoded
    ('A <a href="x">link</a><br/> and &amp; &lt;tag&gt; x < y', "A link and \\& {\\textless}tag{\\textgreater} x {\\textless} y"),
    ("<i>unclosed italics", "\\textit{unclosed italics}"),
    ("stray </i> close </span> tags", "stray  close  tags"),
]


@pytest.mark.parametrize(("rich", "latex"), WRITE)
def test_title_to_latex(rich: str, latex: str) -> None:
    out = title_to_latex(rich, unicode=True)
    assert out == latex
    assert not re.search(r"</?[a-z]+[ >/]", out)


@pytest.mark.parametrize(("rich", "latex"), [
    ("β-catenin ≥ 5 µm in Zürich", "{\\ensuremath{\\beta}}-catenin {\\ensuremath{\\geq}} 5 {\\textmu}m in {Z{\\\"u}rich}"),
    ("<i>Cu₂O</i> films", "\\textit{{Cu{\\ensuremath{_{2}}}O}} films"),
])
def test_title_to_latex_encodes_for_pdflatex(rich: str, latex: str) -> None:
    assert title_to_latex(rich, unicode=False) == latex


READ = [
    # BBT's import habits: initial-capital braces and braces around acronyms or the whole title are dropped
    ("Fleece: {I}mperial metabolism in the pre-{C}olumbian {A}ndes",
     "Fleece: Imperial metabolism in the pre-Columbian Andes"),
    ("Lucretius {II}: An Ethics of Motion", "Lucretius II: An Ethics of Motion"),
    ("Cuprous oxide ({Cu$_2$O}) crystal structure", "Cuprous oxide (Cu₂O) crystal structure"),
    ("{The physical volcanology of the 1600 eruption in southern Peru}",
     "The physical volcanology of the 1600 eruption in southern Peru"),
    ("{DNA} repair in {E}. coli", "DNA repair in E. coli"),
    ("Minderheiten in {Europa} und {Afrika} heute gesehen", "Minderheiten in Europa und Afrika heute gesehen"),
    # braces that protect more than the writer would: spans
    ("Reviews in {The Lancet} and Other Journals", 'Reviews in <span class="nocase">The Lancet</span> and Other Journals'),
    ("Aid to {Syrian} Refugees in {Jordan}",
     'Aid to <span class="nocase">Syrian</span> Refugees in <span class="nocase">Jordan</span>'),
    ("Forces of {van der Waals} type", 'Forces of <span class="nocase">van der Waals</span> type'),
    ("{{iPhone}} sales", '<span class="nocase">iPhone</span> sales'),
    ("\\NoCaseChange{HMS Erebus} in ice", '<span class="nocase">HMS Erebus</span> in ice'),
    # markup
    ("\\emph{Jatropha}: a magic bullet", "<i>Jatropha</i>: a magic bullet"),
    ("{\\em Homo sapiens} and {\\it E. coli} and {\\bf bold}",
     "<i>Homo sapiens</i> and <i>E. coli</i> and <b>bold</b>"),
    ("\\textsc{Small} and {\\sc caps}",
     '<span style="font-variant:small-caps;">Small</span> and <span style="font-variant:small-caps;">caps</span>'),
    ("x\\textsuperscript{2} and H\\textsubscript{2}O and $_{eff}$", "x<sup>2</sup> and H<sub>2</sub>O and <sub>eff</sub>"),
    ("Test with 100~$\\mu${J} and $\\pm$0.1\\% and mm$^2$", "Test with 100\u00a0μJ and ±0.1% and mm²"),
    ("Title\n   over   lines", "Title over lines"),
    ("{\\'E}cole and M\\\"{u}ller", "École and Müller"),
]


@pytest.mark.parametrize(("tex", "rich"), READ)
def test_latex_to_rich(tex: str, rich: str) -> None:
    assert latex_to_rich(tex) == rich


#: the WRITE inputs that are canonical rich text (no aliases like <em>, no HTML that is dropped)
ROUND_TRIP = [w[0] for w in WRITE if not re.search(r"<a |unclosed|stray|<em>", w[0])] + [
    "Senescence: <i>in vivo</i> markers of <span class=\"nocase\">p16</span> and β-galactosidase ≥ 5 µm",
    "Effects of <b><i>nested</i> markup</b> on x<sup>n+1</sup>",
    "Cu₂O films, 37 °C, 3 ‰, ±2 — “quoted” ‘single' and it's",
    '<span class="nocase">Whole title kept as is</span>',
    "École normale in Zürich: Über die Ærø-Öffnung",
    "Costs of 50 % off #1 deals & R&D {braces} a_b ~x^y \\ back",
    "Fine <span class=\"nocase\">A</span> and <span class=\"nocase\">1990</span> spans",
    "The T1 and T2 weighted MRI of the Circle of Willis",
]


@pytest.mark.parametrize("unicode", [True, False], ids=["unicode", "latex"])
@pytest.mark.parametrize("rich", ROUND_TRIP)
def test_rich_title_round_trips(rich: str, unicode: bool) -> None:
    assert latex_to_rich(title_to_latex(rich, unicode=unicode)) == rich


def _sentence_case(tex: str) -> str:
    """What a BibTeX style's change.case$ "t" leaves: the first character and braced text keep their case."""
    out, depth = [], 0
    for i, ch in enumerate(tex):
        depth += ch == "{"
        depth -= ch == "}"
        out.append(ch if depth or i == 0 or not ch.isalpha() or tex[max(0, i - 1)] == "\\" else ch.lower())
    return re.sub(r"\s+", " ", to_unicode("".join(out))).strip()


@pytest.mark.parametrize("tex", [r[0] for r in READ if not r[0].startswith("Fleece")] + [
    "Vom {Kalten} {Krieg} zum europäischen {Umbruch}. {Das} {Institut} für {Europäische} {Geschichte}",
])
def test_reading_then_writing_keeps_every_protected_capital(tex: str) -> None:
    """title_to_latex(latex_to_rich(t)) is equivalent to t: a capital a sentence-case style keeps in t, it keeps
    in the rewritten title too (which may protect more: names in a sentence-case title)."""
    before = _sentence_case(tex)
    after = _sentence_case(title_to_latex(latex_to_rich(tex), unicode=False))
    assert after.casefold() == before.casefold()
    assert all(b == a or not b.isupper() for b, a in zip(before, after, strict=True)), (before, after)


@pytest.mark.parametrize(("tex", "rich"), [
    ("{T}est {T}itle {W}ith {E}nergy and d{B}", "Test Title With Energy and dB"),
    ("{Software Framework for Topic Modelling}", "Software Framework for Topic Modelling"),
])
def test_habitual_braces_are_dropped_as_better_bibtex_does(tex: str, rich: str) -> None:
    """The readings that are not equivalent, on purpose: "{T}itle" and a brace around the whole title are
    .bib habits, not case protection anyone meant; Better BibTeX drops them too."""
    assert latex_to_rich(tex) == rich


def test_escape_rich_keeps_markup_without_protection() -> None:
    assert escape_rich("Journal of <i>DNA</i> Research") == "Journal of \\textit{DNA} Research"


@pytest.mark.parametrize(("encoded", "protected"), [
    ("Opportunities to Improve", "Opportunities to Improve"),
    ("The role of DNA in Europe and cancer", "The role of {DNA} in {Europe} and cancer"),
    ("\\textit{x} and {already} iPhone", "\\textit{x} and {already} {iPhone}"),
])
def test_protect_case_on_encoded_titles(encoded: str, protected: str) -> None:
    assert protect_case(encoded) == protected


HOSTILE = ["{" * 10_000 + "x" + "}" * 10_000, "{" * 10_000, "}" * 10_000, "{{" * 5000 + "}" * 3, "\\emph{" * 10_000,
           "{\\em " * 5000, "$" * 10_001, "\x00\x01\x1b[0m\u202e", "\ufdd0x\ufdd2\ufdd1", "{a}" * 20_000,
           "<i>" * 10_000, "</span>" * 10_000, '<span class="nocase">' * 10_000 + "x", "&#xFFFFFFF; &#0; &bogus;",
           "<i><b>x</i></b>", "{\\NoCaseChange{" * 3000]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_titles_never_raise(text: str) -> None:
    rich = latex_to_rich(text)
    assert isinstance(rich, str) and not set("\ufdd0\ufdd1\ufdd2") & set(rich)
    for unicode in (True, False):
        latex = title_to_latex(text, unicode=unicode)
        assert latex.count("{") - latex.count("\\{") == latex.count("}") - latex.count("\\}")
        assert not re.search(r"</?(i|b|span|sub|sup)\b", latex)
