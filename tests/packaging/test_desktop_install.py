"""`senref desktop install/uninstall` into a temporary XDG data folder: files, idempotence, exact removal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from senref import desktop


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def test_data_home_follows_xdg_and_ignores_relative_values(tmp_path: Path) -> None:
    assert desktop.data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path
    assert desktop.data_home({"XDG_DATA_HOME": "relative/share"}) == Path.home() / ".local" / "share"
    assert desktop.data_home({}) == Path.home() / ".local" / "share"


def test_install_writes_every_file_then_uninstall_leaves_the_folder_as_it_was(xdg: Path, tmp_path: Path) -> None:
    other = xdg / "icons" / "hicolor" / "48x48" / "apps" / "someone-else.png"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"not ours")
    before = tree(xdg)

    launcher = tmp_path / "bin" / "senref-gui"
    outcome = desktop.install(run_tools=False, launcher=launcher)
    assert len(outcome.written) == len(desktop.placements()) == 4 + len(desktop.ICON_SIZES)
    assert (xdg / "applications" / f"{desktop.APP_ID}.desktop").is_file()
    assert (xdg / "mime" / "packages" / f"{desktop.APP_ID}.xml").is_file()
    assert (xdg / "metainfo" / f"{desktop.APP_ID}.metainfo.xml").is_file()
    assert (xdg / "icons" / "hicolor" / "scalable" / "apps" / f"{desktop.APP_ID}.svg").is_file()
    assert (xdg / "icons" / "hicolor" / "512x512" / "apps" / f"{desktop.APP_ID}.png").is_file()
    assert not list(xdg.rglob("*.part"))

    removed = desktop.uninstall(run_tools=False)
    assert sorted(removed.removed) == sorted(outcome.written)
    assert tree(xdg) == before  # the other program's icon and its folders stay, ours are gone
    assert other.read_bytes() == b"not ours"


def test_second_install_changes_nothing(xdg: Path) -> None:
    desktop.install(run_tools=False)
    stamps = {p: p.stat().st_mtime_ns for p in xdg.rglob("*") if p.is_file()}
    again = desktop.install(run_tools=False)
    assert again.written == []
    assert len(again.unchanged) == len(desktop.placements())
    assert {p: p.stat().st_mtime_ns for p in xdg.rglob("*") if p.is_file()} == stamps


def test_uninstall_without_install_removes_nothing(xdg: Path) -> None:
    assert desktop.uninstall(run_tools=False).removed == []
    assert not xdg.exists()


def test_installed_entry_runs_the_launcher_by_absolute_path_and_still_validates(xdg: Path, tmp_path: Path) -> None:
    launcher = tmp_path / "my apps" / "senref-gui"  # a space forces quoting
    desktop.install(run_tools=False, launcher=launcher)
    text = (xdg / "applications" / f"{desktop.APP_ID}.desktop").read_text(encoding="utf-8")
    assert f'Exec="{launcher}" %F' in text
    assert f"TryExec={launcher}\n" in text
    validator = shutil.which("desktop-file-validate")
    if validator:  # the quoting must be what the spec allows, not only what we expect
        result = subprocess.run([validator, str(xdg / "applications" / f"{desktop.APP_ID}.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(("value", "quoted"), [
    ("/usr/bin/senref-gui", "/usr/bin/senref-gui"),
    ("/opt/my apps/senref-gui", '"/opt/my apps/senref-gui"'),
    ("/opt/$HOME/x", '"/opt/\\\\$HOME/x"'),
    ("/opt/100%/x", "/opt/100%%/x"),
])
def test_exec_quoting_follows_the_desktop_entry_spec(value: str, quoted: str) -> None:
    assert desktop.quote_exec_argument(value) == quoted


def test_install_refreshes_the_caches_when_the_tools_exist(xdg: Path) -> None:
    if not (shutil.which("update-mime-database") and shutil.which("update-desktop-database")):
        pytest.skip("update-mime-database / update-desktop-database not installed")
    outcome = desktop.install()
    assert outcome.tools_run == ["update-mime-database", "update-desktop-database"], outcome.warnings
    assert "application/x-zotero-rdf" in (xdg / "mime" / "types").read_text(encoding="utf-8")
    cache = (xdg / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    assert f"text/x-bibtex={desktop.APP_ID}.desktop;" in cache
    desktop.uninstall()
    assert "application/x-zotero-rdf" not in (xdg / "mime" / "types").read_text(encoding="utf-8")
    assert desktop.APP_ID not in (xdg / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")


def test_install_refuses_on_platforms_without_xdg_menus(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not desktop.supported("win32") and not desktop.supported("darwin") and desktop.supported("linux")
    monkeypatch.setattr(desktop.sys, "platform", "darwin")
    with pytest.raises(desktop.DesktopError, match="installer"):
        desktop.install(run_tools=False)
    assert not xdg.exists()


def run_cli(*args: str, xdg: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(xdg), "SENREF_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "senref", *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_install_and_uninstall(tmp_path: Path) -> None:
    xdg, home = tmp_path / "share", tmp_path / "home"
    first = run_cli("desktop", "install", "--user", xdg=xdg, home=home)
    assert first.returncode == 0, first.stderr
    assert f"installed {xdg / 'applications' / desktop.APP_ID}.desktop" in first.stdout
    second = run_cli("desktop", "install", xdg=xdg, home=home)
    assert second.returncode == 0 and "already installed" in second.stdout
    gone = run_cli("desktop", "uninstall", xdg=xdg, home=home)
    assert gone.returncode == 0, gone.stderr
    assert f"removed {xdg / 'metainfo' / desktop.APP_ID}.metainfo.xml" in gone.stdout
    assert not list(xdg.rglob(f"{desktop.APP_ID}*"))


def test_cli_desktop_needs_an_action(tmp_path: Path) -> None:
    result = run_cli("desktop", xdg=tmp_path / "share", home=tmp_path / "home")
    assert result.returncode == 2
    assert "ACTION" in result.stderr


ZOTERO_RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:z="http://www.zotero.org/namespaces/export#">
</rdf:RDF>
"""
PLAIN_RDF = ZOTERO_RDF.replace(' xmlns:z="http://www.zotero.org/namespaces/export#"', "")


def test_installed_types_recognise_bibliography_files(xdg: Path, tmp_path: Path) -> None:
    """What a file manager sees after install: each format by name or content, plain RDF left alone."""
    if not shutil.which("update-mime-database"):
        pytest.skip("update-mime-database not installed")
    desktop.install()
    samples = tmp_path / "samples"
    samples.mkdir()
    files = {
        "zotero.rdf": (ZOTERO_RDF, "application/x-zotero-rdf"),
        "plain.rdf": (PLAIN_RDF, "application/rdf+xml"),
        "items.csl.json": ('[{"id": "a", "type": "article-journal"}]', "application/vnd.citationstyles.csl+json"),
        "refs.ris": ("TY  - JOUR\nTI  - Senescence\nER  - \n", "application/x-research-info-systems"),
        "bom.ris": ("\ufeffTY  - BOOK\nER  - \n", "application/x-research-info-systems"),
        "refs.bib": ("@article{a, title={Senolytics}}\n", "text/x-bibtex"),
    }
    for name, (text, _) in files.items():
        (samples / name).write_text(text, encoding="utf-8")
    # A fresh process: QMimeDatabase reads the XDG folders once, when first used.
    script = ("import json, sys; from PySide6.QtCore import QMimeDatabase; db = QMimeDatabase(); "
              "print(json.dumps({n: db.mimeTypeForFile(sys.argv[1] + '/' + n).name() for n in sys.argv[2:]}))")
    result = subprocess.run([sys.executable, "-c", script, str(samples), *files], capture_output=True, text=True,
                            env={**os.environ, "XDG_DATA_HOME": str(xdg)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {name: expected for name, (_, expected) in files.items()}
