"""The layering rule: only senref/gui/ imports Qt at module level; the CLI runs without loading Qt."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "senref"


def _module_level_imports(path: Path) -> list[str]:
    """Names imported at module level (imports inside functions are deliberate, lazy ones)."""
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


def test_cli_commands_do_not_load_qt(tmp_path: Path) -> None:
    code = ("import sys; from senref.cli.main import main; "
            "rc = main(['--demo', 'list']) or main(['--demo', 'search', 'sasp']) or main(['--demo', 'check']); "
            "loaded = sorted(m for m in sys.modules if m.startswith('PySide6')); "
            "print('QT:' + ','.join(loaded), file=sys.stderr); sys.exit(rc)")
    env = {**os.environ, "SENREF_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "QT:\n" in result.stderr or result.stderr.rstrip().endswith("QT:")
