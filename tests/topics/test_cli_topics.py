"""`senref topics list|check|apply`: validation exit codes and re-tagging after a vocabulary edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.cli.main import main
from senref.core.library import Library
from senref.core.model import AUTOMATIC, MANUAL, Item
from senref.paths import get_paths


def test_list_and_check_builtin(capsys: pytest.CaptureFixture[str], senref_home: Path) -> None:
    assert main(["topics", "list"]) == 0
    out = capsys.readouterr().out
    assert "TIS" in out and "  Radiation-induced" in out
    assert main(["topics", "check"]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_check_reports_user_file_errors(capsys: pytest.CaptureFixture[str], senref_home: Path) -> None:
    config = get_paths().config
    config.mkdir(parents=True)
    (config / "topics.toml").write_text('[[topics]]\nname = "SASP"\nrequires = ["Nowhere"]\n', encoding="utf-8")
    assert main(["topics", "check"]) == 1
    assert "requires names unknown topic 'Nowhere'" in capsys.readouterr().out


def test_apply_retags_after_vocabulary_edit_and_keeps_manual_tags(tmp_path: Path, senref_home: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "lib"
    with Library.open(folder, autotag=False) as lib:
        item = Item(fields={"title": "Zorbicin clears senescent cells", "abstractNote": "Senescent cells died."})
        item.add_tag("Senotherapeutics/Senolytics", MANUAL)
        item.add_tag("favourite", MANUAL)
        item.add_tag("TIS", AUTOMATIC)  # stale: nothing in the record supports it
        key = lib.save_item(item).key
    config = get_paths().config
    config.mkdir(parents=True)
    (config / "topics.toml").write_text('[[topics]]\nname = "Model drugs"\nterms = ["zorbicin"]\n', encoding="utf-8")
    assert main(["--library", str(folder), "topics", "apply", "--all"]) == 0
    assert "1 changed" in capsys.readouterr().err
    with Library.open(folder, autotag=False) as lib:
        tags = {(t.tag, t.type) for t in lib.get_item(key).tags}
    assert {("Senotherapeutics/Senolytics", MANUAL), ("favourite", MANUAL), ("Model drugs", AUTOMATIC)} <= tags
    assert ("TIS", AUTOMATIC) not in tags
    assert main(["--library", str(folder), "topics", "apply", "--all"]) == 0
    assert "0 changed" in capsys.readouterr().err


def test_apply_unknown_collection(tmp_path: Path, senref_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Library.open(tmp_path / "lib").close()
    assert main(["--library", str(tmp_path / "lib"), "topics", "apply", "--collection", "Nope"]) == 1
    assert "no collection" in capsys.readouterr().err


def test_a_user_file_adds_concepts_rules_and_entities(tmp_path: Path, senref_home: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = get_paths().config
    config.mkdir(parents=True)
    (config / "topics.toml").write_text(
        '[[concepts]]\nname = "zorbicin"\nterms = ["zorbicin", "ZRB-7"]\n\n'
        '[[concepts]]\nname = "senescence"\nterms = ["senescence-ish"]\n\n'  # extends the built-in concept
        '[[entities]]\nkind = "drug"\nname = "zorbicin"\nterms = ["ZRB-7"]\nsource = "our lab"\n\n'
        '[[topics]]\nname = "Model drugs"\nrules = [{ all = ["zorbicin", "senescence"] }]\n', encoding="utf-8")
    assert main(["topics", "check"]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    folder = tmp_path / "lib"
    Library.open(folder).close()
    with Library.open(folder, autotag=False) as lib:
        key = lib.save_item(Item(fields={"title": "ZRB-7 makes fibroblasts senescence-ish"})).key
    assert main(["--library", str(folder), "topics", "apply", "--all"]) == 0
    capsys.readouterr()
    assert main(["--library", str(folder), "show", key]) == 0
    out = capsys.readouterr().out
    assert "why Model drugs: ZRB-7 … senescence-ish (title; zorbicin + senescence in one sentence)" in out
    assert "why Drug/zorbicin: ZRB-7 (title; drug name (our lab))" in out
    assert "Drug/zorbicin (auto)" in out
