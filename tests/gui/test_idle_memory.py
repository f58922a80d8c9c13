"""What the idle window leaves out of memory (G11, issue 15): OpenSSL, the start-up reads' page caches, the
menus' rendered icons, the source of the modules PySide6's source check needs."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter

from senref.core.library import Library
from senref.gui import icons
from senref.gui.idle_memory import StartupMemoryRelease
from senref.gui.workers.tasks import TaskRunner
from tests.gui.conftest import SAMPLE, add_items

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

#: Modules that load OpenSSL's libcrypto (hmac and secrets import _hashlib).
OPENSSL = ("hashlib", "_hashlib", "hmac", "secrets")

IDLE_WINDOW = """
import sys, time
from pathlib import Path
from senref.gui.app import ensure_application, open_window
from senref.gui.single_instance import instance_name
from senref.session import Session

folder = Path(sys.argv[1])
app = ensure_application()
window = open_window(folder, demo=False, session=Session.start(library=folder))
instance_name(folder)  # what `senref` names its single-instance server with at start
window.show()
deadline = time.monotonic() + 60
while not window.startup_memory.done and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print("released", window.startup_memory.done, "rows", window.table.model().rowCount(),
      "loaded", [m for m in sys.argv[2].split(",") if m in sys.modules])
"""


def test_the_idle_window_never_loads_openssl(tmp_path: Path) -> None:
    from senref.core.model import Creator, Item

    with Library.open(tmp_path / "lib") as library:  # here: saving items may hash (duplicate keys, files)
        for n in range(30):
            item = Item(fields={"title": f"Senescence after therapy {n}", "date": "2020"})
            item.creators = [Creator("author", "A.", "Author")]
            item.add_tag("radiation")
            library.save_item(item)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SENREF_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", IDLE_WINDOW, str(tmp_path / "lib"), ",".join(OPENSSL)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "released True rows 30 loaded []" in done.stdout, done.stdout + done.stderr[-3000:]


def test_making_keys_and_hashing_files_still_work(tmp_path: Path) -> None:
    from senref.core.digest import bytes_sha256, file_sha256
    from senref.core.model import KEY_ALPHABET, new_key

    keys = {new_key() for _ in range(200)}
    assert len(keys) == 200 and all(len(k) == 8 and set(k) <= set(KEY_ALPHABET) for k in keys)
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 senescence")
    import hashlib

    expected = hashlib.sha256(b"%PDF-1.4 senescence").hexdigest()
    assert file_sha256(path) == bytes_sha256(path.read_bytes()) == expected


# -- the start-up reads' page caches ------------------------------------------------------------------------


def test_release_memory_shrinks_every_connection_of_every_thread(gui_library: Library) -> None:
    add_items(gui_library, SAMPLE)
    db = gui_library.db
    other = threading.Thread(target=gui_library.count)  # a reader thread's own connection
    other.start()
    other.join()
    seen: list[str] = []
    with db._all_mutex:
        conns = list(db._all)
    assert len(conns) >= 2
    for conn in conns:
        conn.set_trace_callback(functools.partial(lambda conn_id, sql: seen.append(f"{conn_id} {sql}"), id(conn)))
    try:
        db.release_memory()
    finally:
        for conn in conns:
            conn.set_trace_callback(None)
    assert sorted(seen) == sorted(f"{id(conn)} PRAGMA shrink_memory" for conn in conns)
    gui_library.close()


class _Db:
    def __init__(self) -> None:
        self.released = 0

    def release_memory(self) -> None:
        self.released += 1


class _Library:
    def __init__(self) -> None:
        self.db = _Db()


def test_the_release_waits_until_reads_writes_and_jobs_are_idle(qtbot: Any) -> None:
    reads = TaskRunner(1)
    library, busy = _Library(), {"now": True}
    release = StartupMemoryRelease(library, reads, busy=lambda: busy["now"])  # type: ignore[arg-type]
    reads.hold()  # the first paint's reads, not started yet
    reads.release()  # idle, but a job runs
    qtbot.wait(400)
    assert library.db.released == 0 and not release.done
    busy["now"] = False
    reads.run(lambda: None)  # the next read ends: idle, nothing else running
    qtbot.waitUntil(lambda: release.done, timeout=5000)
    assert library.db.released == 1
    reads.run(lambda: None)  # once only
    qtbot.wait(400)
    assert library.db.released == 1
    reads.wait_for_done()


def test_a_closing_window_releases_nothing(qtbot: Any) -> None:
    reads = TaskRunner(1)
    library = _Library()
    release = StartupMemoryRelease(library, reads, busy=lambda: False)  # type: ignore[arg-type]
    reads.run(lambda: None)
    release.cancel()
    qtbot.wait(400)
    assert library.db.released == 0 and release.done
    reads.wait_for_done()


# -- the menus' icons -----------------------------------------------------------------------------------------


def test_menu_icons_render_when_first_drawn(window: Any) -> None:
    menu_only = [a for a in icons.ACTION_ICONS if a not in icons.TOOLBAR_ACTIONS]
    toolbar_names = {icons.ACTION_ICONS[a] for a in icons.TOOLBAR_ACTIONS}
    keys = {a: icons._key(icons.ACTION_ICONS[a], None) for a in menu_only if icons.ACTION_ICONS[a] not in toolbar_names}
    for attribute in menu_only:
        assert not getattr(window, attribute).icon().isNull(), attribute  # every action has its icon...
    assert not [a for a, key in keys.items() if key in icons._icon_cache]  # ...none rendered while no menu opened
    assert not window.settings_action.icon().pixmap(16).isNull()
    assert [a for a, key in keys.items() if key in icons._icon_cache] == ["settings_action"]  # the one drawn


def _drawn(icon: QIcon, size: int, mode: QIcon.Mode, ratio: float) -> QImage:
    image = QImage(round(64 * ratio), round(64 * ratio), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(0)
    painter = QPainter(image)
    icon.paint(painter, QRect(3, 5, size, size + 4), Qt.AlignmentFlag.AlignCenter, mode)
    painter.end()
    return image


def test_a_deferred_icon_draws_as_the_rendered_one(qapp: Any) -> None:
    for name in ("settings", "trash-2", "quote"):
        icons.clear_cache()
        deferred = icons.deferred_icon(name)
        rendered = icons._build(icons._key(name, None))
        assert deferred.availableSizes() == rendered.availableSizes()
        for size in (12, 16, 18, 20, 24, 32, 48):
            assert deferred.actualSize(QSize(size, size + 4)) == rendered.actualSize(QSize(size, size + 4))
            for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Disabled, QIcon.Mode.Active):
                assert deferred.pixmap(size, mode).toImage() == rendered.pixmap(size, mode).toImage()
                for ratio in (1.0, 1.5, 2.0):
                    a = deferred.pixmap(QSize(size, size), ratio, mode)
                    b = rendered.pixmap(QSize(size, size), ratio, mode)
                    assert a.toImage() == b.toImage() and a.devicePixelRatio() == b.devicePixelRatio()
                    assert _drawn(deferred, size, mode, ratio) == _drawn(rendered, size, mode, ratio)


def test_a_deferred_icon_draws_as_the_rendered_one_on_a_hidpi_screen(tmp_path: Path) -> None:
    code = ("import sys\nsys.argv = ['x', '-q', '-p', 'no:randomly', '-k', 'deferred_icon_draws_as_the_rendered_one and not hidpi',"
            f" {__file__!r}]\nimport pytest\nsys.exit(pytest.main(sys.argv[1:]))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2", "SENREF_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout, done.stdout[-3000:]


# -- PySide6's source check ----------------------------------------------------------------------------------


def test_the_source_check_keeps_its_own_modules_out_of_linecache(tmp_path: Path) -> None:
    code = ("import linecache\nimport PySide6.QtCore\nimport senref.gui.app\n"
            "print('\\n'.join(name.split('/')[-1] for name in linecache.cache))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SENREF_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    cached = set(done.stdout.split())
    # inspect (3,300 lines) and tokenize, which source_scan needs, come past PySide6's hook, not through it.
    assert not cached & {"inspect.py", "tokenize.py", "source_scan.py"}, sorted(cached)
