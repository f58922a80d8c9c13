"""Read a Zotero data directory (`zotero.sqlite` plus `storage/`) for users who move to senref.

Zotero may be running and holding its database: senref copies `zotero.sqlite` (and its `-wal`, which
holds the latest writes) into a temporary folder and reads the copy, opened read-only; the original
is never opened. The rows become the Web API's object shapes and then senref items through the same
mapping as a sync, so a record reads the same whether it came from here, the local API or zotero.org.

The database is data from outside: a file that is not SQLite, tables that are not Zotero's, a stored
path that leaves its `storage/<key>/` folder, a file that is missing, a value of many megabytes —
each ends in a clear message, and no file outside `storage/` is ever read.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from senref.core.confine import allowed_file, real_dir
from senref.core.sanitize import NOTE_CAP
from senref.zotero.desktop import ZoteroRecords, records_from_api
from senref.zotero.mapping import STANDALONE

DB_FILE = "zotero.sqlite"
STORAGE = "storage"
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Characters read of one value: enough for any real abstract; the core cuts and reports the rest.
READ_CAP = max(NOTE_CAP, 1_000_000) + 1
#: Zotero's itemAttachments.linkMode numbers.
LINK_MODES = {0: "imported_file", 1: "imported_url", 2: "linked_file", 3: "linked_url", 4: "embedded_image"}
_REQUIRED = ("items", "itemData", "itemDataValues", "creators", "itemCreators", "creatorTypes", "tags",
             "itemTags", "collections", "collectionItems", "itemNotes", "itemAttachments")


class DataDirError(Exception):
    """The folder cannot be imported; the message says why."""


# -- opening ---------------------------------------------------------------------------------------
def find_database(folder: Path) -> Path:
    """The data directory's zotero.sqlite (also accepted: the file itself)."""
    folder = Path(folder).expanduser()
    db = folder if folder.name == DB_FILE else folder / DB_FILE
    if not db.is_file():
        raise DataDirError(f"{folder} is not a Zotero data directory (no {DB_FILE}; Zotero shows its "
                           f"folder under Settings → Advanced → Files and Folders)")
    try:
        with db.open("rb") as handle:
            magic = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise DataDirError(f"{db} cannot be read ({exc.strerror or exc})") from exc
    if magic != _SQLITE_MAGIC:
        raise DataDirError(f"{db} is not an SQLite database, so not a Zotero library")
    return db


@contextmanager
def open_copy(db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a temporary copy of *db* and its WAL (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="senref-zotero-") as tmp:
        copy = Path(tmp) / DB_FILE
        try:
            shutil.copyfile(db, copy)
            wal = db.with_name(db.name + "-wal")
            if wal.is_file():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        except OSError as exc:
            raise DataDirError(f"{db} could not be copied to read it ({exc.strerror or exc})") from exc
        conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise DataDirError(f"{db} cannot be read as a Zotero database ({exc})") from exc
        finally:
            conn.close()


def read_data_directory(folder: Path) -> ZoteroRecords:
    """Import records for the user library of the Zotero data directory *folder*."""
    db = find_database(folder)
    storage = db.parent / STORAGE
    with open_copy(db) as conn:
        reader = _Reader(conn, storage)
        collections, objects = reader.read()
    out = records_from_api(collections, objects)
    out.warnings[:0] = reader.warnings
    _place_files(out, reader.stored)
    if reader.stored:
        out.roots.append(storage)
    return out


def _place_files(out: ZoteroRecords, stored: dict[str, Path]) -> None:
    """Point each stored attachment at its file in storage/ (the import copies it into the library)."""
    for record in out.records:
        item = record.item
        standalone = item.extras.get(STANDALONE) == "attachment"
        for att in item.attachments:
            source = stored.get(item.key if standalone else att.key)
            if source is not None:
                att.path = str(source)


# -- reading -----------------------------------------------------------------------------------------
def _iso(stamp: Any) -> str:
    """Zotero's SQL timestamp ("2021-05-04 10:00:00", UTC) in API form."""
    text = str(stamp or "")
    return f"{text.replace(' ', 'T')}Z" if len(text) == 19 and text[10] == " " else text


class _Reader:
    """One pass over the copied database, turning rows into Web API `data` objects."""

    def __init__(self, conn: sqlite3.Connection, storage: Path) -> None:
        self.conn = conn
        self.storage = storage
        self.warnings: list[str] = []
        #: attachment (or standalone attachment) key -> its file, checked to lie in storage/<key>/
        self.stored: dict[str, Path] = {}

    def _rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        self.conn.row_factory = sqlite3.Row
        return list(self.conn.execute(sql, args))

    def _tables(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def read(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        try:
            tables = self._tables()
        except sqlite3.DatabaseError as exc:
            raise DataDirError(f"the database cannot be read ({exc})") from exc
        missing = [name for name in _REQUIRED if name not in tables]
        if missing:
            raise DataDirError(f"not a Zotero database (no table {', '.join(missing)})")
        fields = "fieldsCombined" if "fieldsCombined" in tables else "fields"
        types = "itemTypesCombined" if "itemTypesCombined" in tables else "itemTypes"
        if fields not in tables or types not in tables:
            raise DataDirError("not a Zotero database (no tables of item types and fields)")
        library = self._user_library(tables)
        collections = self._collections(library)
        return collections, self._items(library, fields, types, tables)

    def _user_library(self, tables: set[str]) -> int | None:
        if "libraries" not in tables:
            return None
        row = self.conn.execute("SELECT libraryID FROM libraries WHERE type = 'user' ORDER BY libraryID").fetchone()
        others = self.conn.execute("SELECT count(*) FROM items JOIN libraries USING (libraryID) "
                                   "WHERE libraries.type = 'group'").fetchone()[0]
        if others:
            self.warnings.append(f"{others} items of group libraries were not imported "
                                 f"(connect senref to the group on zotero.org instead)")
        return int(row[0]) if row else None

    def _collections(self, library: int | None) -> list[dict[str, Any]]:
        rows = self._rows("SELECT c.key, substr(c.collectionName, 1, 1000) AS name, p.key AS parent, c.libraryID "
                          "FROM collections c LEFT JOIN collections p ON p.collectionID = c.parentCollectionID")
        return [{"key": r["key"], "name": r["name"], "parentCollection": r["parent"] or False}
                for r in rows if library is None or r["libraryID"] == library]

    def _items(self, library: int | None, fields: str, types: str, tables: set[str]) -> list[dict[str, Any]]:
        rows = self._rows(f"SELECT i.itemID, i.key, i.libraryID, i.dateAdded, i.dateModified, t.typeName "
                          f"FROM items i JOIN {types} t ON t.itemTypeID = i.itemTypeID ORDER BY i.itemID")
        rows = [r for r in rows if library is None or r["libraryID"] == library]
        keys = {r["itemID"]: r["key"] for r in rows}
        deleted = {r[0] for r in self.conn.execute("SELECT itemID FROM deletedItems")} \
            if "deletedItems" in tables else set()
        values = self._values(fields)
        creators = self._creators()
        tags = self._grouped("SELECT it.itemID, t.name, it.type FROM itemTags it JOIN tags t USING (tagID)",
                             lambda r: {"tag": r[1], "type": 1 if r[2] == 1 else 0})
        member = self._grouped("SELECT ci.itemID, c.key FROM collectionItems ci JOIN collections c "
                               "USING (collectionID)", lambda r: r[1])
        relations = self._relations(tables)
        notes = {r[0]: r for r in self.conn.execute(
            "SELECT itemID, parentItemID, substr(note, 1, ?) FROM itemNotes", (READ_CAP,))}
        attachments = {r[0]: r for r in self.conn.execute(
            "SELECT itemID, parentItemID, linkMode, contentType, substr(path, 1, 5000), storageHash, "
            "storageModTime FROM itemAttachments")}
        out: list[dict[str, Any]] = []
        skipped: dict[str, int] = defaultdict(int)
        for row in rows:
            item_id, kind = row["itemID"], row["typeName"]
            data: dict[str, Any] = {"key": row["key"], "itemType": kind, "dateAdded": _iso(row["dateAdded"]),
                                    "dateModified": _iso(row["dateModified"]), **values.get(item_id, {}),
                                    "creators": creators.get(item_id, []), "tags": tags.get(item_id, []),
                                    "collections": member.get(item_id, []),
                                    "relations": relations.get(item_id, {})}
            parent = None
            if kind == "note":
                note = notes.get(item_id)
                data["note"] = str(note[2] or "") if note else ""
                parent = note[1] if note else None
            elif kind == "attachment":
                att = attachments.get(item_id)
                if att is None or not self._attachment(data, att, skipped):
                    continue
                parent = att[1]
                if item_id in notes:
                    data["note"] = str(notes[item_id][2] or "")
            elif kind == "annotation":
                skipped["annotations of PDFs"] += 1
                continue
            if parent is not None:
                if parent not in keys:
                    skipped["notes or attachments of another library's items"] += 1
                    continue
                data["parentItem"] = keys[parent]
                if item_id in deleted:
                    skipped["notes or attachments in Zotero's trash"] += 1
                    continue
            elif item_id in deleted:
                data["deleted"] = 1
            out.append(data)
        self.warnings.extend(f"{count} {what} not imported" for what, count in sorted(skipped.items()))
        return out

    def _values(self, fields: str) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = defaultdict(dict)
        for item_id, name, value in self.conn.execute(
                f"SELECT d.itemID, f.fieldName, substr(v.value, 1, ?) FROM itemData d "
                f"JOIN {fields} f USING (fieldID) JOIN itemDataValues v USING (valueID)", (READ_CAP,)):
            if name and value is not None:
                out[item_id][str(name)] = str(value)
        return out

    def _creators(self) -> dict[int, list[dict[str, str]]]:
        out: dict[int, list[dict[str, str]]] = defaultdict(list)
        for item_id, first, last, mode, kind in self.conn.execute(
                "SELECT ic.itemID, substr(c.firstName, 1, 1000), substr(c.lastName, 1, 1000), c.fieldMode, "
                "ct.creatorType FROM itemCreators ic JOIN creators c USING (creatorID) "
                "JOIN creatorTypes ct USING (creatorTypeID) ORDER BY ic.itemID, ic.orderIndex"):
            if mode == 1:
                out[item_id].append({"creatorType": kind, "name": last or ""})
            else:
                out[item_id].append({"creatorType": kind, "firstName": first or "", "lastName": last or ""})
        return out

    def _grouped(self, sql: str, value: Any) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        for row in self.conn.execute(sql):
            out[row[0]].append(value(row))
        return out

    def _relations(self, tables: set[str]) -> dict[int, dict[str, list[str]]]:
        out: dict[int, dict[str, list[str]]] = defaultdict(dict)
        if "itemRelations" not in tables or "relationPredicates" not in tables:
            return out
        for item_id, predicate, obj in self.conn.execute(
                "SELECT r.itemID, p.predicate, substr(r.object, 1, 2000) FROM itemRelations r "
                "JOIN relationPredicates p USING (predicateID)"):
            out[item_id].setdefault(str(predicate), []).append(str(obj))
        return out

    def _attachment(self, data: dict[str, Any], row: tuple[Any, ...], skipped: dict[str, int]) -> bool:
        """Fill an attachment's API fields; False to leave it out (the reason is counted or warned)."""
        mode = LINK_MODES.get(row[2])
        if mode is None or mode == "embedded_image":
            skipped["images embedded in notes"] += 1
            return False
        data.update(linkMode=mode, contentType=str(row[3] or ""), md5=row[5] or None, mtime=row[6] or None)
        path = str(row[4] or "")
        if mode == "linked_url":
            return True
        if mode == "linked_file":
            # A link to anywhere on the disk is not copied: the import takes files from storage/ only.
            self.warnings.append(f"linked file of {data['key']} not imported (senref copies only the "
                                 f"files in Zotero's storage folder): {path[:200]}")
            return bool(data.get("url")) and _as_link(data)
        name = path[len("storage:"):] if path.startswith("storage:") else ""
        source, why = self._stored(data["key"], name)
        if source is None:
            self.warnings.append(f"file of attachment {data['key']} not imported ({why}): "
                                 f"{STORAGE}/{data['key']}/{name[:200]}")
            return bool(data.get("url")) and _as_link(data)
        data["filename"] = source.name
        self.stored[data["key"]] = source
        return True

    def _stored(self, key: str, name: str) -> tuple[Path | None, str]:
        if not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
            return None, "its path leaves its storage folder" if name else "no file name"
        folder = self.storage / key
        if not real_dir(folder):  # a symlinked folder could make any file on the disk "inside" it
            return None, "not found" if not folder.is_symlink() else "its folder is a link"
        return allowed_file(folder / name, [folder])


def _as_link(data: dict[str, Any]) -> bool:
    """A stored attachment whose file is gone keeps its URL as a link."""
    data.update(linkMode="linked_url", md5=None, mtime=None)
    return True
