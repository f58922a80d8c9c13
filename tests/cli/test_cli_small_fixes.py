"""Issue 16, point 7 (CLI): read-only commands never create a library; exports say which format they wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BIBTEX = """@article{first, title = {Therapy-induced senescence in tumour cells}, author = {Doe, Jane and Roe, Richard},
  journal = {Journal of Invented Results}, year = {2021}, doi = {10.5555/senref.first}}
@article{second, title = {Senolytics after radiotherapy}, author = {Poe, Edgar}, year = {2022},
  journal = {Journal of Invented Results}, doi = {10.5555/senref.second}}
"""


def senref(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SENREF_HOME": str(home)}
    env.pop("SENREF_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "senref", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(home, library folder) holding the two works of BIBTEX."""
    base = tmp_path_factory.mktemp("small-fixes")
    source = base / "two.bib"
    source.write_text(BIBTEX, encoding="utf-8")
    home, folder = base / "home", base / "lib"
    result = senref(home, "--library", str(folder), "import", str(source))
    assert result.returncode == 0, result.stderr
    return home, folder


READ_ONLY = [
    ("show", "ABCD2345"), ("list",), ("search", "senescence"), ("export", "--format", "ris"), ("cite", "ABCD2345"),
    ("tags", "list"), ("collection", "list"), ("duplicates", "list"), ("duplicates", "scan"), ("check",),
    ("sync", "status"), ("sync", "conflicts"), ("note", "list", "ABCD2345"), ("backup", "create"),
]


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_a_missing_library_folder_creates_nothing(tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = tmp_path / "no" / "such" / "library"
    result = senref(tmp_path / "home", "--library", str(folder), *command)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert f"senref library not found in {folder}" in result.stderr
    assert "nothing was created" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "no").exists()


def test_an_empty_folder_stays_empty_and_the_remains_of_a_library_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = senref(tmp_path / "home", "--library", str(empty), "show", "ABCD2345")
    assert result.returncode == 1 and "senref library not found" in result.stderr
    assert list(empty.iterdir()) == []
    remains = tmp_path / "remains"
    (remains / "files").mkdir(parents=True)
    (remains / "files" / "paper.pdf").write_bytes(b"%PDF-1.4")
    result = senref(tmp_path / "home", "--library", str(remains), "list")
    assert result.returncode == 1 and "library.sqlite is missing" in result.stderr, result.stderr
    assert not (remains / "library.sqlite").exists()


def test_senrefs_own_default_library_still_starts_on_first_use(tmp_path: Path) -> None:
    result = senref(tmp_path / "home", "list")
    assert result.returncode == 0, result.stderr
    assert any(p.name == "library.sqlite" for p in (tmp_path / "home").rglob("*"))


def test_import_and_collection_create_still_start_a_library(tmp_path: Path) -> None:
    source = tmp_path / "two.bib"
    source.write_text(BIBTEX, encoding="utf-8")
    assert senref(tmp_path / "home", "--library", str(tmp_path / "a"), "import", str(source)).returncode == 0
    assert (tmp_path / "a" / "library.sqlite").is_file()
    created = senref(tmp_path / "home", "--library", str(tmp_path / "b"), "collection", "create", "TIS")
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "b" / "library.sqlite").is_file()


def test_export_to_json_says_it_wrote_senref_json_and_how_to_get_csl_json(library: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    home, folder = library
    out = tmp_path / "x.json"
    result = senref(home, "--library", str(folder), "export", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 2 items as senref" in result.stderr and "JSON" in result.stderr
    assert "--format csljson for CSL-JSON" in result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert all("data" in entry and "itemType" in entry["data"] for entry in written)  # senref JSON, not CSL


def test_export_with_format_named_gives_no_hint_and_writes_that_format(library: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    home, folder = library
    out = tmp_path / "x.json"
    result = senref(home, "--library", str(folder), "export", "--format", "csljson", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 2 items as CSL-JSON" in result.stderr and "--format" not in result.stderr
    assert all("type" in entry and "itemType" not in entry for entry in json.loads(out.read_text(encoding="utf-8")))


def test_export_to_stdout_and_to_bib_name_the_format_and_its_alternatives(library: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    home, folder = library
    to_stdout = senref(home, "--library", str(folder), "export")
    assert to_stdout.returncode == 0 and json.loads(to_stdout.stdout)
    assert "--format csljson for CSL-JSON" in to_stdout.stderr
    to_bib = senref(home, "--library", str(folder), "export", "-o", str(tmp_path / "x.bib"))
    assert "as BibTeX" in to_bib.stderr and "--format biblatex for BibLaTeX" in to_bib.stderr
    to_ris = senref(home, "--library", str(folder), "export", "-o", str(tmp_path / "x.ris"))
    assert "as RIS" in to_ris.stderr and "(use" not in to_ris.stderr  # nothing else writes .ris


def test_one_exported_item_is_one_item(library: tuple[Path, Path], tmp_path: Path) -> None:
    home, folder = library
    result = senref(home, "--library", str(folder), "export", "--search", "radiotherapy",
                    "-o", str(tmp_path / "one.ris"))
    assert result.returncode == 0, result.stderr
    assert "wrote 1 item as RIS" in result.stderr
