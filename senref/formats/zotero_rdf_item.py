"""One Zotero RDF item node read into an Item: each property to its field through the item type's slots."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from senref.core.model import Item, Note
from senref.core.schema import CREATOR_TYPES, IDENTIFIER_FIELDS, ITEM_FIELDS, fields_for, type_field
from senref.formats.base import apply_extra
from senref.formats.zotero_rdf_map import CONFERENCE, CONTAINER, ISSN, ITEM, PART, PUBLISHER, SERIES, fields_at, z_field
from senref.formats.zotero_rdf_nodes import child_text, clark, qname, resource, text_of

if TYPE_CHECKING:
    from senref.formats.zotero_rdf_read import RdfReader

_CREATOR_PROPS = {"bib:authors": "author", "bib:editors": "editor", "bib:contributors": "contributor",
                  "dc:creator": "author", "dcterms:creator": "author", "dc:contributor": "contributor",
                  "dcterms:contributor": "contributor"}
_DATES = frozenset({"dc:date", "dcterms:issued", "dcterms:date", "prism:publicationDate", "dc1_0:date"})
#: predicates read as the one Zotero writes for the same thing
_SAME = {"dcterms:abstract": "dcterms:abstract", "bibo:abstract": "dcterms:abstract",
         "dcterms:dateSubmitted": "dcterms:dateSubmitted", "bib:pages": "bib:pages", "bibo:pages": "bib:pages",
         "dc:rights": "dc:rights", "dcterms:rights": "dc:rights", "prism:edition": "prism:edition",
         "dc:coverage": "dc:coverage", "prism:volume": "prism:volume", "bibo:volume": "prism:volume",
         "prism:number": "prism:number", "bibo:issue": "prism:number", "dcterms:alternative": "dcterms:alternative",
         "dc:title": "dc:title"}
_SCHEMES = {field: scheme for scheme, field in IDENTIFIER_FIELDS.items()}
_ALL_FIELDS = frozenset(f for fields in ITEM_FIELDS.values() for f in fields)
#: every creator type of the schema (`z:<type>s` holds that role's people)
_CREATOR_TYPES = frozenset(t for types in CREATOR_TYPES.values() for t in types)
_LABELLED = re.compile(r"^(DOI|ISBN|ISSN|PMID|PMCID|arXiv)\s*:?\s+(.+)$", re.I)
_URI, _LOCALITY = clark("dcterms:URI"), ".//" + clark("vcard:locality")


class ItemReading:
    """One item node read into an Item: each property to its field through the type's slots."""

    def __init__(self, reader: RdfReader, item: Item) -> None:
        self.reader = reader
        self.item = item
        self.table = fields_at(item.item_type)
        self.extra: list[str] = []
        self.description: list[str] = []

    def put(self, node: str, pred: str, value: str) -> None:
        name = self.table.get((node, pred))
        if not name and node == CONTAINER:
            name = self.table.get((ITEM, pred), "")
            if not name and pred == "dc:title":
                name = type_field(self.item.item_type, "publicationTitle")
        if not name and node == ITEM:
            name = self.table.get((CONTAINER, pred), "")
        if name:
            self.field(name, value)

    def field(self, name: str, value: str) -> None:
        value = value.strip()
        if not value:
            return
        scheme = _SCHEMES.get(name)
        if scheme:
            if scheme not in self.item.identifiers and not self.item.set_identifier(scheme, value) \
                    and name in fields_for(self.item.item_type):
                self.item.fields.setdefault(name, value)
        elif not self.item.fields.get(name):
            self.item.fields[name] = value

    def prop(self, prop: etree._Element) -> None:
        name = qname(prop)
        value = (prop.text or "").strip()
        reader = self.reader
        if name in _DATES:
            if not self.item.fields.get(type_field(self.item.item_type, "date") or "date"):
                self.put(ITEM, "dc:date", value)
        elif name in ("dc:title", "dcterms:title"):
            self.put(ITEM, "dc:title", value)
        elif name in _SAME:
            self.put(ITEM, _SAME[name], value)
        elif name in ("dc:language", "dcterms:language"):
            self.field("language", value or resource(prop))
        elif name in ("bibo:isbn13", "bibo:isbn10", "bibo:isbn"):
            self.field("ISBN", value)
        elif name in ("dc:identifier", "dcterms:identifier"):
            self.identifier(prop)
        elif name == "dcterms:isPartOf":
            self.part_of(prop, 0)
        elif name == "bib:presentedAt":
            node = reader.target(prop)
            title = child_text(node, "dc:title") if node is not None else value
            self.put(CONFERENCE, "dc:title", title)
        elif name in ("dc:publisher", "dcterms:publisher"):
            self.publisher(prop)
        elif name in _CREATOR_PROPS or (name.startswith("z:") and name.endswith("s") and name[2:-1] in _CREATOR_TYPES):
            self.item.creators.extend(reader.people(prop, _CREATOR_PROPS.get(name, name[2:-1])))
        elif name in ("dc:subject", "dcterms:subject"):
            reader.subject(self.item, prop)
        elif name == "dcterms:isReferencedBy":
            node = reader.target(prop)
            if node is not None and qname(node) == "bib:Memo" and text_of(node):
                self.item.notes.append(Note(html=text_of(node)))
        elif name == "link:link":
            node = reader.target(prop)
            att = reader.attachment(node) if node is not None else None
            if att is not None:
                self.item.attachments.append(att)
        elif name == "dc:description":
            self.description.append(value)
        elif name.startswith("z:") and name != "z:itemType" and value:
            self.z_prop(name, value)

    def z_prop(self, name: str, value: str) -> None:
        local = name[2:]
        field = self.table.get((ITEM, name)) or z_field(self.item.item_type, local)
        if field:
            self.field(field, value)
        elif local in _ALL_FIELDS:
            self.extra.append(f"{local}: {value}")  # a field this type has no place for (Zotero drops it)

    def identifier(self, prop: etree._Element, node: str = ITEM) -> None:
        uri = prop.find(_URI)
        if uri is not None:
            self.field("url", text_of(uri))
            return
        value = (prop.text or "").strip()
        match = _LABELLED.match(value)
        if match:
            label = match.group(1).upper()
            name = {"ARXIV": ""}.get(label, label)
            if name == "ISSN":
                self.put(node, ISSN, match.group(2))
            elif name:
                self.field(name, match.group(2))
            else:
                self.item.set_identifier("arxiv", match.group(2))
        elif value.startswith("10."):
            self.field("DOI", value)
        elif value.startswith(("http://", "https://")):
            self.field("url", value)

    def part_of(self, prop: etree._Element, depth: int) -> None:
        node = self.reader.target(prop)
        if node is None or depth > 4:
            return
        kind = qname(node)
        where = {"bib:Series": SERIES, "bib:Part": PART}.get(kind, CONTAINER)
        for child in node:
            if not isinstance(child.tag, str):
                continue
            name = qname(child)
            value = (child.text or "").strip()
            if name == "dcterms:isPartOf":
                self.part_of(child, depth + 1)
            elif name in ("dc:identifier", "dcterms:identifier") and where == CONTAINER:
                self.identifier(child, CONTAINER)
            elif name.startswith("z:") and value:
                self.z_prop(name, value)
            elif value:
                self.put(where, "dc:title" if name == "dcterms:title" else name, value)

    def publisher(self, prop: etree._Element) -> None:
        node = self.reader.target(prop)
        if node is None:
            self.put(PUBLISHER, "foaf:name", (prop.text or "").strip())
            return
        self.put(PUBLISHER, "foaf:name", child_text(node, "foaf:name").strip())
        locality = node.find(_LOCALITY)
        if locality is not None:
            self.put(PUBLISHER, "vcard:locality", (locality.text or "").strip())

    def finish(self) -> Item:
        text = "\n".join(filter(None, [*self.extra, *self.description]))
        if text:
            apply_extra(self.item, text)
        return self.item
