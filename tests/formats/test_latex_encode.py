"""Unicode -> LaTeX encoding (escape) for pdflatex, and the report of characters with no LaTeX form."""

from __future__ import annotations

import pytest

from senref.formats.latex import escape, to_unicode, unencodable

ENCODE = [
    ("β-catenin", r"{\ensuremath{\beta}}-catenin"),
    ("Δ", r"{\ensuremath{\Delta}}"),
    ("5 µm", r"5 {\textmu}m"),  # the micro sign: upright text mu
    ("5 μm", r"5 {\ensuremath{\mu}}m"),  # the Greek letter
    ("≥ ≤ ± × → ∼", (r"{\ensuremath{\geq}} {\ensuremath{\leq}} {\ensuremath{\pm}} {\ensuremath{\times}} "
                    r"{\ensuremath{\rightarrow}} {\ensuremath{\sim}}")),
    ("37 °C, 3 ‰", r"37 {\textdegree}C, 3 {\textperthousand}"),
    ("a–b—c", "a--b---c"),
    ("“q” ‘s’", "``q'' `s'"),
    ("é è ê ë ç ñ", r"{\'e} {\`e} {\^e} {\"e} {\c{c}} {\~n}"),
    ("ő ű š ž ą ė ř", r"{\H{o}} {\H{u}} {\v{s}} {\v{z}} {\k{a}} {\.e} {\v{r}}"),
    ("ấ ǿ", r"{\'{\^a}} {\'{\o}}"),
    ("ø ł ß æ œ å þ ð đ ı", r"{\o} {\l} {\ss} {\ae} {\oe} {\aa} {\th} {\dh} {\dj} {\i}"),
    ("ﬁne ﬂow", "fine flow"),
    ("a\u00a0b a\u2009b a\u202fb", r"a~b a\,b a\,b"),
    ("soft\u00adhy zero\u200bw", r"soft\-hy zero{\hspace{0pt}}w"),
    ("H₂O x² ₁₂ ⁻¹", r"H{\ensuremath{_{2}}}O x{\ensuremath{^{2}}} {\ensuremath{_{12}}} {\ensuremath{^{-1}}}"),
    ("# $ % & _ { }", r"\# \$ \% \& \_ \{ \}"),
    ("~ ^ \\", r"{\textasciitilde} {\textasciicircum} {\textbackslash}"),
    ("< > |", r"{\textless} {\textgreater} {\textbar}"),
    ("𝜇J", r"{\ensuremath{\mu}}J"),
    ("½ № ©", r"{\textonehalf} {\textnumero} {\textcopyright}"),
    ("plain ASCII, kept.", "plain ASCII, kept."),
]


@pytest.mark.parametrize(("text", "latex"), ENCODE)
def test_escape_for_pdflatex(text: str, latex: str) -> None:
    missing: set[str] = set()
    assert escape(text, unicode=False, missing=missing) == latex
    assert not missing


#: what LaTeX cannot tell apart: ligatures and math letters are spelt out, ’ is the apostrophe, and
#: the narrow no-break space is a thin space
LOSSY = {"ﬁ": "fi", "ﬂ": "fl", "𝜇": "μ", "’": "'", "\u202f": "\u2009"}


@pytest.mark.parametrize(("text", "latex"), ENCODE)
def test_encoded_text_decodes_back(text: str, latex: str) -> None:
    back = to_unicode(escape(text, unicode=False))
    assert back == "".join(LOSSY.get(c, c) for c in text)


@pytest.mark.parametrize(("text", "latex"), [
    ("β ≥ é µ", "β ≥ é µ"),
    ("# $ % & _ { } ~ ^ \\", r"\# \$ \% \& \_ \{ \} {\textasciitilde} {\textasciicircum} {\textbackslash}"),
    ("a\x00b\x1bc\r\nd", "abc\nd"),
    ("中文 кириллица", "中文 кириллица"),
])
def test_escape_unicode_mode_escapes_only_tex_specials(text: str, latex: str) -> None:
    assert escape(text, unicode=True) == latex


@pytest.mark.parametrize(("text", "reported"), [
    ("中文", ["中", "文"]),
    ("Москва", ["М", "о", "с", "к", "в", "а"]),
    ("Vietnamese ơ ư", ["ơ", "ư"]),
    ("ħ and ≲", ["ħ", "≲"]),
    ("emoji 🙂", ["🙂"]),
    ("ctrl \x00\x07", ["\x00", "\x07"]),
    ("all fine: é β ≥", []),
])
def test_characters_without_latex_are_kept_and_reported(text: str, reported: list[str]) -> None:
    assert unencodable(text) == reported
    missing: set[str] = set()
    out = escape(text, unicode=False, missing=missing)
    assert missing == set(reported)
    for ch in reported:
        assert (ch in out) == (ch not in "\x00\x07")  # kept, except control characters nothing can read


def test_hostile_text_encodes_without_raising() -> None:
    for text in ["\udfff", "{" * 10_000, "\\" * 10_000, "\x00" * 1000, "₂" * 10_000,
                 "\u0301" * 1000, "e" + "\u0301" * 500]:
        assert isinstance(escape(text, unicode=False), str)
        assert isinstance(escape(text, unicode=True), str)
