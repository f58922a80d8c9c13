"""Everything the LaTeX encoder writes compiles with pdflatex (T1 fonts, utf8 input), in text and in math."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from senref.formats.latex import escape, title_to_latex
from senref.formats.latex_tables import MATH_FORMS, SUBSCRIPT_BASE, SUPERSCRIPT_BASE
from tests.formats.latex_samples import composed_characters, table_characters

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (apt-get "
                                "install texlive-latex-base texlive-latex-recommended texlive-fonts-recommended)")

PREAMBLES = {
    "T1": "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n",
    "T1-lmodern": "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
                  "\\usepackage{lmodern}\n",
}
#: what pdflatex says when a character or command is not available
PROBLEMS = re.compile(r"^!.*|.*not set up for use with LaTeX.*|.*Missing character.*|.*unavailable in encoding.*"
                      r"|.*invalid in math mode.*|.*Undefined control sequence.*", re.M)


def _compile(tmp_path: Path, body: str, preamble: str) -> list[str]:
    tex = tmp_path / "sample.tex"
    tex.write_text(preamble + "\\tracinglostchars=2\n\\begin{document}\n" + body + "\n\\end{document}\n",
                   encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", tex.name], cwd=tmp_path,
                   capture_output=True, timeout=600, check=False)
    log = (tmp_path / "sample.log").read_text(encoding="latin-1")
    assert (tmp_path / "sample.pdf").exists(), log[-3000:]
    return PROBLEMS.findall(log)


@pytest.mark.parametrize("preamble", list(PREAMBLES), ids=list(PREAMBLES))
def test_every_mapped_character_compiles_in_text_and_math(tmp_path: Path, preamble: str) -> None:
    chars = table_characters() + composed_characters()
    missing: set[str] = set()
    lines = [f"U+{ord(c):04X} x{escape(c, unicode=False, missing=missing)}x\\par" for c in chars]
    math = [c for c in chars if c in MATH_FORMS or c in SUPERSCRIPT_BASE or c in SUBSCRIPT_BASE]
    lines += [f"$x{escape(c, unicode=False)}x$\\par" for c in math]
    assert not missing, f"claimed as mapped but reported: {sorted(missing)}"
    assert len(chars) > 600 and len(math) > 100  # the sample really covers the tables
    assert _compile(tmp_path, "\n".join(lines), PREAMBLES[preamble]) == []


def test_rich_titles_and_special_characters_compile(tmp_path: Path) -> None:
    titles = [
        "Opportunities to Improve DNA repair in <i>E. coli</i> and <b>β-catenin</b> ≥ 5 µm, ±2 °C, 3 ‰",
        'Cu<sub>2</sub>O and H₂O² x<sup>n</sup> <span style="font-variant:small-caps;">Small Caps</span>',
        '<span class="nocase"><i>Homo sapiens</i></span> — “quoted” ‘single’ «guillemets» „low“ 50 % #1 $5 & co_x',
        "Braces {x} and ~tilde^ and back\\slash | < > in Zürich, Kraków, Ærø, Øresund, İstanbul, Đakovo",
        "Thin\u2009space, nbsp\u00a0here, soft\u00adhyphen, zero\u200bwidth, ﬁne ﬂow, ½ ¼ ¾, № 5, ©®™ €£¥",
    ]
    body = "\n".join(title_to_latex(t, unicode=False) + "\\par" for t in titles)
    assert _compile(tmp_path, body, PREAMBLES["T1"]) == []


def test_compile_check_catches_an_unmapped_character(tmp_path: Path) -> None:
    """The check itself fails when a character really is not set up (so a green run means something)."""
    problems = _compile(tmp_path, "x\u4e2dx and \\notacommand", PREAMBLES["T1"])
    assert any("not set up" in p for p in problems) and any("Undefined control" in p for p in problems)
