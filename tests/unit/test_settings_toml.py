"""settings.toml written back by tomlkit: the user's comments, lists and nested tables survive a save."""

from __future__ import annotations

from pathlib import Path

from senref.core.settings import load_settings, save_settings
from senref.paths import get_paths

HAND_WRITTEN = """\
# senref settings, kept by hand
email = "old@lab.example"   # for the polite pools
library = "~/papers"

tags = ["senolytics", "SASP"]  # a list stays a list

[network]
# slow campus proxy
read_timeout = 45
download_pdfs = true

[export]
citation_key_pattern = "[auth][year]"

[sync.targets.thesis]
path = "~/thesis/refs.bib"
formats = ["bibtex", "csljson"]
"""


def _write(text: str, newline: str = "\\n") -> Path:
    path = get_paths().settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\\n", newline).encode())
    return path


def test_a_changed_value_is_the_only_change() -> None:
    path = _write(HAND_WRITTEN)
    settings = load_settings()
    settings.email = "new@lab.example"
    save_settings(settings)
    assert path.read_text() == HAND_WRITTEN.replace("old@lab.example", "new@lab.example")
    again = load_settings()
    assert again.email == "new@lab.example"
    assert again.raw["tags"] == ["senolytics", "SASP"]
    assert again.raw["sync"]["targets"]["thesis"]["formats"] == ["bibtex", "csljson"]
    assert again.read_timeout == 45.0 and again.citation_key_pattern == "[auth][year]"


def test_a_value_kept_in_network_is_changed_there() -> None:
    path = _write(HAND_WRITTEN)
    settings = load_settings()
    settings.download_pdfs = False
    save_settings(settings)
    assert path.read_text() == HAND_WRITTEN.replace("download_pdfs = true", "download_pdfs = false")
    assert load_settings().download_pdfs is False


def test_saving_unchanged_settings_leaves_the_file_byte_identical() -> None:
    path = _write(HAND_WRITTEN, newline="\r\n")
    before = path.read_bytes()
    save_settings(load_settings())
    assert path.read_bytes() == before


def test_environment_overrides_are_not_written_into_the_file() -> None:
    # The suite's conftest points every service URL at a local port through SENREF_*_URL.
    path = _write(HAND_WRITTEN)
    settings = load_settings(get_paths(), env={"SENREF_EMAIL": "env@lab.example", "SENREF_HAL_URL": "http://127.0.0.1:9"})
    settings.default_collection = "ABCD1234"
    save_settings(settings, get_paths())
    text = path.read_text()
    assert 'default_collection = "ABCD1234"' in text
    assert "env@lab.example" not in text and "127.0.0.1" not in text


def test_a_new_file_and_a_changed_url() -> None:
    paths = get_paths()  # env={} below would also drop SENREF_HOME: pass the test's folders in
    path = paths.settings_file
    settings = load_settings(paths, env={})
    settings.urls["hal"] = "https://hal.example"
    settings.library = "/data/refs"
    save_settings(settings)
    reread = load_settings(paths, env={})
    assert reread.url("hal") == "https://hal.example" and reread.library == "/data/refs"
    settings.urls["hal"] = "https://hal.science"  # back to the default: the line goes
    save_settings(settings)
    assert path.read_text().strip() == 'library = "/data/refs"'  # nor an empty [urls] table


def test_a_users_own_value_is_never_replaced_by_a_table_of_ours() -> None:
    path = _write('watches = ["senolytics", "SASP"]  # mine\n')
    settings = load_settings()
    settings.watch_run_days = 3
    save_settings(settings)
    assert path.read_text(encoding="utf-8") == 'watches = ["senolytics", "SASP"]  # mine\n'
    settings.integrity_check_days = 7  # other tables are still saved
    save_settings(settings)
    assert "[integrity]\ncheck_days = 7" in path.read_text(encoding="utf-8")
    fresh = _write("[watches]\nrun_days = 2\n")
    assert load_settings().watch_run_days == 2 and fresh.exists()
