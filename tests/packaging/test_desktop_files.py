"""The shipped desktop entry, AppStream metainfo, MIME package, icons and PyInstaller spec are valid."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from senref import desktop

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "desktop"
ENTRY = SHIPPED / f"{desktop.APP_ID}.desktop"
METAINFO = SHIPPED / f"{desktop.APP_ID}.metainfo.xml"
MIME = SHIPPED / f"{desktop.APP_ID}.xml"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed here (CI installs desktop-file-utils and appstream)")
    return path


def entry_keys(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run([require("desktop-file-validate"), str(ENTRY)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout


def test_metainfo_passes_appstreamcli() -> None:
    result = subprocess.run([require("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "W: " not in result.stdout and "E: " not in result.stdout, result.stdout


def test_entry_launches_senref_gui_with_files() -> None:
    keys = entry_keys(ENTRY)
    assert keys["Exec"] == "senref-gui %F"
    assert keys["Icon"] == desktop.APP_ID
    assert not any(t.startswith("x-scheme-handler/") for t in keys["MimeType"].split(";"))


def test_every_mime_type_is_known_or_defined_and_listed_everywhere() -> None:
    listed = {t for t in entry_keys(ENTRY)["MimeType"].split(";") if t}
    metainfo = {e.text for e in ET.parse(METAINFO).getroot().iter("mediatype")}
    defined = {e.get("type") for e in ET.parse(MIME).getroot().iter(f"{MIME_NS}mime-type")}
    # BibTeX comes with every shared-mime-info; RIS only with recent ones, so we define it as well.
    assert defined == {"application/x-research-info-systems", "application/vnd.citationstyles.csl+json",
                       "application/x-zotero-rdf"}
    assert listed == metainfo == defined | {"text/x-bibtex"}


def test_metainfo_names_the_entry_and_a_repository_screenshot() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == desktop.APP_ID
    assert root.findtext("launchable") == ENTRY.name
    image = root.findtext("screenshots/screenshot/image") or ""
    assert image.endswith("/docs/screenshot.png")
    assert (ROOT / "docs" / "screenshot.png").is_file()


def test_mime_package_compiles_and_recognises_zotero_rdf_by_content(tmp_path: Path) -> None:
    tool = require("update-mime-database")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME, packages / MIME.name)
    result = subprocess.run([tool, str(tmp_path / "mime")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/vnd.citationstyles.csl+json:*.csl.json" in globs
    assert "application/x-zotero-rdf:*.rdf" in globs
    magic = (tmp_path / "mime" / "magic").read_bytes()
    assert b"application/x-zotero-rdf" in magic and b"http://www.zotero.org/namespaces/export#" in magic


def test_linux_packaging_folder_points_at_the_shipped_files() -> None:
    """packaging/linux is where packagers look; the files themselves ship inside the wheel (senref.resources)."""
    linux = ROOT / "packaging" / "linux"
    for shipped in (ENTRY, METAINFO, MIME):
        assert (linux / shipped.name).resolve() == shipped.resolve()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_icon_svg_and_every_png_size_exist() -> None:
    icons = ROOT / "resources" / "icons"
    svg = ET.parse(icons / "senref.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 128 128"
    for size in desktop.ICON_SIZES:
        assert png_size(icons / f"senref-{size}.png") == (size, size)


def test_pyinstaller_spec_and_entry_script_are_python() -> None:
    spec = ROOT / "packaging" / "pyinstaller" / "senref.spec"
    tree = ast.parse(spec.read_text(encoding="utf-8"), filename=str(spec))
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "copy_metadata", "collect_submodules"} <= called
    entry = ROOT / "packaging" / "pyinstaller" / "entry.py"
    ast.parse(entry.read_text(encoding="utf-8"), filename=str(entry))


@pytest.mark.parametrize(("argv0", "expected"), [
    ("/opt/senref/senref-gui", "gui"), ("/opt/senref/SENREF-GUI.exe", "gui"), ("/opt/senref/senref", "cli"),
])
def test_bundle_entry_picks_the_entry_point_by_program_name(argv0: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import senref.__main__

    spec = importlib.util.spec_from_file_location("senref_bundle_entry", ROOT / "packaging" / "pyinstaller" / "entry.py")
    assert spec is not None and spec.loader is not None
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    monkeypatch.setattr(senref.__main__, "gui_main", lambda: 10)
    monkeypatch.setattr(senref.__main__, "main", lambda: 20)
    monkeypatch.setattr("sys.argv", [argv0])
    assert entry._entry() == (10 if expected == "gui" else 20)
