"""The shared session: which library a run opens, and the tagger it hands the library (the user's vocabulary)."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.library import Library
from senref.core.model import AUTOMATIC, Item
from senref.paths import get_paths
from senref.session import Session
from senref.topics.tagger import DeferredTagger, get_tagger

USER_TOPICS = '[[topics]]\nname = "Zorbicin"\nterms = ["zorbicin"]\n'


def _zorbicin() -> Item:
    return Item(item_type="journalArticle", fields={"title": "Zorbicin clears therapy-induced senescent cells",
                                                    "abstractNote": "Zorbicin, a senolytic, after irradiation."})


def _user_vocabulary() -> None:
    paths = get_paths()
    paths.config.mkdir(parents=True, exist_ok=True)
    (paths.config / "topics.toml").write_text(USER_TOPICS, encoding="utf-8")


def test_which_library_a_session_opens(tmp_path: Path) -> None:
    paths = get_paths()
    assert Session.start().library_folder == paths.default_library
    assert Session.start(demo=True).library_folder == paths.demo_library
    paths.config.mkdir(parents=True)
    paths.settings_file.write_text(f'library = "{tmp_path / "from-settings"}"\n', encoding="utf-8")
    assert Session.start().library_folder == tmp_path / "from-settings"
    assert Session.start(library=tmp_path / "given", demo=True).library_folder == tmp_path / "given"
    switched = Session.start().switched(tmp_path / "other", demo=True)
    assert (switched.library_folder, switched.demo) == (tmp_path / "other", True)


def test_the_session_tags_with_the_users_vocabulary_compiled_on_first_save(tmp_path: Path) -> None:
    _user_vocabulary()
    session = Session.start(library=tmp_path / "lib")
    with session.open_library(role="cli") as lib:
        assert isinstance(lib.tagger, DeferredTagger)
        assert lib.tagger._tagger is None  # opening (and reading) never compiles the vocabulary
        key = lib.save_item(_zorbicin()).key
        assert "Zorbicin" in lib.get_item(key).tag_names(AUTOMATIC)


def test_without_a_tagger_or_with_autotag_false_nothing_is_tagged(tmp_path: Path) -> None:
    _user_vocabulary()
    with Library.open(tmp_path / "plain") as lib:
        assert lib.tagger is None
        assert lib.get_item(lib.save_item(_zorbicin()).key).tag_names(AUTOMATIC) == []
    with Library.open(tmp_path / "off", tagger=get_tagger(get_paths()), autotag=False) as lib:
        assert lib.tagger is None
        assert lib.get_item(lib.save_item(_zorbicin()).key).tag_names(AUTOMATIC) == []


def test_get_tagger_without_folders_uses_only_the_builtin_vocabulary() -> None:
    _user_vocabulary()
    assert "Zorbicin" in get_tagger(get_paths()).names
    assert "Zorbicin" not in get_tagger().names


def test_the_demo_is_built_with_the_sessions_tagger(tmp_path: Path) -> None:
    session = Session.start(demo=True)
    with session.open_library(role="cli") as lib:
        assert lib.count() > 10
        tagged = [item for item in lib.iter_items() if item.tag_names(AUTOMATIC)]
        assert tagged, "demo items carry topic tags"


def test_main_opens_the_window_without_a_command_and_runs_the_cli_with_one(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import senref.__main__
    import senref.gui.launch

    opened: list[tuple[Session, list[str]]] = []
    monkeypatch.setattr(senref.gui.launch, "launch_gui", lambda session, files: opened.append((session, files)) or 7)
    monkeypatch.setattr("sys.argv", ["senref", "--library", str(tmp_path / "lib")])
    assert senref.__main__.main() == 7
    [(session, files)] = opened
    assert session.library_folder == tmp_path / "lib" and files == [] and not session.demo
    monkeypatch.setattr("sys.argv", ["senref", "--library", str(tmp_path / "lib"), "collection", "create", "TIS"])
    assert senref.__main__.main() == 0
    assert len(opened) == 1
