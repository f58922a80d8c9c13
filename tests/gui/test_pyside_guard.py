"""Long sessions survive PySide6 6.12's lost references to None on Python 3.11 (pyside_guard)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

PROBE = """
import sys
{guard}
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(200_000):  # far more than the few thousand that free None without the guard
    label.setText("x")
    label.hide()
print("alive", sys.getrefcount(None) > 0)
"""


def run(guard: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE.format(guard=guard)], capture_output=True, text=True,
                          timeout=300, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})


def test_a_window_making_many_void_qt_calls_stays_alive() -> None:
    done = run("import senref.gui")
    assert done.returncode == 0 and "alive True" in done.stdout, done.stderr[-2000:]


def _known_affected() -> bool:
    import PySide6

    return sys.version_info < (3, 12) and PySide6.__version__ == "6.12.0"


@pytest.mark.skipif(not _known_affected(), reason="only PySide6 6.12.0 on Python < 3.12 is known to drop references")
def test_without_the_guard_pyside_frees_none() -> None:
    # What the guard is for: on the affected build the same calls, unguarded, free None and abort.
    crashed = run("")
    assert crashed.returncode != 0 and "none_dealloc" in crashed.stderr
