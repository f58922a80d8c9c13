"""The house plan, checked: Qt only under senref/gui/, SQL only under senref/storage/, the CLI without Qt.

The import contracts themselves are in pyproject.toml (`[tool.importlinter]`); `lint-imports` sees lazy
imports too. The tests here add what import-linter cannot see: which modules a real run loads, and
where SQL is executed.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from senref.demo import simple_pdf

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "senref"

#: Runs one CLI command the way `senref ...` does, then reports on stderr which Qt modules it loaded.
_WRAPPER = textwrap.dedent("""\
    import sys
    from senref.cli.main import main
    rc = main(sys.argv[1:])
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
    print("QT:" + ",".join(loaded), file=sys.stderr)
    sys.exit(rc)
""")

_BIBTEX = """\
@article{campisi2013aging,
  title = {Aging, cellular senescence, and cancer},
  author = {Campisi, Judith},
  journal = {Annual Review of Physiology},
  year = {2013},
  doi = {10.1146/annurev-physiol-030212-183653}
}
"""


def _module_level_imports(path: Path) -> list[str]:
    """Names imported at module level, including under `if`/`try` at the top."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.If | ast.Try):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import):
                    names.extend(alias.name for alias in sub.names)
                elif isinstance(sub, ast.ImportFrom) and sub.module:
                    names.append(sub.module)
    return names


def _sql_calls(path: Path) -> list[int]:
    """Lines of real `execute*(...)` calls in *path* (comments and strings that mention one do not count)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("execute", "executemany", "executescript"):
            lines.append(node.lineno)
    return lines


def test_no_module_outside_gui_imports_qt_at_module_level() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "gui" in path.relative_to(PACKAGE).parts:
            continue
        for name in _module_level_imports(path):
            if name.split(".")[0] in ("PySide6", "shiboken6") or name.startswith("senref.gui"):
                offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []


def test_no_module_outside_gui_touches_qt_widgets_at_all() -> None:
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if "gui" not in p.relative_to(PACKAGE).parts and "QtWidgets" in p.read_text(encoding="utf-8")]
    assert offenders == []


#: Modules that run SQL on a database that is not senref's: Zotero's zotero.sqlite, read from a copy.
OTHER_DATABASES = {Path("zotero/datadir.py")}


def test_sql_is_executed_only_in_storage() -> None:
    offenders = [f"{path.relative_to(PACKAGE)}:{line}"
                 for path in sorted(PACKAGE.rglob("*.py")) if path.relative_to(PACKAGE).parts[0] != "storage"
                 and path.relative_to(PACKAGE) not in OTHER_DATABASES
                 for line in _sql_calls(path)]
    assert offenders == []


def test_the_sql_finder_sees_calls_and_ignores_mentions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Docs may say conn.execute(...)."""\n'
                      "# so may comments: conn.execute(sql)\n"
                      "def f(conn, cur):\n"
                      "    text = 'execute(this)'\n"
                      "    conn.execute('SELECT 1')\n"
                      "    cur.executemany('INSERT', [])\n", encoding="utf-8")
    assert _sql_calls(sample) == [5, 6]


def test_import_contracts_hold() -> None:
    """`lint-imports` over pyproject.toml's contracts (well under a second, so it runs with the tests too)."""
    pytest.importorskip("importlinter")
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()", "--no-cache"],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _run_cli(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, list[str]]:
    result = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True, env=env,
                            cwd=cwd, timeout=180)
    report = [line for line in result.stderr.splitlines() if line.startswith("QT:")]
    assert report, f"senref {' '.join(args)} did not finish: {result.stderr[-3000:]}"
    loaded = [name for name in report[-1].removeprefix("QT:").split(",") if name]
    return result.returncode, result.stdout + result.stderr, loaded


def test_cli_commands_do_not_load_qt(tmp_path: Path) -> None:
    env = {**os.environ, "SENREF_HOME": str(tmp_path)}
    for args in (["--demo", "list"], ["--demo", "search", "sasp"], ["--demo", "check"]):
        rc, output, loaded = _run_cli(args, env, tmp_path)
        assert rc == 0, output
        assert loaded == [], f"senref {' '.join(args)} loaded {loaded}"


def test_add_import_export_and_sync_do_not_load_qt(tmp_path: Path) -> None:
    """The four commands that once reached Qt (QtPdf for PDFs, the window through the CLI) stay Qt-free.

    No network: the conftest points every SENREF_*_URL at a closed local port, and the PDF carries no
    identifier, so `add` reads its text and makes an item of it without asking any service.
    """
    env = {**os.environ, "SENREF_HOME": str(tmp_path / "home")}
    library = tmp_path / "library"
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(simple_pdf(["Therapy-induced senescence in breast cancer cells",
                                "A. Author, B. Author", "Abstract", "Cells treated with doxorubicin stop dividing."]))
    bib = tmp_path / "refs.bib"
    bib.write_text(_BIBTEX, encoding="utf-8")
    commands = [
        ["add", "--no-pdf", str(pdf)],
        ["import", str(bib)],
        ["export", "-o", str(tmp_path / "out.bib")],
        ["sync", "add", "--format", "bibtex", "-o", str(tmp_path / "synced.bib")],
        ["sync", "run"],
    ]
    for args in commands:
        rc, output, loaded = _run_cli(["--library", str(library), *args], env, tmp_path)
        assert rc == 0, f"senref {' '.join(args)} failed: {output[-3000:]}"
        assert loaded == [], f"senref {' '.join(args)} loaded {loaded}"
    assert "campisi" in (tmp_path / "out.bib").read_text(encoding="utf-8").lower()
    assert "campisi" in (tmp_path / "synced.bib").read_text(encoding="utf-8").lower()
