"""`convert_file`: a file to a file through the import readers and export writers, with no library."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.actions.convert import ConvertError, convert_file
from senref.actions.export import export_items
from senref.actions.imports import import_files
from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import Settings
from senref.formats import registry

BIB = r"""@article{coleman2021,
  title = {Therapy-Induced Senescence in {Cancer}},
  author = {Coleman, C. Norman and Sch{\"u}tz, J{\"o}rg and {National Cancer Institute}},
  journal = {JNCI: Journal of the National Cancer Institute},
  year = {2021}, volume = {113}, number = {10}, pages = {1285--1298},
  doi = {10.1093/jnci/djab064},
  keywords = {senescence, SASP},
  abstract = {Radiation and chemotherapy induce senescence; the SASP follows.},
}

@book{ewald2010,
  title = {Senolytics: the one-two punch},
  editor = {de la Fuente, María},
  publisher = {Springer}, address = {Berlin}, year = {2010}, isbn = {978-3-16-148410-0},
}

@misc{saleh2019,
  title = {A preprint on $\beta$-galactosidase},
  author = {Saleh, Tareq},
  howpublished = {bioRxiv}, year = {2019}, note = {HAL: hal-01234567},
}
"""


def entries(path: Path) -> list[dict[str, object]]:
    """The records of *path* as its reader sees them: fields, creators, tags (order kept)."""
    fmt = registry.sniff(path)
    assert fmt is not None
    out: list[dict[str, object]] = []
    for record in fmt.read(path):
        item = getattr(record, "item", None)
        assert item is not None, record
        out.append({"type": item.item_type, "fields": {k: v for k, v in item.fields.items() if v},
                    "creators": [(c.creator_type, c.first_name, c.last_name, c.name) for c in item.creators],
                    "tags": sorted(t.tag for t in item.tags), "ids": dict(item.identifiers)})
    return out


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "refs.bib"
    path.parent.mkdir()
    path.write_text(BIB, encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["ris", "csljson", "zotero-rdf", "biblatex", "bibtex", "json"])
def test_convert_writes_what_import_then_export_writes(bib: Path, tmp_path: Path, target: str) -> None:
    fmt = registry.get(target)
    assert fmt is not None
    converted, exported = tmp_path / f"converted{fmt.extensions[0]}", tmp_path / f"exported{fmt.extensions[0]}"
    report = convert_file(bib, converted, Settings(), to_format=target)
    assert (report.count, report.problems) == (3, [])
    lib = Library.open(tmp_path / "lib", autotag=False)
    try:
        assert import_files(lib, Settings(), [bib]).created == 3
        export_items(lib, Settings(), ItemQuery(), exported, target)
    finally:
        lib.close()

    def comparable(path: Path) -> list[dict[str, object]]:
        got = entries(path)
        for entry in got:
            fields = entry["fields"]
            assert isinstance(fields, dict)
            for name in ("dateAdded", "dateModified", "accessDate"):  # the library's own stamps
                fields.pop(name, None)
        return sorted(got, key=repr)
    assert comparable(converted) == comparable(exported)


def test_bibtex_to_bibtex_keeps_the_citation_keys_and_the_latex(bib: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    convert_file(bib, out, Settings())
    text = out.read_text(encoding="utf-8")
    for key in ("coleman2021", "ewald2010", "saleh2019"):
        assert f"{{{key}," in text
    assert r"Sch{\"u}tz" in text or r"Sch{\"{u}}tz" in text
    assert "{National Cancer Institute}" in text


def test_unicode_keeps_utf8_in_bibtex(bib: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    convert_file(bib, out, Settings(), unicode=True)
    assert "Schütz" in out.read_text(encoding="utf-8")


def test_no_library_is_created_and_nothing_beside_the_output(bib: Path, tmp_path: Path, senref_home: Path) -> None:
    out = tmp_path / "out" / "refs.ris"
    out.parent.mkdir()
    convert_file(bib, out, Settings())
    assert sorted(p.name for p in out.parent.iterdir()) == ["refs.ris"]
    assert not senref_home.exists() or not any(senref_home.rglob("library.sqlite*"))


@pytest.mark.parametrize("suffix", [".ris", ".rdf", ".json"])
def test_attachments_outside_the_input_folder_are_dropped_unread(tmp_path: Path, suffix: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "paper.pdf").write_bytes(b"%PDF-1.4 inside")
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 outside")
    (folder / "link.pdf").symlink_to(secret)
    bib = folder / "refs.bib"
    bib.write_text("@article{a, title={Inside}, year={2020}, file={:paper.pdf:application/pdf}}\n"
                   f"@article{{b, title={{Outside}}, year={{2020}}, file={{:{secret}:application/pdf}}}}\n"
                   "@article{c, title={Climbing}, year={2020}, file={:../secret.pdf:application/pdf}}\n"
                   "@article{d, title={Linked out}, year={2020}, file={:link.pdf:application/pdf}}\n"
                   "@article{e, title={System}, year={2020}, file={:/etc/passwd:text/plain}}\n",
                   encoding="utf-8")
    out = tmp_path / "out" / f"refs{suffix}"
    out.parent.mkdir()
    report = convert_file(bib, out, Settings())
    text = out.read_text(encoding="utf-8")
    copied = [p for p in out.parent.rglob("*") if p.is_file() and p != out]
    if suffix == ".rdf":  # Zotero RDF keeps its files beside it, as Zotero's own export does
        assert [p.read_bytes() for p in copied] == [b"%PDF-1.4 inside"]
        assert copied[0].relative_to(out.parent).as_posix() in text
    else:
        assert copied == []
        assert str(folder / "paper.pdf") in text
    assert "secret.pdf" not in text and "/etc/passwd" not in text and "link.pdf" not in text
    assert report.count == 5
    assert len([w for w in report.warnings if "attachment skipped" in w]) == 4, report.warnings
    assert secret.read_bytes() == b"%PDF-1.4 outside"


def test_files_from_allows_another_folder(tmp_path: Path) -> None:
    folder, pdfs = tmp_path / "in", tmp_path / "pdfs"
    folder.mkdir()
    pdfs.mkdir()
    (pdfs / "p.pdf").write_bytes(b"%PDF-1.4")
    bib = folder / "refs.bib"
    bib.write_text(f"@article{{a, title={{T}}, year={{2020}}, file={{:{pdfs / 'p.pdf'}:application/pdf}}}}\n",
                   encoding="utf-8")
    out = tmp_path / "out.ris"
    report = convert_file(bib, out, Settings(), files_from=[pdfs])
    assert report.warnings == []
    assert str(pdfs / "p.pdf") in out.read_text(encoding="utf-8")


def test_a_bad_entry_is_named_and_the_rest_converted(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{good1, title={One}, year={2020}}\n\n@article{broken, title={Two\n\n"
                   "@article{good2, title={Three}, year={2021}}\n", encoding="utf-8")
    out = tmp_path / "out.ris"
    report = convert_file(bib, out, Settings())
    assert report.failed and report.problems and report.problems[0].startswith("line ")
    titles = [e["fields"]["title"] for e in entries(out)]  # type: ignore[index]
    assert "One" in titles and "Three" in titles


@pytest.mark.parametrize("case", ["missing", "unknown", "same", "writer", "reader"])
def test_refusals_write_nothing(tmp_path: Path, bib: Path, case: str) -> None:
    out = tmp_path / "out.ris"
    out.write_text("hand-made, keep me\n", encoding="utf-8")
    source, kwargs = bib, {}
    if case == "missing":
        source = tmp_path / "nope.bib"
    elif case == "unknown":
        source = tmp_path / "notes.txt"
        source.write_text("just some words\n", encoding="utf-8")
    elif case == "same":
        out = bib
    elif case == "writer":
        kwargs = {"to_format": "pubmed-xml"}
    else:
        kwargs = {"from_format": "no-such-format"}
    before = out.read_bytes()
    with pytest.raises(ConvertError):
        convert_file(source, out, Settings(), **kwargs)  # type: ignore[arg-type]
    assert out.read_bytes() == before


def test_over_the_import_limit_is_refused_unread(bib: Path, tmp_path: Path) -> None:
    settings = Settings()
    settings.max_import_mb = 0.0001
    with pytest.raises(ConvertError, match="import limit"):
        convert_file(bib, tmp_path / "out.ris", settings)
    assert not (tmp_path / "out.ris").exists()


def test_a_stop_leaves_the_output_as_it_was(bib: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.ris"
    out.write_text("old\n", encoding="utf-8")
    report = convert_file(bib, out, Settings(), should_stop=lambda: True)
    assert report.cancelled and report.summary() == "cancelled; nothing written"
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.ris"]


def test_collections_and_keys_survive_rdf_to_rdf(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib", autotag=False)
    source = tmp_path / "zotero.rdf"
    try:
        parent = lib.ensure_collection_path(["TIS", "Radiation"])
        for title in ("Irradiated fibroblasts", "Senolytic ABT-263"):
            result = lib.save_item(Item(item_type="journalArticle", fields={"title": title, "date": "2020"}),
                                   collections=[parent])
            assert result.created
        export_items(lib, Settings(), ItemQuery(), source, "zotero-rdf")
    finally:
        lib.close()
    out = tmp_path / "again.rdf"
    assert convert_file(source, out, Settings()).count == 2
    fmt = registry.get("zotero-rdf")
    assert fmt is not None
    paths = {record.item.fields["title"]: record.collections for record in fmt.read(out)  # type: ignore[union-attr]
             }
    assert paths == {"Irradiated fibroblasts": [("TIS", "Radiation")], "Senolytic ABT-263": [("TIS", "Radiation")]}


def test_repeated_keys_in_a_file_become_distinct(tmp_path: Path) -> None:
    source = tmp_path / "items.json"
    record = '{"key": "ABCD2345", "version": 1, "data": {"itemType": "book", "title": "%s"}}'
    source.write_text("[" + ",".join(record % t for t in ("One", "Two")) + "]", encoding="utf-8")
    out = tmp_path / "out.json"
    assert convert_file(source, out, Settings(), from_format="json").count == 2
    fmt = registry.get("json")
    assert fmt is not None
    keys = [record.item.key for record in fmt.read(out)]  # type: ignore[union-attr]
    assert len(set(keys)) == 2


def test_a_files_link_beside_the_output_is_never_written_through(tmp_path: Path) -> None:
    folder, out_dir, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    for path in (folder, out_dir, elsewhere):
        path.mkdir()
    (folder / "paper.pdf").write_bytes(b"%PDF-1.4")
    (out_dir / "files").symlink_to(elsewhere, target_is_directory=True)
    bib = folder / "refs.bib"
    bib.write_text("@article{a, title={Inside}, year={2020}, file={:paper.pdf:application/pdf}}\n", encoding="utf-8")
    report = convert_file(bib, out_dir / "refs.rdf", Settings())
    assert report.count == 1 and list(elsewhere.iterdir()) == []
    assert "paper.pdf" not in (out_dir / "refs.rdf").read_text(encoding="utf-8")
