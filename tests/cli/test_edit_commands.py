"""`senref edit` and `senref note` as a user runs them: a subprocess on a library in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.factories import flagship_crossref
from tests.reliability.helpers import assert_clean_failure, senref


def _library(tmp_path: Path) -> tuple[Path, str]:
    from senref.core.library import Library

    folder = tmp_path / "lib"
    with Library.open(folder, autotag=False) as library:
        key = library.save_item(flagship_crossref()).key
    return folder, key


def _show(lib: Path, key: str, home: Path) -> dict[str, Any]:
    shown = senref(lib, "show", key, "--json", home=home)
    assert shown.returncode == 0, shown.stderr
    data: dict[str, Any] = json.loads(shown.stdout)
    return data


def test_edit_fields_type_and_creators(tmp_path: Path) -> None:
    lib, key = _library(tmp_path)
    home = tmp_path / "home"
    done = senref(lib, "edit", key, "title=p = 0.05: a title", "DOI=https://doi.org/10.1093/JNCI/djab099", "issue=",
                  "--type", "report", "--creators", "Campisi, Judith; ENCODE Consortium", home=home)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    data = _show(lib, key, home)
    assert data["data"]["itemType"] == "report"
    assert data["data"]["title"] == "p = 0.05: a title"
    assert data["data"]["creators"] == [{"creatorType": "author", "firstName": "Judith", "lastName": "Campisi"},
                                        {"creatorType": "author", "name": "ENCODE Consortium"}]
    assert data["meta"]["identifiers"]["doi"] == "10.1093/JNCI/djab099"
    from senref.core.library import Library

    with Library.open(lib, create=False, autotag=False) as library:
        item = library.get_item(key)
        assert item.provenance["title"] == "user" and item.provenance["creators"] == "user"
        assert "issue" not in item.fields


def test_edit_by_doi_and_an_unchanged_value(tmp_path: Path) -> None:
    lib, key = _library(tmp_path)
    home = tmp_path / "home"
    first = senref(lib, "edit", "10.1093/jnci/djab064", "volume=114", home=home)
    assert first.returncode == 0, first.stderr
    assert "volume" in first.stderr
    again = senref(lib, "edit", key, "volume=114", home=home)
    assert again.returncode == 0 and "no change" in again.stderr, again.stderr
    assert _show(lib, key, home)["data"]["volume"] == "114"


def test_edit_refuses_what_it_cannot_do_in_one_line_each(tmp_path: Path) -> None:
    lib, key = _library(tmp_path)
    home = tmp_path / "home"
    bad = senref(lib, "edit", key, "DOI=not-a-doi", "titel=x", "volume=99", home=home)
    assert_clean_failure(bad)
    assert bad.returncode == 1
    assert "not a valid DOI" in bad.stderr and "titel" in bad.stderr
    assert _show(lib, key, home)["data"]["volume"] == "99"  # the good field still applied
    for args in (("edit", key), ("edit", key, "novalue"), ("edit", key, "--type", "nonsense")):
        refused = senref(lib, *args, home=home)
        assert_clean_failure(refused)
    assert senref(lib, "edit", "NOSUCHIT", "title=x", home=home).returncode == 1


def test_note_add_and_list(tmp_path: Path) -> None:
    lib, key = _library(tmp_path)
    home = tmp_path / "home"
    added = senref(lib, "note", "add", key, "p < 0.05\nsee Fig. 2", home=home)
    assert added.returncode == 0, added.stderr
    note_key = added.stdout.strip()
    assert _note_of(lib, key)["key"] == note_key
    listed = senref(lib, "note", "list", key, home=home)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].startswith(note_key)
    assert "  p < 0.05\n  see Fig. 2" in listed.stdout
    edited = senref(lib, "note", "edit", key, note_key, "replaced", home=home)
    assert edited.returncode == 0, edited.stderr
    assert "replaced" in senref(lib, "note", "list", key, home=home).stdout
    assert_clean_failure(senref(lib, "note", "add", key, "  ", home=home))


def _note_of(lib: Path, key: str) -> dict[str, str]:
    from senref.core.library import Library

    with Library.open(lib, create=False, autotag=False) as library:
        [note] = library.get_item(key).notes
        assert note.html == "<p>p &lt; 0.05<br>see Fig. 2</p>"
        return {"key": note.key, "note": note.html}


def test_tag_colour_and_rename(tmp_path: Path) -> None:
    lib, key = _library(tmp_path)
    home = tmp_path / "home"
    assert senref(lib, "tag", key, "senolytic", home=home).returncode == 0
    assert senref(lib, "tags", "color", "senolytic", "#5fb236", home=home).returncode == 0
    assert_clean_failure(senref(lib, "tags", "color", "senolytic", "greenish", home=home))
    renamed = senref(lib, "tags", "rename", "senolytic", "senolytics", home=home)
    assert renamed.returncode == 0 and "renamed on 1 item(s)" in renamed.stderr, renamed.stderr
    listed = json.loads(senref(lib, "tags", "list", "--json", home=home).stdout)
    assert listed == [{"tag": "senolytics", "numItems": 1, "type": 0, "color": "#5fb236"}]
