"""PySide6's per-import source check answers as before without keeping every module's source (source_scan)."""

from __future__ import annotations

import inspect
import subprocess
import sys
import types
from pathlib import Path

import pytest

from senref.gui import source_scan

pytestmark = pytest.mark.gui


def reference(module: types.ModuleType) -> bool:
    """PySide6 6.12's own `_mod_uses_pyside`, through inspect (which fills linecache)."""
    try:
        source = inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False
    return "PySide6" in source


def test_same_answer_as_pyside_for_every_loaded_module() -> None:
    import senref.gui.app  # noqa: F401 - a window's worth of modules: stdlib, extensions, frozen, Qt, ours

    modules = [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    answers = {m.__name__: source_scan.uses_pyside(m) for m in modules}
    assert answers == {m.__name__: reference(m) for m in modules}
    assert answers["senref.gui.main_window"] and not answers["senref.core.model"]


def test_modules_pyside_cannot_read(tmp_path: Path) -> None:
    built = types.ModuleType("senref_built_in_memory")  # no loader, no file
    assert source_scan.uses_pyside(built) is reference(built) is False
    broken = tmp_path / "senref_probe_gone.py"
    broken.write_text("import PySide6\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        import senref_probe_gone  # type: ignore[import-not-found]

        assert source_scan.uses_pyside(senref_probe_gone) is True
        broken.unlink()  # source gone since the import: both say False rather than raise
        import linecache

        linecache.checkcache(str(broken))
        assert source_scan.uses_pyside(senref_probe_gone) is reference(senref_probe_gone) is False
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("senref_probe_gone", None)


def test_the_window_opens_without_caching_its_modules_source(tmp_path: Path) -> None:
    probe = """
import linecache, sys
from pathlib import Path
from senref.gui.app import ensure_application, open_window
from senref.session import Session
app = ensure_application()
folder = Path(sys.argv[1])
window = open_window(folder, demo=False, session=Session.start(library=folder))
window.show()
app.processEvents()
print("cached", sum(1 for name in linecache.cache if "senref" in name), "rows", window.table.model().rowCount())
"""
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "SENREF_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "lib")], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "cached 0 rows 0" in done.stdout, done.stdout + done.stderr[-2000:]
