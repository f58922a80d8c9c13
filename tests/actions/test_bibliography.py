"""The bibliography action: the settings' style and locale as defaults, style problems in the report,
the remembered style and recent styles, and their [cite] table in settings.toml."""

from __future__ import annotations

from pathlib import Path

from senref.actions.bibliography import RECENT_STYLES, choose_style, cite, format_items, list_styles
from senref.core.library import Library
from senref.core.settings import Settings, load_settings, save_settings
from senref.formats.cite import format_bibliography
from senref.paths import Paths
from tests.formats.test_cite import flagship


def _paths(tmp_path: Path) -> Paths:
    return Paths(config=tmp_path / "config", data=tmp_path / "data", cache=tmp_path / "cache")


def test_cite_uses_the_settings_style_and_locale(library: Library) -> None:
    key = library.save_item(flagship(), tag=False).key
    settings = Settings(cite_style="JNCI", cite_locale="fr")
    report = cite(library, settings, keys=[key])
    assert (report.style, report.style_title, report.locale, report.count) == (
        "journal-of-the-national-cancer-institute", "Journal of the National Cancer Institute", "en-US", 1)
    assert report.text == format_bibliography([flagship()], "journal-of-the-national-cancer-institute")
    assert report.warnings == [
        "'JNCI' read as 'journal-of-the-national-cancer-institute' (Journal of the National Cancer Institute)",
        "Journal of the National Cancer Institute is always formatted in en-US; locale fr-FR not used"]
    assert report.summary() == "1 reference (Journal of the National Cancer Institute)"
    explicit = cite(library, settings, keys=[key], style="apa", locale="")
    assert explicit.style == "apa" and explicit.locale == "en-US" and not explicit.warnings


def test_a_style_problem_is_in_the_report_not_raised(library: Library) -> None:
    key = library.save_item(flagship(), tag=False).key
    report = cite(library, Settings(), keys=[key], style="no-such-style-anywhere")
    assert report.failed and report.text == "" and report.count == 0
    assert report.problems[0].startswith("no citation style 'no-such-style-anywhere'")
    bad_locale = format_items([flagship()], "apa", locale="xx-YY")
    assert bad_locale.problems[0].startswith("unknown locale 'xx-YY'")


def test_list_styles_filters_the_official_styles() -> None:
    assert [e.id for e in list_styles("JNCI")][:1] == ["journal-of-the-national-cancer-institute"]
    assert len(list_styles()) > 10_000


def test_choosing_a_style_keeps_the_recent_ones_newest_first() -> None:
    settings = Settings()
    assert choose_style(settings, "nature") == ["nature", "apa"]
    assert choose_style(settings, "cell") == ["cell", "nature", "apa"]
    assert choose_style(settings, "apa") == ["apa", "cell", "nature"]  # moved up, not repeated
    for n in range(20):
        choose_style(settings, f"style-{n}")
    assert settings.cite_style == "style-19" and len(settings.cite_recent) == RECENT_STYLES
    assert settings.cite_recent[:2] == ["style-19", "style-18"]


def test_the_cite_table_round_trips_and_leaves_the_rest_of_the_file_alone(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.config.mkdir()
    original = '# my settings\nemail = "me@example.org"  # for Crossref\n'
    paths.settings_file.write_text(original, encoding="utf-8")
    settings = load_settings(paths, env={})
    assert (settings.cite_style, settings.cite_recent, settings.cite_locale) == ("apa", [], "")
    save_settings(settings, paths)
    assert paths.settings_file.read_text(encoding="utf-8") == original  # nothing changed, nothing written
    choose_style(settings, "nature")
    choose_style(settings, str(tmp_path / "mine.csl"))
    save_settings(settings, paths)
    text = paths.settings_file.read_text(encoding="utf-8")
    assert text.startswith(original) and "[cite]" in text
    again = load_settings(paths, env={})
    assert again.cite_style == str(tmp_path / "mine.csl")
    assert again.cite_recent == [str(tmp_path / "mine.csl"), "nature", "apa"]


def test_unusable_cite_values_are_ignored(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.config.mkdir()
    paths.settings_file.write_text('[cite]\nstyle = 3\nrecent = ["nature", 4, ""]\nlocale = ["x"]\n', encoding="utf-8")
    settings = load_settings(paths, env={})
    assert (settings.cite_style, settings.cite_recent, settings.cite_locale) == ("apa", ["nature"], "")
