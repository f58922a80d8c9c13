"""LaTeX -> Unicode decoding (to_unicode) for every BibTeX field, including hostile values."""

from __future__ import annotations

import pytest

from senref.formats.latex import to_unicode, to_unicode_verbatim
from senref.formats.names import parse_names

DECODE = [
    (r"\href{https://example.org/a_b} {the text}", "the text"),
    ("\\href{https://example.org}\n  {spaced}", "spaced"),
    (r"see \url{https://example.org/a--b_c}", "see https://example.org/a--b_c"),
    (r"R\&D and 50\% \#1 \$5 a\_b \{x\}", "R&D and 50% #1 $5 a_b {x}"),
    ("1990--2000 a---b", "1990–2000 a—b"),
    (r"a\textendash b\textemdash c", "a–b—c"),
    (r'{\"o} \"{o} \"o \"{\i}', "ö ö ö ï"),
    (r"\c{c}\c c \v{s}\v s \H{o} \k{e} \r{a} \u{a} \d{a} \={a} \.{z}", "çç šš ő ę å ă ạ ā ż"),
    (r"\ss{} \o{} \O{} \aa{} \AA{} \ae{} \AE{} \oe{} \l{} \L{} \i{} \j", "ß ø Ø å Å æ Æ œ ł Ł ı ȷ"),
    (r"\O \aa", "Øå"),  # a control word eats the space after it, as in TeX
    (r"\'\i{} \'{\i} \`{\i} {\^\i}", "í í ì î"),
    (r"$\alpha$ $\beta$-gal $\Delta$ $\mu$m", "α β-gal Δ μm"),
    (r"\textbeta\ and \textmu m and \textalpha", "β and µm and α"),
    (r"$\pm$ $\geq$ $\leq$ $\times$ $\rightarrow$ $\sim$ $\infty$", "± ≥ ≤ × → ∼ ∞"),
    (r"\textdegree{}C, \textdegree C, \textperthousand, \texttimes, \textpm", "°C, °C, ‰, ×, ±"),
    (r"H$_2$O, mm$^2$, x$^{10}$, $_{12}$", "H₂O, mm², x¹⁰, ₁₂"),
    (r"\ensuremath{\beta} and \ensuremath{_{2}}", "β and ₂"),
    (r"\textsuperscript{2} \textsubscript{12}", "² ₁₂"),
    (r"\emph{in vivo} \textbf{bold} {\em em} {\it it} \textsc{sc}", "in vivo bold em it sc"),
    ("a~b", "a\u00a0b"),
    (r"a\,b a\;b a\:b a\quad b a\enskip b", "a\u2009b a\u2004b a\u205fb a\u2003b a\u2002b"),
    (r"soft\-hyphen zero\hspace{0pt}width", "soft\u00adhyphen zero\u200bwidth"),
    ("``quoted'' and `single'", "“quoted” and ‘single'"),
    (r"\enquote{q} \mkbibquote{m}", "“q” “m”"),
    (r"\guillemotleft x\guillemotright{} \quotedblbase", "«x» „"),
    (r"\unknowncommand{kept} \relax x", "kept x"),
    (r"{\relax Ko}ch", "Koch"),
    (r"\noopsort{a}Zed", "Zed"),
    (r"{The {DNA} of {\'E}cole}", "The DNA of École"),
    (r"Ragnhei{\d}ur and {\'}", "Ragnhei\u0323ur and \u00b4"),  # an accent over nothing prints by itself
    (r"a\~{}b, path \~{}user", "a~b, path ~user"),  # ...never on the letter before it
]


@pytest.mark.parametrize(("tex", "text"), DECODE)
def test_to_unicode(tex: str, text: str) -> None:
    assert to_unicode(tex) == text


HTML = [
    (r"\emph{in vivo}", "<i>in vivo</i>"),
    (r"\textit{a} \textsl{b} \mkbibemph{c}", "<i>a</i> <i>b</i> <i>c</i>"),
    (r"{\em em} and {\it it} and {\bf bf}", "<i>em</i> and <i>it</i> and <b>bf</b>"),
    (r"\textbf{\textit{{\'e}t\'{e}}}", "<b><i>été</i></b>"),
    (r"\textsubscript{2} \textsuperscript{n}", "<sub>2</sub> <sup>n</sup>"),
    (r"$_{eff}$ $^{abc}$ $_{max}$", "<sub>eff</sub> <sup>abc</sup> ₘₐₓ"),
    (r"\textsc{Small}", '<span style="font-variant:small-caps;">Small</span>'),
    (r"{\sc small}", '<span style="font-variant:small-caps;">small</span>'),
    (r"{DNA} repair", "DNA repair"),
]


@pytest.mark.parametrize(("tex", "html"), HTML)
def test_to_unicode_html_keeps_markup(tex: str, html: str) -> None:
    assert to_unicode(tex, html=True) == html


@pytest.mark.parametrize(("tex", "text"), [
    (r"https://x.org/a\_b\%20", "https://x.org/a_b%20"),
    ("10.1000/a--b", "10.1000/a--b"),
    (r"a\&b{}", "a&b"),
])
def test_verbatim_undoes_only_escapes(tex: str, text: str) -> None:
    assert to_unicode_verbatim(tex) == text


HOSTILE = [
    "{" * 10_000 + "x" + "}" * 10_000,
    "{" * 10_000,
    "}" * 10_000,
    "\\textbf{" * 10_000,
    "$" * 10_001,
    "$^{" * 5_000,
    "\\href{" * 5_000,
    "\\url{" * 5_000 + "x",
    "\\ensuremath{" * 5_000,
    "{\\em " * 5_000,
    "\\",
    "\\'",
    "\\href",
    "{\\",
    "a}b{c",
    "\x00\x01\x1b[31m\x7f\u202e\ufdd0\ufdd1\ufdd2",
    "\\" + "x" * 100_000,
    "~" * 50_000 + "--" * 50_000,
]


@pytest.mark.parametrize("tex", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_decode_without_raising(tex: str) -> None:
    plain = to_unicode(tex)
    html = to_unicode(tex, html=True)
    assert isinstance(plain, str) and isinstance(html, str)
    assert len(plain) <= len(tex) + 2 and len(html) <= 2 * len(tex) + 64
    assert parse_names(tex, "author") is not None
