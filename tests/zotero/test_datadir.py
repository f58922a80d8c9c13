"""Import of a Zotero data directory: a small zotero.sqlite built here, equal to the local API's records,
and hostile folders (not SQLite, not Zotero, paths leaving storage/, missing files, huge values)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from senref.actions import zotero_desktop as actions
from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import settings_from
from tests.zotero.desktop_server import DesktopServer

PDF = b"%PDF-1.4\n% a Zotero stored file\n%%EOF\n"
RELATED = "http://zotero.org/users/local/abcdefgh/items/BQQK2222"

COLLECTIONS = [("TQPCQLL2", "Senescence", None), ("SUBCQLL2", "Senolytics", "TQPCQLL2")]
#: The library both ways: API `data` objects (what the local API serves), written into SQL by `build`.
OBJECTS: list[dict[str, Any]] = [
    {"key": "PAPER222", "itemType": "journalArticle", "title": "Senolytics in humans", "date": "2019-09",
     "publicationTitle": "EBioMedicine", "DOI": "10.1016/j.ebiom.2018.12.052", "dateAdded": "2021-05-04T10:00:00Z",
     "dateModified": "2021-05-05T11:00:00Z",
     "creators": [{"creatorType": "author", "firstName": "James L.", "lastName": "Kirkland"},
                  {"creatorType": "author", "firstName": "Tamara", "lastName": "Tchkonia"},
                  {"creatorType": "contributor", "name": "Senolytics Consortium"}],
     "tags": [{"tag": "senolytic", "type": 0}, {"tag": "Aging", "type": 1}], "collections": ["SUBCQLL2"],
     "relations": {"dc:relation": [RELATED]}},
    {"key": "NQTE2222", "itemType": "note", "parentItem": "PAPER222", "note": "<p>First in human trial.</p>",
     "dateAdded": "2021-05-04T10:01:00Z", "dateModified": "2021-05-04T10:01:00Z"},
    {"key": "PDFF2222", "itemType": "attachment", "parentItem": "PAPER222", "linkMode": "imported_file",
     "title": "Full Text PDF", "contentType": "application/pdf", "filename": "Kirkland 2019.pdf",
     "dateAdded": "2021-05-04T10:02:00Z", "dateModified": "2021-05-04T10:02:00Z"},
    {"key": "BQQK2222", "itemType": "book", "title": "Cellular Senescence", "ISBN": "9781493987856",
     "date": "2019", "creators": [{"creatorType": "editor", "firstName": "Manuel", "lastName": "Serrano"}],
     "collections": ["TQPCQLL2"], "dateAdded": "2021-06-01T09:00:00Z", "dateModified": "2021-06-01T09:00:00Z"},
    {"key": "LINK2222", "itemType": "attachment", "parentItem": "BQQK2222", "linkMode": "linked_url",
     "title": "Publisher page", "url": "https://link.springer.com/book/10.1007/978-1-4939-8785-6",
     "dateAdded": "2021-06-01T09:01:00Z", "dateModified": "2021-06-01T09:01:00Z"},
    {"key": "GQNE2222", "itemType": "report", "title": "A draft we binned", "deleted": 1,
     "dateAdded": "2021-07-01T08:00:00Z", "dateModified": "2021-07-01T08:00:00Z"},
]
_MODES = {"imported_file": 0, "imported_url": 1, "linked_file": 2, "linked_url": 3}
_NOT_FIELDS = {"key", "itemType", "parentItem", "creators", "tags", "collections", "relations", "dateAdded",
               "dateModified", "deleted", "note", "linkMode", "contentType", "filename", "path"}


def _sql_date(stamp: str) -> str:
    return stamp.replace("T", " ").rstrip("Z")


def build(folder: Path, objects: list[dict[str, Any]], files: dict[str, bytes] | None = None,
          paths: dict[str, str] | None = None) -> Path:
    """A zotero.sqlite with the tables and columns senref reads (our own minimal schema, Zotero's names)."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / "zotero.sqlite")
    conn.executescript("""
        CREATE TABLE libraries (libraryID INTEGER PRIMARY KEY, type TEXT NOT NULL);
        CREATE TABLE itemTypes (itemTypeID INTEGER PRIMARY KEY, typeName TEXT);
        CREATE TABLE fields (fieldID INTEGER PRIMARY KEY, fieldName TEXT);
        CREATE TABLE creatorTypes (creatorTypeID INTEGER PRIMARY KEY, creatorType TEXT);
        CREATE TABLE items (itemID INTEGER PRIMARY KEY, itemTypeID INT NOT NULL, dateAdded TIMESTAMP,
                            dateModified TIMESTAMP, libraryID INT NOT NULL, key TEXT NOT NULL);
        CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value UNIQUE);
        CREATE TABLE itemData (itemID INT, fieldID INT, valueID, PRIMARY KEY (itemID, fieldID));
        CREATE TABLE creators (creatorID INTEGER PRIMARY KEY, firstName TEXT, lastName TEXT, fieldMode INT);
        CREATE TABLE itemCreators (itemID INT, creatorID INT, creatorTypeID INT, orderIndex INT);
        CREATE TABLE tags (tagID INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE itemTags (itemID INT, tagID INT, type INT);
        CREATE TABLE collections (collectionID INTEGER PRIMARY KEY, collectionName TEXT, parentCollectionID INT,
                                  libraryID INT, key TEXT);
        CREATE TABLE collectionItems (collectionID INT, itemID INT);
        CREATE TABLE itemNotes (itemID INTEGER PRIMARY KEY, parentItemID INT, note TEXT, title TEXT);
        CREATE TABLE itemAttachments (itemID INTEGER PRIMARY KEY, parentItemID INT, linkMode INT,
                                      contentType TEXT, path TEXT, storageModTime INT, storageHash TEXT);
        CREATE TABLE deletedItems (itemID INTEGER PRIMARY KEY);
        CREATE TABLE relationPredicates (predicateID INTEGER PRIMARY KEY, predicate TEXT UNIQUE);
        CREATE TABLE itemRelations (itemID INT, predicateID INT, object TEXT);
        INSERT INTO libraries VALUES (1, 'user'), (2, 'group');
    """)

    def row_id(table: str, column: str, value: Any, **extra: Any) -> int:
        found = conn.execute(f"SELECT rowid FROM {table} WHERE {column} = ?", (value,)).fetchone()
        if found:
            return int(found[0])
        names = [column, *extra]
        cur = conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                           (value, *extra.values()))
        return int(cur.lastrowid or 0)

    collection_ids: dict[str, int] = {}
    for key, name, parent in COLLECTIONS:
        cur = conn.execute("INSERT INTO collections (collectionName, parentCollectionID, libraryID, key) "
                           "VALUES (?, ?, 1, ?)", (name, collection_ids.get(parent or ""), key))
        collection_ids[key] = int(cur.lastrowid or 0)
    ids = {o["key"]: n for n, o in enumerate(objects, start=1)}
    for obj in objects:
        item_id = ids[obj["key"]]
        conn.execute("INSERT INTO items VALUES (?, ?, ?, ?, 1, ?)",
                     (item_id, row_id("itemTypes", "typeName", obj["itemType"]), _sql_date(obj["dateAdded"]),
                      _sql_date(obj["dateModified"]), obj["key"]))
        for name, value in obj.items():
            if name not in _NOT_FIELDS:
                conn.execute("INSERT INTO itemData VALUES (?, ?, ?)", (item_id, row_id("fields", "fieldName", name),
                                                                       row_id("itemDataValues", "value", value)))
        for index, creator in enumerate(obj.get("creators", [])):
            single = "name" in creator
            cur = conn.execute("INSERT INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, ?)",
                               ("" if single else creator["firstName"], creator.get("name") or creator["lastName"],
                                1 if single else 0))
            conn.execute("INSERT INTO itemCreators VALUES (?, ?, ?, ?)",
                         (item_id, cur.lastrowid, row_id("creatorTypes", "creatorType", creator["creatorType"]), index))
        for tag in obj.get("tags", []):
            conn.execute("INSERT INTO itemTags VALUES (?, ?, ?)", (item_id, row_id("tags", "name", tag["tag"]),
                                                                   tag.get("type", 0)))
        for key in obj.get("collections", []):
            conn.execute("INSERT INTO collectionItems VALUES (?, ?)", (collection_ids[key], item_id))
        for predicate, targets in obj.get("relations", {}).items():
            for target in targets:
                conn.execute("INSERT INTO itemRelations VALUES (?, ?, ?)",
                             (item_id, row_id("relationPredicates", "predicate", predicate), target))
        parent = ids.get(obj.get("parentItem", ""))
        if obj["itemType"] == "note":
            conn.execute("INSERT INTO itemNotes VALUES (?, ?, ?, '')", (item_id, parent, obj["note"]))
        if obj["itemType"] == "attachment":
            path = (paths or {}).get(obj["key"]) or (f"storage:{obj['filename']}" if "filename" in obj else None)
            conn.execute("INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) "
                         "VALUES (?, ?, ?, ?, ?)", (item_id, parent, _MODES[obj["linkMode"]],
                                                    obj.get("contentType", ""), path))
        if obj.get("deleted"):
            conn.execute("INSERT INTO deletedItems VALUES (?)", (item_id,))
    conn.commit()
    conn.close()
    for key, data in (files or {}).items():
        (folder / "storage" / key).mkdir(parents=True, exist_ok=True)
        name = next(o["filename"] for o in objects if o["key"] == key)
        (folder / "storage" / key / name).write_bytes(data)
    return folder


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    yield lib
    lib.close()


def snapshot(library: Library) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in library.keys(ItemQuery()) + library.keys(ItemQuery(trash=True)):
        item = library.get_item(key)
        out[key] = {"type": item.item_type, "fields": item.fields, "ids": item.identifiers,
                    "creators": [c.to_json() for c in item.creators], "deleted": item.deleted,
                    "tags": sorted((t.tag, t.type) for t in item.tags), "relations": item.relations,
                    "collections": sorted("/".join(library.collection_path(c)) for c in item.collections),
                    "notes": [(n.key, n.html) for n in item.notes], "added": item.date_added,
                    "files": sorted((a.key, a.title, a.link_mode, a.url, a.sha256, a.path) for a in item.attachments)}
    return out


def test_data_directory_gives_the_records_the_local_api_gives(tmp_path: Path, library: Library) -> None:
    folder = build(tmp_path / "Zotero", OBJECTS, files={"PDFF2222": PDF})
    report = actions.import_data_directory(library, folder)
    assert not report.problems and (report.created, report.trashed) == (3, 1), report.lines()

    desktop = DesktopServer(tmp_path / "desktop" / "storage").start()
    try:
        for obj in OBJECTS:
            desktop.add_item(dict(obj), file=PDF if obj["key"] == "PDFF2222" else None)
        for key, name, parent in COLLECTIONS:
            desktop.add_collection(key, name, parent)
        other = Library.open(tmp_path / "other")
        try:
            settings = settings_from({}, env={"SENREF_ZOTERO_LOCAL_URL": desktop.url})
            assert not actions.import_from_desktop(other, settings).problems
            assert snapshot(library) == snapshot(other)
        finally:
            other.close()
    finally:
        desktop.stop()

    items = snapshot(library)
    paper = items["PAPER222"]
    assert paper["collections"] == ["Senescence/Senolytics"] and items["BQQK2222"]["collections"] == ["Senescence"]
    assert paper["tags"] == [("Aging", 1), ("senolytic", 0)]
    assert paper["creators"][2] == {"creatorType": "contributor", "name": "Senolytics Consortium"}
    assert paper["relations"] == {"dc:relation": [RELATED]} and paper["added"] == "2021-05-04T10:00:00Z"
    assert paper["notes"] == [("NQTE2222", "<p>First in human trial.</p>")]
    (pdf,) = library.get_item("PAPER222").attachments
    stored = library.attachment_path(pdf)
    assert stored is not None and stored.read_bytes() == PDF and library.files_dir in stored.parents
    assert [f[2:4] for f in items["BQQK2222"]["files"]] == [("linked_url", OBJECTS[4]["url"])]
    assert items["GQNE2222"]["deleted"] and library.keys(ItemQuery(trash=True)) == ["GQNE2222"]


def test_the_original_database_is_only_copied_and_its_wal_is_read(tmp_path: Path, library: Library) -> None:
    folder = build(tmp_path / "Zotero", OBJECTS[3:5])
    conn = sqlite3.connect(folder / "zotero.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("UPDATE itemDataValues SET value = 'Cellular Senescence, 2nd ed.' WHERE value = 'Cellular Senescence'")
    conn.commit()
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    report = actions.import_data_directory(library, folder)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    conn.close()  # Zotero's own connection: closing it checkpoints the WAL, so only after the comparison
    assert not report.problems
    assert library.get_item("BQQK2222").title == "Cellular Senescence, 2nd ed."
    assert after == before


@pytest.mark.parametrize(("setup", "message"), [
    (lambda d: None, "not a Zotero data directory"),
    (lambda d: (d / "zotero.sqlite").write_text("this is a text file"), "not an SQLite database"),
    (lambda d: sqlite3.connect(d / "zotero.sqlite").execute("CREATE TABLE t (x)").connection.commit(),
     "not a Zotero database"),
    (lambda d: (d / "zotero.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000), "cannot be read"),
])
def test_folders_that_are_not_zotero_libraries(tmp_path: Path, library: Library, setup: Any, message: str) -> None:
    folder = tmp_path / "notzotero"
    folder.mkdir()
    setup(folder)
    report = actions.import_data_directory(library, folder)
    assert report.failed and message in report.problems[0]
    assert library.count() == 0


def test_paths_leaving_storage_and_missing_files_are_skipped_with_a_message(tmp_path: Path,
                                                                          library: Library) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    objects = [OBJECTS[3],
               {**OBJECTS[2], "key": "EVIL2222", "parentItem": "BQQK2222", "filename": "passwd"},
               {**OBJECTS[2], "key": "LNKD2222", "parentItem": "BQQK2222", "filename": "link.pdf"},
               {**OBJECTS[2], "key": "MISS2222", "parentItem": "BQQK2222", "filename": "gone.pdf"}]
    folder = build(tmp_path / "Zotero", objects, paths={"EVIL2222": "storage:../../secret.txt"})
    (folder / "storage" / "LNKD2222").mkdir(parents=True)
    (folder / "storage" / "LNKD2222" / "link.pdf").symlink_to(secret)
    report = actions.import_data_directory(library, folder)
    assert report.created == 1 and not library.get_item("BQQK2222").attachments
    text = "\n".join(report.warnings)
    assert "EVIL2222" in text and "leaves its storage folder" in text
    assert "LNKD2222" in text and "MISS2222" in text and "not found" in text
    assert not [p for p in library.files_dir.rglob("*") if p.is_file()]


def test_a_huge_field_is_cut_with_a_message(tmp_path: Path, library: Library) -> None:
    huge = {**OBJECTS[3], "title": "T" * 50_000, "abstractNote": "A" * 3_000_000}
    report = actions.import_data_directory(library, build(tmp_path / "Zotero", [huge]))
    item = library.get_item("BQQK2222")
    assert len(item.title) < 50_000 and len(item.fields["abstractNote"]) <= 1_000_000
    assert any("title cut" in w for w in report.warnings) and any("abstract" in w.lower() for w in report.warnings)


def test_cli_import_zotero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from senref.cli.main import main

    folder = build(tmp_path / "Zotero", OBJECTS, files={"PDFF2222": PDF})
    assert main(["--library", str(tmp_path / "cli"), "import-zotero", str(folder)]) == 0
    assert "3 added" in capsys.readouterr().err
    with Library.open(tmp_path / "cli") as lib:
        assert isinstance(lib.get_item("PAPER222"), Item)
