"""The issue's must-shows through `senref sync`: add, run, file + PDF + pandoc, hand edit merged, conflict."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest

from senref.core.library import Library
from tests.sync.conftest import cli, make_item, retitle


def _entries(path: Path) -> dict[str, dict[str, str]]:
    parsed = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not parsed.failed_blocks
    return {e.key: {f.key: f.value for f in e.fields} for e in parsed.entries}


def test_add_record_then_run_writes_it_with_its_pdf(lib: Library, tis: str, out_dir: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    target = out_dir / "tis.bib"
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target), "--with-files") == 0
    assert cli(lib, "sync", "run") == 0
    assert len(_entries(target)) == 3
    key = lib.save_item(make_item("Senolytics after doxorubicin", "2023", "10.5555/new.1"), collections=[tis]).key
    lib.store_file(key, b"%PDF-1.4\n% senolytics\n", filename="senolytics.pdf", content_type="application/pdf")
    assert cli(lib, "sync", "run") == 0
    entries = _entries(target)
    added = [e for e in entries.values() if "Senolytics after doxorubicin" in e.get("title", "")]
    assert len(added) == 1
    pdfs = list((out_dir / "files").rglob("senolytics.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    assert pdfs[0].relative_to(out_dir).as_posix() in added[0]["file"]  # relative: the folder can move
    assert cli(lib, "sync", "status") == 0
    assert "ok\t4 items" in capsys.readouterr().out


def test_pandoc_reads_the_target(lib: Library, tis: str, out_dir: Path) -> None:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed")
    target = out_dir / "tis.bib"
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target)) == 0
    assert cli(lib, "sync", "run") == 0
    result = subprocess.run([pandoc, "-f", "bibtex", "-t", "csljson", str(target)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Therapy-induced senescence study") == 3


def _hand_edit(target: Path, old: str, new: str) -> None:
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")


def test_hand_edit_of_a_title_is_merged_into_the_library(lib: Library, tis: str, out_dir: Path) -> None:
    target = out_dir / "tis.bib"
    cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target))
    assert cli(lib, "sync", "run") == 0
    _hand_edit(target, "Therapy-induced senescence study 1", "Therapy-induced senescence, revisited")
    assert cli(lib, "sync", "run") == 0
    titles = sorted(i.title for i in lib.iter_items())
    assert "Therapy-induced senescence, revisited" in titles
    assert "Therapy-induced senescence study 1" not in titles
    assert "revisited" in target.read_text(encoding="utf-8")


def test_same_field_edited_on_both_sides_is_a_conflict_and_changes_neither(
        lib: Library, tis: str, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = out_dir / "tis.bib"
    cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target))
    assert cli(lib, "sync", "run") == 0
    _hand_edit(target, "Therapy-induced senescence study 2", "Title from the file")
    on_disk = target.read_bytes()
    key = retitle(lib, "study 2", "Title from the library")
    capsys.readouterr()
    assert cli(lib, "sync", "run") == 1
    assert "conflict" in capsys.readouterr().err
    assert target.read_bytes() == on_disk  # the file is left untouched
    assert lib.get_item(key).title == "Title from the library"
    assert cli(lib, "sync", "conflicts") == 0
    listing = capsys.readouterr().out
    assert "Title from the file" in listing and "Title from the library" in listing
    conflict_id = listing.split("\t", 1)[0]
    assert cli(lib, "sync", "resolve", conflict_id, "--keep", "file") == 0
    assert lib.get_item(key).title == "Title from the file"
    assert "Title from the library" not in target.read_text(encoding="utf-8")


def test_keep_library_rewrites_the_file(lib: Library, tis: str, out_dir: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    target = out_dir / "tis.bib"
    cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target))
    cli(lib, "sync", "run")
    _hand_edit(target, "Therapy-induced senescence study 0", "file says hello")
    key = retitle(lib, "study 0", "library says goodbye")
    assert cli(lib, "sync", "run") == 1
    capsys.readouterr()
    cli(lib, "sync", "conflicts")
    conflict_id = capsys.readouterr().out.split("\t", 1)[0]
    assert cli(lib, "sync", "resolve", conflict_id, "--keep", "library") == 0
    assert lib.get_item(key).title == "library says goodbye"
    text = target.read_text(encoding="utf-8")
    assert "library says goodbye" in text and "file says hello" not in text


def test_entry_deleted_in_the_file_is_reported_not_deleted(lib: Library, tis: str, out_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = out_dir / "tis.bib"
    cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target))
    cli(lib, "sync", "run")
    text = target.read_text(encoding="utf-8")
    start = text.rfind("@", 0, text.index("study 0"))
    end = text.find("\n@", start + 1)
    target.write_text(text[:start] + (text[end + 1:] if end >= 0 else ""), encoding="utf-8")
    assert cli(lib, "sync", "run") == 1
    assert lib.count() == 3 and any(i.title.endswith("study 0") for i in lib.iter_items())
    capsys.readouterr()
    cli(lib, "sync", "conflicts")
    listing = capsys.readouterr().out
    assert "deleted from the file" in listing
    assert cli(lib, "sync", "resolve", listing.split("\t", 1)[0], "--keep", "file") == 0
    # Taken out of the collection the target holds, not deleted from the library.
    assert lib.count() == 3
    assert len(_entries(target)) == 2


def test_new_entry_in_the_file_becomes_an_item_in_the_collection(lib: Library, tis: str, out_dir: Path) -> None:
    target = out_dir / "tis.bib"
    cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(target))
    cli(lib, "sync", "run")
    with target.open("a", encoding="utf-8") as handle:
        handle.write("\n@article{kirkland2017,\n  title = {Cellular senescence: a translational perspective},\n"
                     "  author = {Kirkland, James L.},\n  year = {2017}\n}\n")
    assert cli(lib, "sync", "run") == 0
    found = [i for i in lib.iter_items(collection=tis) if "translational" in i.title]
    assert len(found) == 1
    assert len(_entries(target)) == 4


def test_target_configuration_clashes_are_refused(lib: Library, tis: str, out_dir: Path) -> None:
    target = out_dir / "a.bib"
    assert cli(lib, "sync", "add", "--format", "bibtex", "-o", str(target), "--with-files") == 0
    assert cli(lib, "sync", "add", "--tag", "x", "--format", "bibtex", "-o", str(target)) == 2
    assert cli(lib, "sync", "add", "--format", "bibtex", "-o", str(out_dir / "files" / "b.bib")) == 2
    assert cli(lib, "sync", "add", "--format", "bibtex", "-o", str(lib.folder / "in-library.bib")) == 2
    assert cli(lib, "sync", "add", "--format", "docx", "-o", str(out_dir / "c.docx")) == 2
