"""The import floor: the honest minimum a reference manager must do to import a file, in stdlib sqlite3 + FTS5.

    python -m bench.floor FILE DB [--format csljson|ris|rdf]

What it does, and nothing more:
- parses the file with the plainest tool for the format: `json.load` for CSL-JSON, a line reader for RIS
  (`TAG  - value`, values of a repeated tag kept in order, `ER` ends a record), `lxml.etree.iterparse` for
  Zotero RDF (one top-level element at a time, cleared after use, so memory stays flat);
- stores every record in one `items` table (type, title, date, container, DOI as columns, every other field as a
  JSON object), its people in a `creators` table (item, position, role, family, given or a single literal name),
  and title + creators + abstract in an FTS5 table with senref's tokenizer (`unicode61 remove_diacritics 2`);
- writes in transactions of 1000 records with `executemany`, with senref's pragmas (WAL, synchronous NORMAL).
It does not decode LaTeX, normalise names, dates or identifiers, detect duplicates, tag, or keep an undo log;
those are what senref's extra time buys, and the ratio says how much they cost.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

Record = dict[str, Any]
BATCH = 1000
SCHEMA = """
CREATE TABLE items (id INTEGER PRIMARY KEY, type TEXT, title TEXT, date TEXT, container TEXT, doi TEXT, data TEXT);
CREATE TABLE creators (item_id INTEGER REFERENCES items(id), pos INTEGER, role TEXT, family TEXT, given TEXT,
                       literal TEXT);
CREATE INDEX creators_item ON creators(item_id);
CREATE VIRTUAL TABLE items_fts USING fts5(title, creators, abstract, tokenize = 'unicode61 remove_diacritics 2');
"""
NS = {"z": "http://www.zotero.org/namespaces/export#", "dc": "http://purl.org/dc/elements/1.1/",
      "dcterms": "http://purl.org/dc/terms/", "bib": "http://purl.org/net/biblio#", "foaf": "http://xmlns.com/foaf/0.1/"}


def read_csljson(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    for entry in data:
        creators = [(role, p.get("family", ""), p.get("given", ""), p.get("literal", ""))
                    for role in ("author", "editor") for p in entry.pop(role, [])]
        parts = entry.pop("issued", {}).get("date-parts", [[]])[0]
        yield {"type": entry.pop("type", ""), "title": entry.pop("title", ""), "creators": creators,
               "date": "-".join(str(p) for p in parts), "container": entry.pop("container-title", ""),
               "doi": entry.pop("DOI", ""), "abstract": entry.pop("abstract", ""), "data": entry}


def read_ris(path: Path) -> Iterator[Record]:
    fields: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if len(line) < 6 or line[2:6] != "  - ":
                continue
            tag, value = line[:2], line[6:].rstrip("\n")
            if tag != "ER":
                fields.setdefault(tag, []).append(value)
                continue
            creators = []
            for role, tag_name in (("author", "AU"), ("editor", "A2")):
                for name in fields.pop(tag_name, []):
                    family, _, given = name.partition(", ")
                    creators.append((role, family, given, "") if given else (role, "", "", name))
            first = {tag: values[0] for tag, values in fields.items()}
            yield {"type": first.get("TY", ""), "title": first.get("TI", ""), "creators": creators,
                   "date": first.get("DA", first.get("PY", "")), "container": first.get("T2", ""),
                   "doi": first.get("DO", ""), "abstract": first.get("AB", ""), "data": fields}
            fields = {}


def _text(elem: Any, path: str) -> str:
    found = elem.find(path, NS)
    return (found.text or "") if found is not None else ""


def read_rdf(path: Path) -> Iterator[Record]:
    depth = 0
    for event, elem in etree.iterparse(str(path), events=("start", "end"), huge_tree=True):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth != 1:  # only the items, the root's children
            continue
        creators = [(role, _text(p, "foaf:surname") if p.find("foaf:givenName", NS) is not None else "",
                     _text(p, "foaf:givenName"),
                     "" if p.find("foaf:givenName", NS) is not None else _text(p, "foaf:surname"))
                    for role, tag in (("author", "bib:authors"), ("editor", "bib:editors"))
                    for p in elem.iterfind(f"{tag}//foaf:Person", NS)]
        ids = [i.text or "" for i in elem.iterfind("dc:identifier", NS)]
        doi = next((i[4:] for i in ids if i.startswith("DOI ")), "")
        data = {etree.QName(child).localname: child.text for child in elem
                if isinstance(child.tag, str) and child.text and child.text.strip()}
        yield {"type": _text(elem, "z:itemType"), "title": _text(elem, "dc:title"), "creators": creators,
               "date": _text(elem, "dc:date"), "container": _text(elem, "dcterms:isPartOf/*/dc:title"),
               "doi": doi, "abstract": _text(elem, "dcterms:abstract"), "data": data}
        elem.clear()
        parent = elem.getparent()
        while parent is not None and elem.getprevious() is not None:
            del parent[0]


READERS = {"csljson": read_csljson, "ris": read_ris, "rdf": read_rdf}


def guess_format(path: Path) -> str:
    return {".json": "csljson", ".ris": "ris", ".rdf": "rdf"}[path.suffix.lower()]


def _flush(conn: sqlite3.Connection, batch: list[tuple[int, Record]]) -> None:
    with conn:
        conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(i, r["type"], r["title"], r["date"], r["container"], r["doi"],
                           json.dumps(r["data"], ensure_ascii=False)) for i, r in batch])
        conn.executemany("INSERT INTO creators VALUES (?, ?, ?, ?, ?, ?)",
                         [(i, pos, *c) for i, r in batch for pos, c in enumerate(r["creators"])])
        conn.executemany("INSERT INTO items_fts(rowid, title, creators, abstract) VALUES (?, ?, ?, ?)",
                         [(i, r["title"], "; ".join(" ".join(filter(None, c[1:])) for c in r["creators"]),
                           r["abstract"]) for i, r in batch])


def build(source: Path, db: Path, fmt: str | None = None) -> int:
    """Import `source` into a new database at `db`; returns the number of records."""
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(SCHEMA)
    batch: list[tuple[int, Record]] = []
    count = 0
    for count, record in enumerate(READERS[fmt or guess_format(source)](source), start=1):
        batch.append((count, record))
        if len(batch) >= BATCH:
            _flush(conn, batch)
            batch = []
    if batch:
        _flush(conn, batch)
    conn.close()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--format", choices=sorted(READERS))
    args = parser.parse_args(argv)
    print(build(args.source, args.db, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
