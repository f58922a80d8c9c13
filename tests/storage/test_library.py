"""The library service over a real SQLite file: save, dedupe, collections, tags, trash, files, FTS."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.library import Library, LibraryError
from senref.core.model import AUTOMATIC, Creator, Item
from senref.storage.queries import ItemQuery
from tests.factories import FLAGSHIP_TITLE, flagship_crossref, flagship_hal


def _item(title: str, year: str = "2020", last: str = "Smith", doi: str | None = None) -> Item:
    item = Item(fields={"title": title, "date": year, "publicationTitle": "Journal"},
                creators=[Creator("author", "Ann", last)])
    if doi:
        item.set_identifier("doi", doi)
    return item


def test_storage_uses_wal_foreign_keys_and_latest_schema(library: Library) -> None:
    conn = library.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 10
    assert (library.folder / "files").is_dir()


def test_flagship_from_doi_then_hal_is_one_item_with_32_creators(library: Library) -> None:
    from senref.actions.duplicates import list_duplicates, merge_duplicates

    first = library.save_item(flagship_crossref(), source="crossref")
    second = library.save_item(flagship_hal(), source="hal")
    # No identifier in common (issue 14): a likely duplicate, listed, merged only when the user asks.
    assert first.created and second.created and library.count() == 2
    (group,) = list_duplicates(library).groups
    assert set(group.keys) == {first.key, second.key}
    merge_duplicates(library, [first.key, second.key], master=first.key)
    assert library.count() == 1
    item = library.get_item(first.key)
    assert len(item.creators) == 32
    assert item.identifiers == {"doi": "10.1093/JNCI/djab064", "hal": "inserm-03547029"}  # as Crossref gives it
    assert item.hal_version == 1
    names = [c.display for c in item.creators]
    assert "Jörg Goronzy" in names and "François Paris" in names and "Jesús Gil" in names
    assert "Ana O'Loghlen" in names and "Jan van Deursen" in names
    assert item.fields["abstractNote"].startswith("Radiation")  # filled from the HAL record
    assert item.provenance["abstractNote"] == "hal" and item.provenance["title"] == "crossref"


def test_hal_first_then_doi_also_merges_and_prefers_accents(library: Library) -> None:
    library.save_item(flagship_hal())
    hal_record = flagship_hal()
    hal_record.set_identifier("doi", "10.1093/jnci/djab064")  # as HAL's doiId_s gives it: proof
    library.save_item(hal_record)
    result = library.save_item(flagship_crossref())
    assert result.merged and result.matched_by == "doi"
    item = library.get_item(result.key)
    assert library.count() == 1 and len(item.creators) == 32
    assert "Jörg Goronzy" in [c.display for c in item.creators]


def test_same_doi_merges_and_a_different_title_is_no_proof(library: Library) -> None:
    a = library.save_item(_item("A first title about senescence", doi="10.1000/abc"))
    b = library.save_item(_item("A First Title about Senescence", doi="doi:10.1000/ABC"))
    assert b.key == a.key and b.matched_by == "doi"
    # A chapter carrying its book's DOI: the identifier alone proves nothing (issue 14).
    assert library.save_item(_item("Completely other words", doi="10.1000/ABC")).created


def test_title_author_and_year_never_merge_on_their_own(library: Library) -> None:
    from senref.actions.duplicates import list_duplicates

    base = library.save_item(_item("Senescence in cancer therapy revisited", "2020"))
    near = library.save_item(_item("Senescence in cancer therapy revisited", "2021"))
    assert near.created and library.save_item(_item("Senescence in cancer therapy revisited", "2023")).created
    assert library.save_item(_item("Senescence in cancer therapy revisited", "2020", last="Jones")).created
    (group,) = list_duplicates(library).groups  # only the pair a year apart is likely
    assert set(group.keys) == {base.key, near.key}


def test_different_dois_are_different_works_despite_same_title(library: Library) -> None:
    library.save_item(_item("Senescence in cancer therapy revisited", doi="10.1000/one"))
    assert library.save_item(_item("Senescence in cancer therapy revisited", doi="10.1000/two")).created


def test_short_generic_titles_never_merge(library: Library) -> None:
    library.save_item(_item("Editorial"))
    assert library.save_item(_item("Editorial")).created


def test_trash_restore_and_empty(library: Library) -> None:
    key = library.save_item(_item("To be trashed and restored", doi="10.1000/t")).key
    stored = library.store_file(key, b"%PDF-1.4 test", filename="a.pdf", content_type="application/pdf")
    library.trash([key])
    assert library.count() == 0 and library.count(ItemQuery(trash=True)) == 1
    # A trashed item is not a duplicate target: the same DOI saved again is a new item.
    assert library.save_item(_item("To be trashed and restored", doi="10.1000/t")).created
    library.restore([key])
    assert library.count() == 2
    library.trash([key])
    assert library.empty_trash() == 1
    assert not library.has_item(key)
    assert not (library.folder / stored.path).exists()
    assert library.check() == []


def test_collections_nested_and_filters(library: Library) -> None:
    tis = library.create_collection("TIS")
    rad = library.create_collection("Radiation", tis)
    a = library.save_item(_item("Radiation induced senescence of tumour cells"), collections=[rad]).key
    b = library.save_item(_item("Chemotherapy induced senescence of tumour cells", last="Lee")).key
    library.add_to_collection(tis, [b])
    assert library.find_collection("TIS/Radiation") == rad
    assert library.keys(ItemQuery(collection=tis)) == [b]
    assert set(library.keys(ItemQuery(collection=tis, recursive=True))) == {a, b}
    with pytest.raises(LibraryError):
        library.move_collection(tis, rad)
    library.move_collection(rad, None)
    assert library.collection_path(rad) == ["Radiation"]
    library.delete_collection(tis)
    assert library.has_item(b) and library.get_item(b).collections == []
    assert library.keys(ItemQuery(unfiled=True)) == [b]


def test_tags_and_or_filters_rename_merge_delete(library: Library) -> None:
    a = library.save_item(_item("Senolytics after radiotherapy in mice", last="A")).key
    b = library.save_item(_item("Senolytics after chemotherapy in mice", last="B")).key
    library.add_tags(a, ["senolytics", "radiation"])
    library.add_tags(b, ["senolytics", "chemo"])
    assert set(library.keys(ItemQuery(tags=["senolytics", "radiation"]))) == {a}
    assert set(library.keys(ItemQuery(tags=["radiation", "chemo"], tag_mode="or"))) == {a, b}
    assert library.rename_tag("chemo", "radiation") == 1  # merge into an existing tag
    assert set(library.keys(ItemQuery(tags=["radiation"]))) == {a, b}
    assert library.delete_tag("radiation") == 2
    assert [t[0] for t in library.tag_counts()] == ["senolytics"]


def test_removed_automatic_tag_is_remembered_as_rejected(library: Library) -> None:
    item = _item("Some paper about senescence markers")
    item.add_tag("Biomarkers", AUTOMATIC)
    key = library.save_item(item, tag=False).key
    library.remove_tags(key, ["Biomarkers"])
    assert library.get_item(key).extras["rejectedTopics"] == ["Biomarkers"]


def test_fts_finds_words_in_every_indexed_field(library: Library) -> None:
    item = flagship_crossref()
    item.fields["abstractNote"] = "The <jats:p>SASP drives relapse</jats:p>."
    item.add_tag("one-two punch")
    key = library.save_item(item).key
    library.add_note(key, "<p>Read for the <b>navitoclax</b> section</p>")
    for query in ("senescence", "Goronzy", "goronzy", "jorg", "sasp", "relapse", "navitoclax",
                  "djab064", "National Cancer", "one-two", "opportun"):
        assert library.keys(ItemQuery(search=query)) == [key], query
    assert library.keys(ItemQuery(search="unrelatedword")) == []
    assert library.keys(ItemQuery(search='"; DROP TABLE items; --')) == []


def test_fts_stays_in_step_after_edits(library: Library) -> None:
    key = library.save_item(_item("Original title about quiescence")).key
    item = library.get_item(key)
    item.fields["title"] = "Edited title about dormancy"
    library.update_item(item)
    assert library.keys(ItemQuery(search="dormancy")) == [key]
    assert library.keys(ItemQuery(search="quiescence")) == []
    assert library.get_item(key).version > item.version - 1


def test_sorted_pages_are_stable_and_indexed(library: Library) -> None:
    for n in range(30):
        library.save_item(_item(f"Paper number {n:02d} on senescence", str(1990 + n % 7), last=f"Author{n}"))
    query = ItemQuery(sort="year", descending=True)
    rows = library.query(query, 0, 10) + library.query(query, 10, 10) + library.query(query, 20, 10)
    years = [r["year"] for r in rows]
    assert years == sorted(years, reverse=True) and len({r["key"] for r in rows}) == 30
    from senref.storage.queries import compile_query

    sql = compile_query(library.db.conn, query)
    plan = " ".join(str(r[3]) for r in library.db.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT key FROM items i WHERE {sql.where} ORDER BY {sql.order} LIMIT 10", sql.params))
    assert "items_year" in plan and "TEMP B-TREE" not in plan.replace("USE TEMP B-TREE FOR RIGHT", "")


def test_store_file_is_atomic_and_deduplicated(library: Library, tmp_path: Path) -> None:
    key = library.save_item(_item("Item with a file attached to it")).key
    src = tmp_path / "paper.pdf"
    src.write_bytes(b"%PDF-1.7\n" + b"x" * 5000)
    first = library.store_file(key, src, filename="../../etc/passwd", content_type="application/pdf")
    again = library.store_file(key, src, filename="other.pdf")
    assert again.key == first.key
    path = library.attachment_path(first)
    assert path is not None and path.read_bytes() == src.read_bytes()
    assert library.files_dir in path.parents and ".." not in first.path
    assert len(first.sha256) == 64 and first.size == 5009
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_failed_write_rolls_back_everything(library: Library) -> None:
    key = library.save_item(_item("Stable title of a stable item")).key

    def explode(item: Item) -> bool:
        item.fields["title"] = "half-written"
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        library.edit_items([key], explode)
    assert library.get_item(key).title == "Stable title of a stable item"
    assert library.keys(ItemQuery(search="half")) == []


def test_events_fire_after_commit(library: Library) -> None:
    seen: list[list[str]] = []
    library.events.subscribe("items_changed", seen.append)
    key = library.save_item(_item("Observed item for the event test")).key
    library.trash([key])
    assert seen == [[key], [key]]


def test_check_reports_a_missing_file_and_broken_index(library: Library) -> None:
    key = library.save_item(_item("Paper whose file goes missing")).key
    att = library.store_file(key, b"%PDF-1.4", filename="x.pdf")
    (library.folder / att.path).unlink()
    library.db.conn.execute("INSERT INTO items_fts (items_fts) VALUES ('delete-all')")
    problems = library.check()
    assert any("file missing" in p for p in problems)
    assert any("not indexed" in p for p in problems)


def test_open_refuses_a_file_and_missing_library(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(LibraryError):
        Library.open(tmp_path / "afile")
    with pytest.raises(LibraryError):
        Library.open(tmp_path / "nothing", create=False)


def test_database_that_is_not_sqlite_is_refused_and_kept_aside_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "library.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(LibraryError, match="is not an SQLite database; it was moved aside"):
        Library.open(folder)
    [kept] = folder.glob("library.sqlite.damaged-*")
    assert kept.read_bytes() == b"this is not a database" * 100
    with pytest.raises(LibraryError, match="is missing, but the folder holds a library"):
        Library.open(folder)  # and no empty library is started in its place
    assert not (folder / "library.sqlite").exists()


def test_flagship_title_is_searchable_by_prefix(library: Library) -> None:
    key = library.save_item(flagship_crossref()).key
    assert library.keys(ItemQuery(search="Therapy-Induced Senesc")) == [key]
    assert library.get_item(key).title == FLAGSHIP_TITLE


def test_fast_counts_agree_with_the_general_queries(library: Library) -> None:
    """Counts taken from indexes alone must match counts over live items, trash or not."""
    col = library.create_collection("Counted")
    keys = []
    for n in range(12):
        item = _item(f"Senolytic study number {n} in mice", last=f"Counter{n}")
        item.add_tag("even" if n % 2 == 0 else "odd")
        keys.append(library.save_item(item, collections=[col]).key)

    def general_tag_counts() -> dict[str, int]:
        return {name: library.count(ItemQuery(tags=[name])) for name, _, _ in library.tag_counts(ItemQuery(search="senolytic"))}

    for trashed in ([], keys[:3]):
        library.trash(trashed)
        live = 12 - len(trashed)
        assert library.count(ItemQuery(search="senolytic")) == live
        assert library.count(ItemQuery(search="senolytic", trash=True)) == len(trashed)
        assert {c.name: c.item_count for c in library.list_collections()} == {"Counted": live}
        assert {n: c for n, c, _ in library.tag_counts()} == general_tag_counts()
        assert sum(c for _, c, _ in library.tag_counts()) == live


def test_saving_tags_topics_automatically_and_keeps_manual_tags(tmp_path: Path) -> None:
    from senref.topics.tagger import get_tagger

    # The tagger is passed in (the session builds it with the user's vocabulary); here the built-in one.
    with Library.open(tmp_path / "tagged", tagger=get_tagger()) as lib:
        item = flagship_crossref()
        item.fields["abstractNote"] = ("Radiotherapy and chemotherapy such as doxorubicin induce senescence; the "
                                       "senescence-associated secretory phenotype (SASP) drives relapse, and "
                                       "senolytics such as navitoclax clear senescent cells.")
        item.add_tag("to-read")
        key = lib.save_item(item).key
        saved = lib.get_item(key)
        automatic = set(saved.tag_names(AUTOMATIC))
        assert {"TIS", "SASP", "Senotherapeutics/Senolytics"} <= automatic
        assert saved.tag_names(0) == ["to-read"]
        assert set(saved.extras["topicEvidence"]) >= {"TIS", "SASP"}
        lib.remove_tags(key, ["SASP"])
        again = lib.get_item(key)
        again.fields["title"] += " (SASP)"
        lib.update_item(again)
        assert "SASP" not in lib.get_item(key).tag_names()
