"""Zotero RDF: fields where Zotero's translators put them, valid RDF/XML, and the dialects Zotero's importer reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import Creator, Item
from senref.core.schema import ITEM_TYPES
from senref.formats.base import ExportContext
from senref.formats.zotero_rdf import ZoteroRdfFormat
from senref.formats.zotero_rdf_map import slots
from tests.formats.conftest import read_items
from tests.formats.schema_items import schema_item

DC = "http://purl.org/dc/elements/1.1/"
Z = "http://www.zotero.org/namespaces/export#"


def write(items: list[Item], tmp_path: Path) -> Path:
    path = tmp_path / "out.rdf"
    ZoteroRdfFormat().write(items, path, ExportContext(library_dir=tmp_path))
    return path


def test_every_type_exports_as_rdf_xml_that_rdflib_reads(tmp_path: Path) -> None:
    rdflib = pytest.importorskip("rdflib")
    graph = rdflib.Graph()
    graph.parse(write([schema_item(t) for t in ITEM_TYPES], tmp_path), format="xml")
    types = {str(o) for o in graph.objects(None, rdflib.URIRef(Z + "itemType"))}
    assert types == set(ITEM_TYPES)


def test_fields_sit_where_zoteros_exporter_puts_them(tmp_path: Path) -> None:
    thesis = Item(item_type="thesis", fields={"title": "On ageing", "thesisType": "PhD thesis",
                                              "university": "Uppsala University", "place": "Uppsala"})
    chapter = Item(item_type="bookSection", fields={"title": "Ch. 1", "bookTitle": "Handbook", "volume": "3",
                                                    "series": "Methods", "callNumber": "QH 1"})
    text = write([thesis, chapter], tmp_path).read_text(encoding="utf-8")
    assert "<z:type>PhD thesis</z:type>" in text  # the base field's name, as Zotero writes it
    assert "<foaf:name>Uppsala University</foaf:name>" in text
    assert "<vcard:locality>Uppsala</vcard:locality>" in text
    book = text[text.index("<bib:Book>"):text.index("</bib:Book>")]
    assert "<dc:title>Handbook</dc:title>" in book and "<prism:volume>3</prism:volume>" in book
    assert "<bib:Series>" in book
    assert "<dcterms:LCC><rdf:value>QH 1</rdf:value></dcterms:LCC>" in text


def test_no_two_fields_of_a_type_share_a_predicate() -> None:
    for item_type in ITEM_TYPES:
        places = list(slots(item_type).values())
        assert len(places) == len(set(places)), item_type


def test_other_dialects_zoteros_importer_reads(tmp_path: Path) -> None:
    path = tmp_path / "bibo.rdf"
    path.write_text("""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:bibo="http://purl.org/ontology/bibo/"
         xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:z="http://www.zotero.org/namespaces/export#">
  <bibo:Book rdf:about="http://example.org/book/1">
    <dc:title>Ageing cells</dc:title>
    <dcterms:creator rdf:resource="http://example.org/person/1"/>
    <dcterms:issued>2015</dcterms:issued>
    <bibo:isbn13>9780262033848</bibo:isbn13>
    <dcterms:language rdf:resource="http://id.loc.gov/vocabulary/iso639-2/ger"/>
    <dcterms:subject>Senescence</dcterms:subject>
  </bibo:Book>
  <foaf:Person rdf:about="http://example.org/person/1">
    <foaf:familyName>Ronge</foaf:familyName><foaf:givenName>Bea</foaf:givenName>
  </foaf:Person>
  <rdf:Description rdf:about="#item_2">
    <z:itemType>treaty</z:itemType>
    <dc:title>Polar code</dc:title>
  </rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    book, treaty = read_items(ZoteroRdfFormat(), path)
    assert book.item_type == "book"
    assert book.creators == [Creator("author", first_name="Bea", last_name="Ronge")]
    assert (book.fields["date"], book.identifiers["isbn"]) == ("2015", "9780262033848")
    assert book.fields["language"] == "http://id.loc.gov/vocabulary/iso639-2/ger"
    assert book.tag_names() == ["Senescence"]
    assert (treaty.item_type, treaty.fields["extra"]) == ("document", "Type: treaty")


def test_a_field_the_type_has_no_place_for_is_kept_in_extra(tmp_path: Path) -> None:
    item = Item(item_type="webpage", fields={"title": "Page", "numPages": "12"})
    (back,) = read_items(ZoteroRdfFormat(), write([item], tmp_path))
    assert back.fields["extra"] == "numPages: 12"
