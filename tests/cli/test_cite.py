"""`senref cite` as a user runs it: official styles by name or file, for the flagship exactly what
citeproc-py renders with the official style; `--list-styles`; the [cite] settings; clean failures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from senref.core.library import Library
from tests.formats.test_cite import ISSUE_STYLES, citeproc_direct, flagship, official_file, official_locale
from tests.reliability.helpers import assert_clean_failure, senref


@pytest.fixture(scope="module")
def flagship_lib(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("cite") / "lib"
    with Library.open(folder, autotag=False) as lib:
        key = lib.save_item(flagship(), tag=False).key
    return folder, key


@pytest.mark.parametrize("name", ["vancouver", "the-journal-of-the-national-cancer-institute", "apa"])
def test_cite_style_prints_what_citeproc_renders(flagship_lib: tuple[Path, str], tmp_path: Path, name: str) -> None:
    folder, key = flagship_lib
    result = senref(folder, "cite", "--style", name, key, home=tmp_path)
    assert result.returncode == 0, result.stderr
    official = ISSUE_STYLES[name]
    assert result.stdout == citeproc_direct(flagship(), official_file(official), locale=official_locale(official))[0] + "\n"


def test_cite_a_csl_file_in_html(flagship_lib: tuple[Path, str], tmp_path: Path) -> None:
    folder, key = flagship_lib
    style = tmp_path / "house.csl"
    shutil.copy(official_file("nature"), style)
    result = senref(folder, "cite", "--style", str(style), "--html", key, home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    [entry] = citeproc_direct(flagship(), style, html=True)
    assert result.stdout == f'<div class="csl-bib-body">\n  <div class="csl-entry">{entry}</div>\n</div>\n'


def test_renamed_and_loose_names_are_explained_on_stderr(flagship_lib: tuple[Path, str], tmp_path: Path) -> None:
    folder, key = flagship_lib
    result = senref(folder, "cite", "--style", "vancouver", key, home=tmp_path)
    assert result.stderr == "senref: warning: the style repository renamed 'vancouver' to 'nlm-citation-sequence'\n"
    assert "J Natl Cancer Inst. 2021" in result.stdout
    result = senref(folder, "cite", "--style", "JNCI", "--locale", "de", key, home=tmp_path)
    assert result.returncode == 0
    assert "locale de-DE not used" in result.stderr  # JNCI fixes en-US


def test_the_settings_style_and_locale_are_the_defaults(flagship_lib: tuple[Path, str], tmp_path: Path) -> None:
    folder, key = flagship_lib
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.toml").write_text('[cite]\nstyle = "cell"\nlocale = "en-GB"\n', encoding="utf-8")
    result = senref(folder, "cite", key, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == citeproc_direct(flagship(), official_file("cell"), locale="en-US")[0] + "\n"  # cell sets en-US
    assert "locale en-GB not used" in result.stderr


def test_list_styles(tmp_path: Path) -> None:
    result = senref(tmp_path / "lib", "cite", "--list-styles", "national cancer institute", home=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert ("journal-of-the-national-cancer-institute\tJournal of the National Cancer Institute (JNCI)"
            "  [uses american-medical-association-parentheses]") in lines
    every = senref(tmp_path / "lib", "cite", "--list-styles", home=tmp_path).stdout.splitlines()
    assert len(every) > 10_000 and any(line.startswith("apa\tAPA Style 7th edition") for line in every)
    assert not (tmp_path / "lib").exists()  # listing styles opens no library


@pytest.mark.parametrize(("args", "message"), [
    (["--style", "no such style"], "senref: problem: no citation style 'no such style'"),
    (["--style", "/nonexistent/style.csl"], "senref: problem: no style file '/nonexistent/style.csl'"),
    (["--locale", "xx-YY"], "senref: problem: unknown locale 'xx-YY'"),
    (["--list-styles", "zzqqxx"], "senref: no style matches 'zzqqxx'"),
])
def test_failures_are_one_readable_line(flagship_lib: tuple[Path, str], tmp_path: Path, args: list[str],
                                        message: str) -> None:
    folder, key = flagship_lib
    result = senref(folder, "cite", *args, key, home=tmp_path)
    assert_clean_failure(result)
    assert result.stderr.startswith(message), result.stderr
