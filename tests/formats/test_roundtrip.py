"""Items -> file -> items gives the same items, field by field, for every format that writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import Item
from senref.formats import registry
from senref.formats.base import ExportContext

from .conftest import read_items, sample_items

#: fields a format cannot carry, or carries under a different Zotero field (documented in docs of each format)
LOST: dict[str, set[str]] = {
    "bibtex": {"journalAbbreviation"},
    "biblatex": set(),
    "ris": set(),
    "csljson": set(),
    "zotero-rdf": set(),
    "json": set(),
}
CARRIES_TAG_TYPES = {"csljson", "zotero-rdf", "json"}


def _comparable(item: Item, fmt: str) -> dict[str, object]:
    fields = {k: v for k, v in item.fields.items() if k not in LOST[fmt] and k != "citationKey"}
    if fmt == "ris" and "pages" in fields:  # RIS splits pages into SP/EP; Zotero joins them with "-"
        fields["pages"] = fields["pages"].replace("–", "-")
    return {"type": item.item_type, "fields": fields, "ids": item.identifiers,
            # Formats group creators by role (author list, editor list): order is kept within a role.
            "creators": sorted(((c.creator_type, c.first_name, c.last_name, c.name) for c in item.creators),
                               key=lambda c: c[0])}


@pytest.mark.parametrize("name", ["json", "csljson", "bibtex", "biblatex", "ris", "zotero-rdf"])
def test_round_trip_field_by_field(name: str, tmp_path: Path, export_ctx: ExportContext) -> None:
    fmt = registry.get(name)
    assert fmt is not None and fmt.can_write
    original = sample_items()
    out = tmp_path / f"export{fmt.extensions[0]}"
    assert fmt.write(iter(original), out, export_ctx) == len(original)
    assert registry.sniff(out) is fmt or (name == "json" and registry.sniff(out).name == "json")
    back = read_items(fmt, out)
    assert len(back) == len(original)
    for before, after in zip(original, back, strict=True):
        assert _comparable(after, name) == _comparable(before, name)
        if name in CARRIES_TAG_TYPES:
            assert [(t.tag, t.type) for t in after.tags] == [(t.tag, t.type) for t in before.tags]
        else:
            assert after.tag_names() == before.tag_names()
        if name != "csljson":  # CSL-JSON has no notes
            assert [n.html for n in after.notes] == [n.html for n in before.notes]


def test_bibtex_latex_escaped_and_unicode_outputs(tmp_path: Path, export_ctx: ExportContext) -> None:
    fmt = registry.get("bibtex")
    assert fmt is not None
    out = tmp_path / "x.bib"
    fmt.write(sample_items(), out, export_ctx)
    text = out.read_text(encoding="utf-8")
    assert r"M{\"u}ller" in text and "Müller" not in text
    assert r"\&" in text and r"50\%" in text
    export_ctx.options["bibtex_unicode"] = "true"
    fmt.write(sample_items(), out, export_ctx)
    assert "Müller" in out.read_text(encoding="utf-8")


def test_citation_keys_stable_unique_and_pinned(tmp_path: Path, export_ctx: ExportContext) -> None:
    from senref.formats.citekeys import KeyAssigner

    items = sample_items()
    twin = sample_items()[0]
    fmt = registry.get("biblatex")
    assert fmt is not None

    class Store:
        def __init__(self) -> None:
            self.saved: dict[str, str] = {}

        def taken(self) -> set[str]:
            return {"prasanna2021therapy"}  # pinned on another item of the library

        def persist(self, assigned: dict[str, str]) -> None:
            self.saved.update(assigned)

    store = Store()
    export_ctx.citation_keys = store
    fmt.write([*items, twin], tmp_path / "a.bib", export_ctx)
    keys = [i.fields["citationKey"] for i in [*items, twin]]
    assert keys[0] == "prasanna2021therapya" and keys[3] == "prasanna2021therapyb"
    assert len(set(keys)) == 4 and store.saved[items[0].key] == keys[0]
    # Once pinned, a key survives a title change.
    items[0].fields["title"] = "Another title"
    assert KeyAssigner().key_for(items[0]) == "prasanna2021therapya"
    assert KeyAssigner(pattern="[auth][year]").key_for(sample_items()[1]) == "Campisi2019"


def test_library_round_trip_rdf_collections_files_and_tag_types(library, tmp_path: Path) -> None:
    """The must-show: a nested collection exported to Zotero RDF comes back whole into an empty library."""
    from senref.core.citekeys import LibraryCitationKeys
    from senref.core.importfiles import FileRoots
    from senref.core.library import Library

    lib = library
    sub = lib.ensure_collection_path(["TIS", "Radiation-induced"])
    top = lib.find_collection("TIS")
    saved = [lib.save_item(item, collections=[sub if i == 0 else top], tag=False).key for i, item in enumerate(sample_items())]
    lib.store_file(saved[0], b"%PDF-1.4 test pdf", filename="prasanna 2021.pdf", content_type="application/pdf")
    ctx = ExportContext(library_dir=lib.folder, collections={c.key: (c.name, c.parent_key) for c in lib.list_collections()},
                        citation_keys=LibraryCitationKeys(lib))
    fmt = registry.get("zotero-rdf")
    assert fmt is not None
    out = tmp_path / "export" / "export.rdf"
    fmt.write(lib.iter_items(collection=top, recursive=True), out, ctx)
    assert (out.parent / "files").is_dir()
    other = Library.open(tmp_path / "other", autotag=False)  # compare what the file carries, not fresh topic tags
    try:
        report = other.import_records(fmt.read(out), file_roots=FileRoots(out.parent))
        assert report.created == 3 and not report.problems
        paths = {"/".join(other.collection_path(c.key)) for c in other.list_collections()}
        assert paths == {"TIS", "TIS/Radiation-induced"}
        by_title = {i.title: i for i in other.iter_items()}
        for key in saved:
            before = lib.get_item(key)
            after = by_title[before.title]
            assert _comparable(after, "zotero-rdf") == _comparable(before, "zotero-rdf")
            assert sorted((t.tag, t.type) for t in after.tags) == sorted((t.tag, t.type) for t in before.tags)
            assert [n.html for n in after.notes] == [n.html for n in before.notes]
            assert ["/".join(other.collection_path(c)) for c in after.collections] == \
                   ["/".join(lib.collection_path(c)) for c in before.collections]
        pdf = by_title[lib.get_item(saved[0]).title].attachments
        assert len(pdf) == 1 and pdf[0].content_type == "application/pdf"
        # Import copies the file into the new library (as Zotero does by default).
        assert pdf[0].link_mode == "imported_file"
        stored = other.attachment_path(pdf[0])
        assert stored is not None and stored.read_bytes() == b"%PDF-1.4 test pdf"
        # BibTeX export pins citation keys in the library.
        registry.get("bibtex").write(lib.iter_items(), tmp_path / "lib.bib", ctx)  # type: ignore[union-attr]
        assert all(lib.get_item(k).fields.get("citationKey") for k in saved)
    finally:
        other.close()
