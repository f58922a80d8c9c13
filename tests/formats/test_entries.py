"""The per-entry rendering API: header + entries + footer is exactly what `write()` produces; placed files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from senref.core.model import Attachment, Item
from senref.formats import registry
from senref.formats.base import ExportContext
from senref.formats.exportfiles import placed_path

from .conftest import sample_items

PER_ENTRY = ["bibtex", "biblatex", "ris", "csljson"]


def _assembled(name: str, items: list[Item], ctx: ExportContext) -> tuple[list[str], bytes]:
    fmt = registry.get(name)
    assert fmt is not None and fmt.per_entry
    pairs = list(fmt.render_entries(items, ctx))
    text = fmt.header(ctx) + fmt.separator.join(t for _, t in pairs) + fmt.footer(ctx)
    if fmt.newline is None:
        text = text.replace("\n", os.linesep)  # what a text-mode write does on this platform
    elif fmt.newline not in ("", "\n"):
        text = text.replace("\n", fmt.newline)
    return [k for k, _ in pairs], text.encode("utf-8")


def _stored_pdf(items: list[Item], library_dir: Path) -> Attachment:
    folder = library_dir / "files" / "PDFK2345"
    folder.mkdir(parents=True)
    (folder / "prasanna 2021.pdf").write_bytes(b"%PDF-1.4\n")
    att = Attachment(key="PDFK2345", title="Full text", path="files/PDFK2345/prasanna 2021.pdf",
                     content_type="application/pdf")
    items[0].attachments.append(att)
    return att


@pytest.mark.parametrize("count", [0, 1, 3])
@pytest.mark.parametrize("name", PER_ENTRY)
def test_header_entries_footer_is_byte_identical_to_write(name: str, count: int, tmp_path: Path,
                                                         export_ctx: ExportContext) -> None:
    def keyed() -> list[Item]:
        items = sample_items()[:count]
        for n, item in enumerate(items):
            item.key = f"ITEM{n}234"  # CSL ids default to the item key: the same on both sides
        return items

    fmt = registry.get(name)
    assert fmt is not None
    out = tmp_path / f"x{fmt.extensions[0]}"
    assert fmt.write(keyed(), out, export_ctx) == count
    items = keyed()
    keys, data = _assembled(name, items, export_ctx)
    assert keys == [i.key for i in items]
    assert data == out.read_bytes()


@pytest.mark.parametrize("name", PER_ENTRY)
def test_entries_can_be_cached_and_reassembled_in_any_grouping(name: str, export_ctx: ExportContext) -> None:
    """An entry does not depend on its neighbours: rendering items one by one gives the same entries."""
    items = sample_items()
    fmt = registry.get(name)
    assert fmt is not None
    together = [t for _, t in fmt.render_entries(items, export_ctx)]
    alone = [t for item in items for _, t in fmt.render_entries([item], export_ctx)]
    assert together == alone


@pytest.mark.parametrize("name", PER_ENTRY)
def test_placed_files_are_referenced_not_copied(name: str, tmp_path: Path, export_ctx: ExportContext) -> None:
    items = sample_items()
    att = _stored_pdf(items, export_ctx.library_dir)
    linked = tmp_path / "outside.pdf"
    linked.write_bytes(b"%PDF-1.4\n")
    items[1].attachments.append(Attachment(key="LINK2345", link_mode="linked_file", path=str(linked),
                                           content_type="application/pdf"))
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    ctx = ExportContext(library_dir=export_ctx.library_dir, with_files=True, files_placed=True, export_dir=export_dir)
    fmt = registry.get(name)
    assert fmt is not None
    text = "".join(t for _, t in fmt.render_entries(items, ctx))
    assert placed_path(att) == "files/PDFK2345/prasanna 2021.pdf"
    assert placed_path(att) in text.replace("\\/", "/") or name == "csljson"  # CSL-JSON carries no files
    # A linked file lives outside the library and is not placed: referenced where it is.
    assert name == "csljson" or str(linked) in text
    assert list(export_dir.iterdir()) == []  # nothing copied anywhere


def test_copying_needs_the_export_folder(export_ctx: ExportContext) -> None:
    items = sample_items()
    _stored_pdf(items, export_ctx.library_dir)
    fmt = registry.get("bibtex")
    assert fmt is not None
    ctx = ExportContext(library_dir=export_ctx.library_dir, with_files=True)
    with pytest.raises(ValueError, match="export_dir"):
        list(fmt.render_entries(items, ctx))


def test_write_with_files_still_copies_beside_the_file(tmp_path: Path, export_ctx: ExportContext) -> None:
    items = sample_items()
    _stored_pdf(items, export_ctx.library_dir)
    fmt = registry.get("ris")
    assert fmt is not None
    out = tmp_path / "out" / "x.ris"
    fmt.write(items, out, ExportContext(library_dir=export_ctx.library_dir, with_files=True))
    assert (out.parent / "files" / "PDFK2345" / "prasanna 2021.pdf").read_bytes() == b"%PDF-1.4\n"
    assert "L1  - files/PDFK2345/prasanna 2021.pdf" in out.read_text(encoding="utf-8")


def test_zotero_rdf_honours_placed_files(tmp_path: Path, export_ctx: ExportContext) -> None:
    items = sample_items()
    _stored_pdf(items, export_ctx.library_dir)
    fmt = registry.get("zotero-rdf")
    assert fmt is not None and not fmt.per_entry
    out = tmp_path / "out" / "x.rdf"
    fmt.write(items, out, ExportContext(library_dir=export_ctx.library_dir, with_files=True, files_placed=True))
    assert 'rdf:resource="files/PDFK2345/prasanna 2021.pdf"' in out.read_text(encoding="utf-8")
    assert not (out.parent / "files").exists()


def test_citation_keys_are_persisted_once_the_entries_are_consumed(export_ctx: ExportContext) -> None:
    class Store:
        def __init__(self) -> None:
            self.saved: dict[str, str] = {}

        def taken(self) -> set[str]:
            return {"prasanna2021therapy"}

        def persist(self, assigned: dict[str, str]) -> None:
            self.saved.update(assigned)

    store = Store()
    export_ctx.citation_keys = store
    fmt = registry.get("bibtex")
    assert fmt is not None
    items = sample_items()
    entries = fmt.render_entries(items, export_ctx)
    first_key, first = next(entries)
    assert first_key == items[0].key and first.startswith("@article{prasanna2021therapya,")
    assert store.saved == {}  # nothing pinned while the export is still running
    rest = list(entries)
    assert len(rest) == 2 and rest[-1][1].endswith("}\n\n")
    assert store.saved[items[0].key] == "prasanna2021therapya" and len(store.saved) == 3


def test_write_with_files_never_copies_through_a_files_link(tmp_path: Path, export_ctx: ExportContext) -> None:
    items = sample_items()
    _stored_pdf(items, export_ctx.library_dir)
    fmt = registry.get("ris")
    assert fmt is not None
    out, elsewhere = tmp_path / "out" / "x.ris", tmp_path / "elsewhere"
    out.parent.mkdir()
    elsewhere.mkdir()
    (out.parent / "files").symlink_to(elsewhere, target_is_directory=True)
    fmt.write(items, out, ExportContext(library_dir=export_ctx.library_dir, with_files=True))
    assert list(elsewhere.iterdir()) == []
    assert "prasanna 2021.pdf" not in out.read_text(encoding="utf-8")
