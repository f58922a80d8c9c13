"""Catalogue G1 (CLI side), X10, X11, P13: record text is shown and exported as data, never obeyed.

Titles come from the internet. A terminal must not execute their escape sequences; HTML, script
and LaTeX in them must survive every export as the same text (so it can never become markup).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from senref.core.library import Library
from senref.core.model import Creator
from senref.storage import items as rows
from tests.reliability.helpers import assert_consistent, item, senref

#: A clear-screen, a window-title OSC, an 8-bit CSI (U+009B), a bidi override and a bell.
CONTROL_TITLE = "Senescence\x1b[2J\x1b]0;pwned\x07 in \x9b31mtumours \u202eevil\u202c end"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")
HOSTILE_TITLE = ('<script>alert("x")</script> & <b>p16</b> <img src=x onerror=alert(1)> '
                 r'{\input{/etc/passwd}} $\beta$ "quoted" 100% #1 ~_^')


@pytest.fixture
def control_lib(tmp_path: Path) -> tuple[Path, str]:
    """A library holding a title with terminal controls, written as an older senref or a sync would have
    stored it (the import path now strips C0 controls, so write the row directly)."""
    folder = tmp_path / "lib"
    with Library.open(folder, autotag=False) as lib:
        entry = item(CONTROL_TITLE)
        entry.creators = [Creator("author", "J\x1b[8m", "Doe")]
        with lib.db.transaction() as conn:
            rows.write_item(conn, entry)
        with lib.db.transaction() as conn:
            tag = conn.execute("INSERT INTO tags (name) VALUES (?)", ("tag\x1b[31m",)).lastrowid
            conn.execute("INSERT INTO item_tags (item_id, tag_id, type) SELECT id, ?, 0 FROM items", (tag,))
        return folder, entry.key


@pytest.mark.parametrize("args", [("list",), ("search", "end"), ("tags", "list"), ("show", "{key}")],
                         ids=["list", "search", "tags", "show"])
def test_terminal_controls_in_records_are_never_printed_raw(control_lib: tuple[Path, str], tmp_path: Path,
                                                            args: tuple[str, ...]) -> None:
    folder, key = control_lib
    result = senref(folder, *[a.format(key=key) for a in args], home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    for char in RAW_CONTROLS:
        assert char not in result.stdout, f"{char!r} printed raw"
    if args[0] != "tags":
        # Shown as visible escapes, so the user sees that something odd is in the title.
        assert "Senescence\\x1b[2J" in result.stdout and "\\u202eevil" in result.stdout


def test_json_output_escapes_controls_and_keeps_the_data(control_lib: tuple[Path, str], tmp_path: Path) -> None:
    folder, key = control_lib
    result = senref(folder, "list", "--json", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    for char in RAW_CONTROLS:
        assert char not in result.stdout
    assert json.loads(result.stdout)[0]["data"]["title"] == CONTROL_TITLE  # display only: data intact
    with Library.open(folder, create=False, autotag=False) as lib:
        assert lib.get_item(key).title == CONTROL_TITLE


def test_error_messages_escape_controls(tmp_path: Path) -> None:
    # X11: a file name is user data too; a hostile name must not drive the terminal through stderr.
    result = senref(tmp_path / "lib", "import", str(tmp_path / "no\x1b]0;pwned\x07such.bib"), home=tmp_path / "home")
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\\x1b]0;pwned" in result.stderr


@pytest.fixture
def hostile_lib(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    with Library.open(folder, autotag=False) as lib:
        entry = item(HOSTILE_TITLE, abstractNote="<p onclick='x()'>Abstract</p>", publicationTitle="J & <Co>")
        entry.creators = [Creator("author", "<i>Jane</i>", "O'Doe & {Sons}")]
        lib.save_item(entry)
    return folder


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "ris", "csljson", "zotero-rdf", "json"])
def test_html_and_latex_in_titles_round_trip_through_every_export(hostile_lib: Path, tmp_path: Path,
                                                                  fmt: str) -> None:
    home = tmp_path / "home"
    out = tmp_path / f"export.{fmt}"
    result = senref(hostile_lib, "export", "--format", fmt, "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    if fmt == "zotero-rdf":
        # The title is one text node: no element was smuggled in through it.
        tree = etree.parse(str(out), etree.XMLParser(resolve_entities=False, no_network=True))
        assert not tree.xpath("//*[local-name()='script' or local-name()='img' or local-name()='b']")
    if fmt == "csljson":
        assert json.loads(out.read_text(encoding="utf-8"))[0]["title"] == HOSTILE_TITLE
    again = tmp_path / "again"
    result = senref(again, "import", "--format", fmt, str(out), home=home)
    assert result.returncode == 0, result.stderr
    with Library.open(again, create=False, autotag=False) as lib:
        [back] = list(lib.iter_items())
    assert back.title == HOSTILE_TITLE
    assert_consistent(again)


def test_show_prints_html_as_text(hostile_lib: Path, tmp_path: Path) -> None:
    with Library.open(hostile_lib, create=False, autotag=False) as lib:
        [entry] = list(lib.iter_items())
    result = senref(hostile_lib, "show", entry.key, home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == HOSTILE_TITLE


def test_html_citation_escapes_the_title(hostile_lib: Path, tmp_path: Path) -> None:
    result = senref(hostile_lib, "cite", "--html", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "<script>" not in result.stdout and "<img" not in result.stdout
    assert "&lt;script&gt;" in result.stdout
