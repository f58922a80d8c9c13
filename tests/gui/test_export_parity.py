"""The CLI and the window write the same bytes: Export for every writable format, and sync, under a key pattern."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.settings import load_settings
from senref.demo import simple_pdf
from senref.gui.dialogs.export_dialog import EXPORT_FORMATS, FILE_FORMATS
from senref.sync.targets import Target
from tests.gui.conftest import SAMPLE, add_items, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

#: Not the default pattern ([auth:lower][year][veryshorttitle:lower]), so a front end that ignores it shows.
PATTERN = "[auth][year]"
PINNED = {"Senolytic navitoclax clears irradiated cells": "Zhou2019",
          "Doxorubicin-induced senescence drives relapse": "Demaria2021",
          "A biomarker of senescent cells": "Dimri1995"}
KEYED_FORMATS = {"bibtex", "biblatex"}  # the formats that hand out citation keys


@pytest.fixture
def base(tmp_path: Path, senref_home: Path) -> Path:
    """A closed library with the three sample items (one with a PDF) and a settings.toml with PATTERN."""
    (senref_home / "config").mkdir(parents=True, exist_ok=True)
    (senref_home / "config" / "settings.toml").write_text(
        f'# lab settings\n[export]\ncitation_key_pattern = "{PATTERN}"\n', encoding="utf-8")
    folder = tmp_path / "base-lib"
    with Library.open(folder) as lib:
        keys = add_items(lib, SAMPLE)
        lib.store_file(keys[0], simple_pdf(["Senolytic navitoclax"]), filename="navitoclax.pdf",
                       content_type="application/pdf")
    return folder


@contextmanager
def fresh_copy(base: Path, keep_as: str) -> Iterator[Path]:
    """*base* copied to one path for each front end in turn (exports name stored files by their absolute
    path), then moved aside as *keep_as* for the checks."""
    folder = base.parent / "lib"
    shutil.copytree(base, folder)
    yield folder
    folder.rename(base.parent / keep_as)


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SENREF_HOME": str(home), "PYTHONWARNINGS": "error"}
    result = subprocess.run([sys.executable, "-m", "senref", *args], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result


@contextmanager
def opened_window(qtbot: Any, folder: Path) -> Iterator[Any]:
    from senref.gui.main_window import MainWindow

    win = MainWindow(Library.open(folder, role="gui"), settings=load_settings())
    qtbot.addWidget(win)
    win.show()
    wait_idle(qtbot, win)
    try:
        yield win
    finally:
        win.jobs.cancel_all()
        win.close()


def pinned_keys(folder: Path) -> dict[str, str]:
    with Library.open(folder, autotag=False) as lib:
        return {item.title: item.fields.get("citationKey", "") for item in lib.iter_items()}


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


CASES = [(name, False) for name, _label, _ext in EXPORT_FORMATS] + \
        [(name, True) for name, _label, _ext in EXPORT_FORMATS if name in FILE_FORMATS]


@pytest.mark.parametrize(("format_name", "with_files"), CASES,
                         ids=[f"{n}{'+files' if f else ''}" for n, f in CASES])
def test_cli_and_window_export_the_same_bytes_and_pin_the_same_keys(
        qtbot: Any, base: Path, senref_home: Path, format_name: str, with_files: bool) -> None:
    ext = next(e for n, _label, e in EXPORT_FORMATS if n == format_name)
    out = base.parent / "out"
    out.mkdir()
    with fresh_copy(base, "cli-lib") as lib:
        cli("--library", str(lib), "export", "--format", format_name, "-o", str(out / f"export{ext}"),
            *(["--with-files"] if with_files else []), home=senref_home)
    cli_out = out.rename(base.parent / "cli-out") / f"export{ext}"
    win_out = out / f"export{ext}"
    out.mkdir()

    with fresh_copy(base, "win-lib") as lib, opened_window(qtbot, lib) as win:
        assert win.settings.citation_key_pattern == PATTERN
        win.export_action.trigger()
        dialog = win.transfer_controller.dialogs[-1]
        dialog.format.setCurrentIndex(dialog.format.findData(format_name))
        dialog.path.setText(str(win_out))
        assert dialog.include_files.isEnabled() == (format_name in FILE_FORMATS)
        dialog.include_files.setChecked(with_files)
        with qtbot.waitSignal(win.jobs.job_finished, timeout=15_000) as blocker:
            dialog.ok_button.click()
        job = blocker.args[0]
        assert job.state == "done", job.details
        assert job.result.count == 3

    assert win_out.read_bytes() == cli_out.read_bytes()
    assert tree(win_out.parent) == tree(cli_out.parent)  # the copied files too
    if with_files and format_name != "json":  # senref JSON lists attachments but copies no file
        assert [p.name for p in cli_out.parent.rglob("*.pdf")] == ["navitoclax.pdf"]
    expected = PINNED if format_name in KEYED_FORMATS else dict.fromkeys(PINNED, "")
    assert pinned_keys(base.parent / "cli-lib") == pinned_keys(base.parent / "win-lib") == expected
    if format_name in KEYED_FORMATS:
        assert "{Zhou2019," in cli_out.read_text(encoding="utf-8")


def test_window_sync_follows_the_settings_pattern_as_the_cli_does(qtbot: Any, base: Path,
                                                                  senref_home: Path) -> None:
    out = base.parent / "out"
    out.mkdir()
    with fresh_copy(base, "cli-lib") as lib:
        cli("--library", str(lib), "sync", "add", "--format", "bibtex", "-o", str(out / "refs.bib"), home=senref_home)
        cli("--library", str(lib), "sync", "run", home=senref_home)
    cli_out = out.rename(base.parent / "cli-out") / "refs.bib"
    win_out = out / "refs.bib"
    out.mkdir()

    with fresh_copy(base, "win-lib") as lib, opened_window(qtbot, lib) as win:
        service = win.sync_service
        assert service.engine.options["citekey_pattern"] == PATTERN
        target = service.add_target(Target(path=str(win_out), format="bibtex"))
        qtbot.waitUntil(lambda: service.engine.state(target.id).state == "ok" and not service.busy(),
                        timeout=15_000)

    text = win_out.read_text(encoding="utf-8")
    assert "@article{Zhou2019," in text and "@article{Demaria2021," in text and "@article{Dimri1995," in text
    assert win_out.read_bytes() == cli_out.read_bytes()
    assert pinned_keys(base.parent / "win-lib") == pinned_keys(base.parent / "cli-lib") == PINNED
