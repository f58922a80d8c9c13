"""Two-way sync beyond BibTeX: CSL-JSON and RIS edits merged, conflicts, deletions, new entries; Zotero RDF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from senref.core.library import Library
from senref.formats import registry
from senref.formats.base import ImportRecord
from tests.sync.conftest import cli, make_item, retitle

FORMATS = {"csljson": "tis.json", "ris": "tis.ris"}


def _target(lib: Library, out_dir: Path, fmt: str, *extra: str) -> Path:
    target = out_dir / FORMATS.get(fmt, f"tis.{fmt}")
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", fmt, "-o", str(target), *extra) == 0
    assert cli(lib, "sync", "run") == 0
    return target


def _read(fmt: str, path: Path) -> list[str]:
    """Titles in the file, read by senref's own reader (the file stays valid after every sync)."""
    reader = registry.get(fmt)
    assert reader is not None
    records = list(reader.read(path))
    assert all(isinstance(r, ImportRecord) for r in records), records
    return [r.item.title for r in records if isinstance(r, ImportRecord)]


def _replace(path: Path, old: str, new: str) -> None:
    data = path.read_bytes()
    assert old.encode() in data
    path.write_bytes(data.replace(old.encode(), new.encode()))


def _conflict_listing(lib: Library, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert cli(lib, "sync", "conflicts") == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_hand_edited_title_is_merged_into_the_library(fmt: str, lib: Library, tis: str, out_dir: Path) -> None:
    target = _target(lib, out_dir, fmt)
    _replace(target, "Therapy-induced senescence study 1", "Therapy-induced senescence, revisited")
    assert cli(lib, "sync", "run") == 0
    titles = sorted(i.title for i in lib.iter_items())
    assert titles == ["Therapy-induced senescence study 0", "Therapy-induced senescence study 2",
                      "Therapy-induced senescence, revisited"]
    assert sorted(_read(fmt, target)) == titles


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_same_field_edited_on_both_sides_is_a_conflict(fmt: str, lib: Library, tis: str, out_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    target = _target(lib, out_dir, fmt)
    _replace(target, "Therapy-induced senescence study 2", "Title from the file")
    on_disk = target.read_bytes()
    key = retitle(lib, "study 2", "Title from the library")
    version = lib.get_item(key).version
    assert cli(lib, "sync", "run") == 1
    assert target.read_bytes() == on_disk
    assert lib.get_item(key).title == "Title from the library" and lib.get_item(key).version == version
    listing = _conflict_listing(lib, capsys)
    assert "title" in listing and "Title from the file" in listing and "Title from the library" in listing
    # Still untouched on the next run: the conflict waits for the user.
    assert cli(lib, "sync", "run") == 1
    assert target.read_bytes() == on_disk
    assert cli(lib, "sync", "resolve", listing.split("\t", 1)[0], "--keep", "file") == 0
    assert lib.get_item(key).title == "Title from the file"
    assert "Title from the library" not in _read(fmt, target)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_entry_deleted_in_the_file_is_reported_not_deleted(fmt: str, lib: Library, tis: str, out_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = _target(lib, out_dir, fmt)
    text = target.read_bytes().decode("utf-8")
    if fmt == "ris":
        records = re.findall(r"TY  - .*?ER  - \r\n\r\n", text, flags=re.S)
        kept = "".join(r for r in records if "study 0" not in r)
    else:
        data = json.loads(text)
        kept = json.dumps([o for o in data if not o["title"].endswith("study 0")], indent=2)
    target.write_bytes(kept.encode("utf-8"))
    edited = target.read_bytes()
    assert cli(lib, "sync", "run") == 1
    assert lib.count() == 3 and any(i.title.endswith("study 0") for i in lib.iter_items(collection=tis))
    assert target.read_bytes() == edited
    listing = _conflict_listing(lib, capsys)
    assert "deleted from the file" in listing and "study 0" in listing
    assert cli(lib, "sync", "resolve", listing.split("\t", 1)[0], "--keep", "file") == 0
    assert lib.count() == 3  # out of the target's collection, still in the library
    assert len(list(lib.iter_items(collection=tis))) == 2
    assert sorted(_read(fmt, target)) == ["Therapy-induced senescence study 1", "Therapy-induced senescence study 2"]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_new_entry_in_the_file_becomes_an_item(fmt: str, lib: Library, tis: str, out_dir: Path) -> None:
    target = _target(lib, out_dir, fmt)
    if fmt == "ris":
        with target.open("ab") as handle:
            handle.write(b"TY  - JOUR\r\nAU  - Kirkland, James L.\r\nTI  - Cellular senescence: a translational "
                         b"perspective\r\nPY  - 2017\r\nER  - \r\n")
    else:
        data = json.loads(target.read_text(encoding="utf-8"))
        data.append({"id": "kirkland2017", "type": "article-journal", "issued": {"date-parts": [[2017]]},
                     "title": "Cellular senescence: a translational perspective",
                     "author": [{"family": "Kirkland", "given": "James L."}]})
        target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert cli(lib, "sync", "run") == 0
    found = [i for i in lib.iter_items(collection=tis) if "translational" in i.title]
    assert len(found) == 1 and found[0].creators[0].last_name == "Kirkland"
    assert lib.count() == 4
    assert len(_read(fmt, target)) == 4
    assert cli(lib, "sync", "run") == 0  # written back once: not imported a second time
    assert lib.count() == 4


def test_csljson_rewritten_by_another_tool_merges_only_what_changed(lib: Library, tis: str, out_dir: Path) -> None:
    """A tool that re-indents and reorders the whole array: every entry's bytes differ, one title changed."""
    target = _target(lib, out_dir, "csljson")
    data = json.loads(target.read_text(encoding="utf-8"))
    data.reverse()
    for obj in data:
        if obj["title"].endswith("study 0"):
            obj["title"] = "Edited in a reference tool"
    target.write_text(json.dumps(data, indent=4, sort_keys=True), encoding="utf-8")
    versions = {i.key: i.version for i in lib.iter_items()}
    assert cli(lib, "sync", "run") == 0
    changed = [i for i in lib.iter_items() if i.version != versions[i.key]]
    assert [i.title for i in changed] == ["Edited in a reference tool"]
    assert lib.count() == 3


def test_ris_entry_without_identifiers_is_matched_by_its_place(lib: Library, out_dir: Path) -> None:
    """RIS carries no citation key: an entry with neither key nor DOI is matched by where it stands."""
    key = lib.create_collection("TIS")
    for i in range(3):
        lib.save_item(make_item(f"Senescence without DOI {i}"), collections=[key])
    target = _target(lib, out_dir, "ris")
    _replace(target, "Senescence without DOI 1", "Senescence without DOI, edited")
    assert cli(lib, "sync", "run") == 0
    assert sorted(i.title for i in lib.iter_items()) == [
        "Senescence without DOI 0", "Senescence without DOI 2", "Senescence without DOI, edited"]


def test_zotero_rdf_with_files_and_outside_edit_is_a_whole_file_conflict(
        lib: Library, tis: str, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    item_key = next(i.key for i in lib.iter_items() if i.title.endswith("study 1"))
    lib.store_file(item_key, b"%PDF-1.4\n% tis\n", filename="study one.pdf", content_type="application/pdf")
    target = _target(lib, out_dir, "zotero-rdf", "--with-files")
    pdfs = list((out_dir / "files").rglob("*.pdf"))
    assert [p.name for p in pdfs] == ["study one.pdf"]
    rel = pdfs[0].relative_to(out_dir).as_posix()
    assert f'rdf:resource="{rel}"' in target.read_text(encoding="utf-8")
    # Zotero's side: the RDF and its files import together into an empty library.
    fresh = Library.open(out_dir.parent / "fresh", autotag=False)
    try:
        from senref.cli.main import main

        assert main(["--library", str(fresh.folder), "import", str(target)]) == 0
        fresh.close()
        fresh = Library.open(out_dir.parent / "fresh", autotag=False)
        titles = sorted(i.title for i in fresh.iter_items())
        assert titles == sorted(i.title for i in lib.iter_items())
        with_pdf = [i for i in fresh.iter_items() if i.attachments]
        assert [i.title for i in with_pdf] == ["Therapy-induced senescence study 1"]
    finally:
        fresh.close()

    # An outside edit: RDF is never merged entry by entry, so the whole file waits for a decision.
    _replace(target, "Therapy-induced senescence study 0", "Edited in Zotero")
    on_disk = target.read_bytes()
    retitle(lib, "study 2", "Edited in senref")
    capsys.readouterr()
    assert cli(lib, "sync", "run") == 1
    assert "conflict" in capsys.readouterr().err
    assert target.read_bytes() == on_disk
    assert not any(i.title == "Edited in Zotero" for i in lib.iter_items())
    listing = _conflict_listing(lib, capsys)
    assert "file changed outside senref" in listing
    assert cli(lib, "sync", "resolve", listing.split("\t", 1)[0], "--keep", "library") == 0
    text = target.read_text(encoding="utf-8")
    assert "Edited in senref" in text and "Edited in Zotero" not in text
    assert pdfs[0].read_bytes().startswith(b"%PDF")
