"""A command line naming a command loads only that command's module, and parses exactly as the full parser;
`senref list` prints from the table's columns exactly what it printed from whole items (issue 15)."""

from __future__ import annotations

import contextlib
import importlib
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from senref.cli import items as cli_items
from senref.cli.main import COMMAND_MODULES, COMMANDS, _Parser, build_parser, command_module, parse_args
from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.query import ItemQuery


def test_the_command_table_is_what_the_modules_register() -> None:
    registered: dict[str, str] = {}
    for name in COMMAND_MODULES:
        parser = _Parser(prog="senref")
        sub = parser.add_subparsers(dest="command", parser_class=_Parser)
        importlib.import_module(name).register(sub)
        registered.update(dict.fromkeys(sub.choices, name))
    assert registered == COMMANDS


def _outcome(parse: Any, argv: list[str]) -> tuple[str, str, Any]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = parse(argv)
        except SystemExit as exc:
            return out.getvalue(), err.getvalue(), exc.code
    return out.getvalue(), err.getvalue(), sorted(vars(args).items(), key=lambda kv: kv[0])


ARGVS = [[command, "--help"] for command in COMMANDS] + [
    ["sync", "run"], ["--library", "/tmp/x", "sync", "run", "--watch", "--interval", "2"],
    ["--library=/tmp/x", "--demo", "list", "--sort", "year", "--reverse", "--limit", "5"],
    ["export", "--format", "ris", "-o", "out.ris"], ["import", "a.bib", "b.ris"], ["list", "--bogus"],
    ["sync", "add", "--format", "bibtex"], ["sync", "nope"], ["tag", "--help"], ["show"], ["check", "extra", "args"],
    ["--library", "list", "list"], ["--demo", "search", "senescence", "p16"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_a_named_command_parses_as_the_full_parser_parses(argv: list[str]) -> None:
    assert command_module(argv) is not None
    assert _outcome(parse_args, argv) == _outcome(lambda a: build_parser().parse_args(a), argv)


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h", "list"], ["--lib", "x", "list"], ["--library"],
                                  ["--library", "--demo", "list"], ["lst"], ["--", "list"], ["-x", "list"]])
def test_anything_else_is_read_by_the_full_parser(argv: list[str]) -> None:
    assert command_module(argv) is None
    assert _outcome(parse_args, argv) == _outcome(lambda a: build_parser().parse_args(a), argv)


def test_a_broken_command_module_falls_back_to_the_full_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def failing(name: str, *args: Any) -> Any:
        if name == "senref.cli.sync":
            raise ImportError("broken for the test")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", failing)
    _out, err, code = _outcome(parse_args, ["sync", "run"])
    assert code == 2 and "'sync' commands are unavailable: broken for the test" in err


def test_sync_run_imports_no_other_command_module() -> None:
    code = ("import sys; from senref.cli.main import parse_args; parse_args(['sync', 'run']); "
            "print(sorted(m for m in sys.modules if m.startswith('senref.cli.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(done.stdout)  # a printed list of module names
    assert "senref.cli.sync" in loaded
    assert not {"senref.cli.topics", "senref.cli.zotero", "senref.cli.watch", "senref.cli.io"} & set(loaded)


def _varied_library(folder: Path) -> Library:
    lib = Library.open(folder, autotag=False)
    people = [[], [Creator("author", "Ana", "Gil")], [Creator("editor", "Bo", "Li")],
              [Creator("author", "", "", "World Health Organization")],
              [Creator("author", "Éva", "Ňámcová"), Creator("author", "Jan", "van der Berg")],
              [Creator("author", f"A{i}", f"Zeta-{'x' * i}") for i in range(1, 6)],
              [Creator("editor", "Ed", "Itor"), Creator("author", "Au", "Thor")]]
    titles = ["", "Short", "Senescence\tafter\x1b[31m chemo", "Ünïcode — title " * 6, "<i>p16</i> and {DNA}",
              "Title\nover two lines", "日本語の題名"]
    dates = ["", "2020", "circa 1999", "2021-03-04", "12/31/1850", "in press"]
    keys = []
    for n in range(42):
        item = Item(item_type=["journalArticle", "book", "report"][n % 3],
                    fields={"title": titles[n % len(titles)], "date": dates[n % len(dates)]})
        item.creators = list(people[n % len(people)])
        keys.append(lib.save_item(item).key)
    for key in keys[::7]:
        lib.trash([key])
    return lib


@pytest.mark.parametrize("sort", ["title", "creator", "year", "publication", "type", "dateAdded", "dateModified"])
@pytest.mark.parametrize(("trash", "limit", "reverse"), [(False, 0, False), (False, 9, True), (True, 0, False)])
def test_list_from_table_columns_prints_what_whole_items_printed(tmp_path: Path, sort: str, trash: bool,
                                                                 limit: int, reverse: bool) -> None:
    lib = _varied_library(tmp_path / "lib")
    try:
        query = ItemQuery(trash=trash, sort=sort, descending=reverse)
        old, new = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(old):
            old_count = cli_items.emit_items(cli_items._stream(lib, query, limit), False, lib)
        with contextlib.redirect_stdout(new):
            new_count = cli_items.emit_lines(cli_items._stream_rows(lib, query, limit))
        assert new.getvalue() == old.getvalue() and new_count == old_count > 0
    finally:
        lib.close()


def test_list_command_output_unchanged(tmp_path: Path) -> None:
    lib = _varied_library(tmp_path / "lib")
    try:
        expected = io.StringIO()
        with contextlib.redirect_stdout(expected):
            cli_items.emit_items(cli_items._stream(lib, ItemQuery(sort="creator"), 0), False, lib)
    finally:
        lib.close()
    out = io.StringIO()
    from senref.cli.main import main

    with contextlib.redirect_stdout(out):
        assert main(["--library", str(tmp_path / "lib"), "list", "--sort", "creator"]) == 0
    assert out.getvalue() == expected.getvalue()
