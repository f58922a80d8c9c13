"""Formatted bibliographies in APA, Vancouver and Nature, plain and HTML, and `senref cite`."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.formats.cite import format_bibliography

from .conftest import sample_items


@pytest.mark.parametrize(("style", "expected"), [
    ("apa", "Prasanna, P. G., Citrin, D. E., Müller, J., & TIS Consortium (2021). Therapy-induced senescence"),
    ("vancouver", "1. Prasanna PG, Citrin DE, Müller J, TIS Consortium. Therapy-induced senescence"),
    ("nature", "1. Prasanna, P. G., Citrin, D. E., Müller, J. & TIS Consortium"),
])
def test_styles_plain(style: str, expected: str) -> None:
    text = format_bibliography(sample_items()[:1], style)
    assert text.startswith(expected), text
    assert "10.1093/jnci/djab064" in text


def test_html_output_and_unknown_style() -> None:
    html = format_bibliography(sample_items()[:1], "apa", html=True)
    assert "<i>Journal of the National Cancer Institute</i>" in html and "&amp;" in html
    with pytest.raises(ValueError, match="unknown citation style"):
        format_bibliography(sample_items(), "chicago")


def test_cli_cite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from senref.cli.main import main
    from senref.core.library import Library

    lib = Library.open(tmp_path / "lib")
    coll = lib.ensure_collection_path(["TIS", "Radiation"])
    key = lib.save_item(sample_items()[0], collections=[coll], tag=False).key
    lib.save_item(sample_items()[1], tag=False)
    lib.close()
    assert main(["--library", str(tmp_path / "lib"), "cite", "--style", "vancouver", "--collection", "TIS"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. Prasanna PG") and "Campisi" not in out
    assert main(["--library", str(tmp_path / "lib"), "cite", "--html", key]) == 0
    assert '<div class="csl-entry">' in capsys.readouterr().out
