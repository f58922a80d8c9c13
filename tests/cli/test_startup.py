"""`senref --version` answers before the subcommands load, and says what the full parser says (issue 15)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys

import pytest

from senref.cli.main import build_parser, early_version


def _full_parser(argv: list[str]) -> tuple[str, int | str | None]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            build_parser().parse_args(argv)
        except SystemExit as exc:
            return out.getvalue(), exc.code
    return out.getvalue(), "parsed"


@pytest.mark.parametrize("argv", [["--version"], ["--vers"], ["--v"], ["--demo", "--version"],
                                  ["--library", "/tmp/x", "--version"], ["--library=/tmp/x", "--version"],
                                  ["--version", "list"]])
def test_answered_early_exactly_as_argparse_answers(argv: list[str]) -> None:
    early = io.StringIO()
    with contextlib.redirect_stdout(early):
        assert early_version(argv)
    assert _full_parser(argv) == (early.getvalue(), 0)


@pytest.mark.parametrize("argv", [[], ["list"], ["list", "--version"], ["-h", "--version"], ["--help"],
                                  ["--library", "--version"], ["--lib", "x", "--version"], ["--version=1"],
                                  ["--", "--version"], ["-"]])
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert not early_version(argv)
    assert out.getvalue() == ""


def test_version_loads_no_library_code() -> None:
    code = ("import sys; from senref.__main__ import main; sys.argv = ['senref', '--version']; main(); "
            "print(sorted(m for m in sys.modules if m.startswith(('senref.core', 'senref.storage', 'senref.actions', "
            "'senref.formats', 'senref.session', 'PySide6', 'requests'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version_line, modules = result.stdout.splitlines()
    assert version_line.startswith("senref ")
    assert modules == "[]"
