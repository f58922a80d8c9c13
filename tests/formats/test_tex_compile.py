"""A document citing the whole demo library compiles with pdflatex + biber and with pdflatex + bibtex, warning-free.

The exports are LaTeX-encoded by default, so pdflatex needs no Unicode set-up; a warning in the LaTeX log or
in biber's/BibTeX's log fails the test. Skipped where the TeX tools are not installed (Debian packages:
texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber texlive-fonts-recommended lmodern).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from senref.core.model import Creator, Item, Note
from senref.demo import demo_data
from senref.formats import registry
from senref.formats.base import ExportContext

TIMEOUT = 180


def _tools(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install texlive-latex-base "
                    "texlive-latex-recommended texlive-bibtex-extra biber texlive-fonts-recommended lmodern)")


def _items() -> list[Item]:
    items = [Item.from_json(record) for record in demo_data()["items"]]
    # Beside the demo's journal articles: symbols, a chapter with its book title in the base field, a range.
    extra = Item(item_type="bookSection", fields={
        "title": "β-galactosidase and µ-opioid <i>in vivo</i>: ≤ 5 % of H<sub>2</sub>O", "publicationTitle":
        "Methods in Senescence", "date": "2010 Sep-Oct", "pages": "31–40", "publisher": "Humana & Sons",
        "place": "New York", "language": "en-US"},
        creators=[Creator("author", "Kristine", "van der Berg"), Creator("editor", "Lorenzo", "Galluzzi")],
        notes=[Note(html="<p>Read for the <b>staining</b> protocol.</p>")])
    return [*items, extra]


def _export(dialect: str, folder: Path) -> list[str]:
    fmt = registry.get(dialect)
    assert fmt is not None
    items = _items()
    fmt.write(items, folder / "refs.bib", ExportContext(library_dir=folder))
    return [i.fields["citationKey"] for i in items]


def _run(args: list[str], folder: Path) -> None:
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"


def _warnings(text: str) -> list[str]:
    found = re.compile(r"Warning[:-]|\bWARN\b|\bERROR\b|undefined (citation|reference|control sequence)|"
                       r"There were undefined|not set up for use with LaTeX|Missing character")
    return [line for line in text.splitlines() if found.search(line)]


def _document(keys: list[str], preamble: str, back: str) -> str:
    return ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n" + preamble
            + "\\begin{document}\nCited: \\cite{" + ",".join(keys) + "}.\n" + back + "\\end{document}\n")


def test_biblatex_export_compiles_with_pdflatex_and_biber(tmp_path: Path) -> None:
    _tools("pdflatex", "biber")
    keys = _export("biblatex", tmp_path)
    (tmp_path / "doc.tex").write_text(_document(
        keys, "\\usepackage[backend=biber]{biblatex}\n"
              "\\addbibresource{refs.bib}\n", "\\printbibliography\n"), encoding="utf-8")
    for step in (["pdflatex", "-interaction=nonstopmode", "doc"], ["biber", "doc"],
                 ["pdflatex", "-interaction=nonstopmode", "doc"], ["pdflatex", "-interaction=nonstopmode", "doc"]):
        _run(step, tmp_path)
    assert (tmp_path / "doc.pdf").is_file()
    assert _warnings((tmp_path / "doc.blg").read_text(encoding="utf-8")) == []
    assert _warnings((tmp_path / "doc.log").read_text(encoding="latin-1")) == []


def test_bibtex_export_compiles_with_pdflatex_and_bibtex(tmp_path: Path) -> None:
    _tools("pdflatex", "bibtex")
    keys = _export("bibtex", tmp_path)
    (tmp_path / "doc.tex").write_text(_document(keys, "", "\\bibliographystyle{unsrt}\n\\bibliography{refs}\n"),
                                      encoding="utf-8")
    for step in (["pdflatex", "-interaction=nonstopmode", "doc"], ["bibtex", "doc"],
                 ["pdflatex", "-interaction=nonstopmode", "doc"], ["pdflatex", "-interaction=nonstopmode", "doc"]):
        _run(step, tmp_path)
    assert (tmp_path / "doc.pdf").is_file()
    assert _warnings((tmp_path / "doc.blg").read_text(encoding="utf-8")) == []
    assert _warnings((tmp_path / "doc.log").read_text(encoding="latin-1")) == []
