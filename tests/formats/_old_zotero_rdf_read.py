"""The whole-tree Zotero RDF reader as it was before streaming (issue 15), kept as a test oracle.

test_rdf_stream_equivalence checks that the streaming reader gives exactly what this one gave, on real
exports and on generated and hostile files. Not used by senref itself; do not fix bugs here, only there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from senref.core.model import AUTOMATIC, Attachment, Creator, Item, Note, Tag
from senref.core.records import ImportProblem, ImportRecord
from senref.core.schema import CREATOR_TYPES, IDENTIFIER_FIELDS, ITEM_FIELDS, fields_for, type_field
from senref.formats.base import apply_extra, file_attachment
from senref.formats.xmlsafe import UnsafeXml, parse
from senref.formats.zotero_rdf_map import (
    ARTICLE_CONTAINERS,
    CLASS_TYPES,
    CONFERENCE,
    CONTAINER,
    ISSN,
    ITEM,
    PART,
    PUBLISHER,
    SERIES,
    fields_at,
    z_field,
)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "rdf": RDF, "z": "http://www.zotero.org/namespaces/export#", "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/", "bib": "http://purl.org/net/biblio#", "foaf": "http://xmlns.com/foaf/0.1/",
    "link": "http://purl.org/rss/1.0/modules/link/", "prism": "http://prismstandard.org/namespaces/1.2/basic/",
    "vcard": "http://nwalsh.com/rdf/vCard#",
}

_PREFIX = {uri: prefix for prefix, uri in (NS | {"bibo": "http://purl.org/ontology/bibo/",
                                                "dc1_0": "http://purl.org/dc/elements/1.0/"}).items()}
LINK_MODES = {"0": "imported_file", "1": "imported_url", "2": "linked_file", "3": "linked_url"}
_CREATOR_PROPS = {"bib:authors": "author", "bib:editors": "editor", "bib:contributors": "contributor",
                  "dc:creator": "author", "dcterms:creator": "author", "dc:contributor": "contributor",
                  "dcterms:contributor": "contributor"}
#: read namespaces: Zotero's plus those of the dialects Zotero's RDF importer also reads
READ_NS = NS | {"bibo": "http://purl.org/ontology/bibo/", "dc1_0": "http://purl.org/dc/elements/1.0/"}
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


#: name properties, in the order RDF.js tries them (FOAF's official ones and the unofficial ones in the wild)
_SURNAMES = ("foaf:familyName", "foaf:lastName", "foaf:surname", "foaf:family_name", "foaf:name")
_GIVEN_NAMES = ("foaf:givenName", "foaf:firstName", "foaf:givenname")


def _first_text(node: etree._Element, names: tuple[str, ...]) -> str:
    for name in names:
        text = (node.findtext(name, namespaces=NS) or "").strip()
        if text:
            return text
    return ""


def qname(el: etree._Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return f"{_PREFIX.get(uri, uri)}:{local}"
    return tag


def about(el: etree._Element) -> str:
    return str(el.get(f"{{{RDF}}}about") or el.get(f"{{{RDF}}}ID") or el.get(f"{{{RDF}}}nodeID") or "")


def resource(el: etree._Element) -> str:
    return str(el.get(f"{{{RDF}}}resource") or "")


def text_of(el: etree._Element) -> str:
    value = el.find(f"{{{RDF}}}value")
    if value is not None:
        return (value.text or "").strip()
    return (el.text or "").strip()


class RdfReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.nodes: dict[str, etree._Element] = {}
        self.referenced: set[str] = set()

    def target(self, prop: etree._Element) -> etree._Element | None:
        """The node a property points at: inline child, or a top-level node by rdf:resource."""
        children = [c for c in prop if isinstance(c.tag, str)]
        if children:
            return children[0]
        ref = resource(prop)
        return self.nodes.get(ref) if ref else None

    def read(self) -> Iterator[ImportRecord | ImportProblem]:
        try:
            root = parse(self.path).getroot()
        except UnsafeXml as exc:
            yield ImportProblem(exc.line, str(exc))
            return
        top = [el for el in root if isinstance(el.tag, str)]
        for el in top:
            if about(el):
                self.nodes[about(el)] = el
        for el in root.iter():
            ref = resource(el) if isinstance(el.tag, str) else ""
            if ref and qname(el) not in ("dcterms:hasPart", "dc:relation"):
                self.referenced.add(ref)
        memberships = self.collections(top)
        for el in top:
            kind = qname(el)
            item_type = (el.findtext("z:itemType", namespaces=NS) or "").strip()
            if kind in ("z:Collection", "bib:Memo", "bib:Journal", "bib:Series", "foaf:Person", "foaf:Organization",
                        "bib:Conference", "z:Attachment") or item_type in ("note", "attachment"):
                if (kind == "z:Attachment" or item_type == "attachment") and about(el) not in self.referenced:
                    yield from self.standalone_attachment(el, memberships)
                continue
            if about(el) in self.referenced and not item_type:
                continue  # a container, publisher or person node, not an item
            if not item_type and kind.partition(":")[2].lower() not in CLASS_TYPES \
                    and el.find("dc:title", NS) is None:
                continue
            try:
                item = self.item(el, item_type, kind)
            except (ValueError, KeyError) as exc:
                yield ImportProblem(el.sourceline or 0, f"item {about(el)!r} unreadable: {exc}; skipped")
                continue
            yield ImportRecord(item, memberships.get(about(el), []), el.sourceline or 0)

    def collections(self, top: list[etree._Element]) -> dict[str, list[tuple[str, ...]]]:
        colls = {about(el): el for el in top if qname(el) == "z:Collection"}
        parent: dict[str, str] = {}
        for key, el in colls.items():
            for part in el.findall("dcterms:hasPart", NS):
                if resource(part) in colls:
                    parent[resource(part)] = key
        out: dict[str, list[tuple[str, ...]]] = {}
        for key, el in colls.items():
            names: list[str] = []
            current: str | None = key
            seen: set[str] = set()
            while current and current in colls and current not in seen:
                seen.add(current)
                names.append((colls[current].findtext("dc:title", namespaces=NS) or "").strip() or "Untitled")
                current = parent.get(current)
            path = tuple(reversed(names))
            for part in el.findall("dcterms:hasPart", NS):
                ref = resource(part)
                if ref and ref not in colls:
                    out.setdefault(ref, []).append(path)
        return out

    def standalone_attachment(self, el: etree._Element, memberships: dict[str, list[tuple[str, ...]]]) -> Iterator[ImportRecord]:
        att = self.attachment(el)
        if att is None:
            return
        item = Item(item_type="document", fields={"title": att.title or "Attachment"})
        item.attachments.append(att)
        yield ImportRecord(item, memberships.get(about(el), []), el.sourceline or 0)

    def attachment(self, el: etree._Element) -> Attachment | None:
        title = (el.findtext("dc:title", namespaces=NS) or "").strip()
        mime = (el.findtext("link:type", namespaces=NS) or "").strip()
        url = ""
        for ident in el.findall("dc:identifier", NS):
            uri = ident.find("dcterms:URI", NS)
            if uri is not None:
                url = text_of(uri)
        path_el = el.find("z:path", NS)
        if path_el is None:
            path_el = el.find("rdf:resource", NS)  # exports before 2026 (not valid RDF/XML, still Zotero's)
        raw_path = (resource(path_el) or (path_el.text or "")) if path_el is not None else ""
        att = file_attachment(raw_path, self.path.parent, title=title, content_type=mime) if raw_path else None
        if att is None and url:
            att = Attachment(title=title or url, link_mode="linked_url", url=url, content_type=mime)
        if att is not None and url and not att.url:
            att.url = url
        return att

    def people(self, prop: etree._Element, creator_type: str) -> list[Creator]:
        out: list[Creator] = []
        seq = self.target(prop)
        if seq is None:
            return out
        people = list(seq.iter(f"{{{RDF}}}li")) or [seq]
        for li in people:
            person = self.target(li) if li is not seq else seq
            if person is None:
                continue
            last = _first_text(person, _SURNAMES)
            first = _first_text(person, _GIVEN_NAMES)
            if first:
                out.append(Creator(creator_type, first_name=first, last_name=last))
            elif last:
                out.append(Creator(creator_type, name=last))
        return out

    def subject(self, item: Item, prop: etree._Element) -> None:
        node = self.target(prop)
        if node is None:
            item.add_tag((prop.text or "").strip())
            return
        kind = qname(node)
        if kind in ("dcterms:LCC", "dcterms:DDC", "dcterms:UDC"):
            item.fields.setdefault("callNumber", text_of(node))
        elif kind == "z:AutomaticTag":
            name = text_of(node)
            if name and not any(t.tag == name for t in item.tags):
                item.tags.append(Tag(name, AUTOMATIC))
        else:
            item.add_tag(text_of(node))

    def item(self, el: etree._Element, item_type: str, kind: str) -> Item:
        item_type, unknown = self.item_type(el, item_type, kind)
        reading = _ItemReading(self, Item(item_type=item_type))
        if unknown:
            reading.extra.append(f"Type: {unknown}")  # what Zotero keeps of a type it does not know
        for prop in el:
            if isinstance(prop.tag, str):
                reading.prop(prop)
        return reading.finish()

    def item_type(self, el: etree._Element, named: str, kind: str) -> tuple[str, str]:
        """The item type (z:itemType wins, then the node's class, then dc:type) and an unknown type's name."""
        if named in ITEM_FIELDS:
            return named, ""
        local = kind.partition(":")[2].lower() if kind.startswith(("bib:", "bibo:")) else ""
        found = CLASS_TYPES.get(local, "")
        if local in ("article", "document"):
            for part in el.findall("dcterms:isPartOf", READ_NS):
                node = self.target(part)
                container = qname(node).partition(":")[2] if node is not None else ""
                if container in ARTICLE_CONTAINERS and (local == "article") == (container in _PERIODICALS):
                    found = ARTICLE_CONTAINERS[container]
        if not found:
            dc_type = (el.findtext("dc:type", namespaces=READ_NS) or "").strip()
            found = dc_type if dc_type in ITEM_FIELDS else ""
        if named:
            return "document", named
        return found or "journalArticle", ""


_PERIODICALS = frozenset({"Journal", "Periodical", "Newspaper"})


class _ItemReading:
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
            title = (node.findtext("dc:title", namespaces=READ_NS) or "") if node is not None else value
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
        uri = prop.find("dcterms:URI", READ_NS)
        if uri is not None:
            self.field("url", text_of(uri))
            return
        value = (prop.text or "").strip()
        match = re.match(r"^(DOI|ISBN|ISSN|PMID|PMCID|arXiv)\s*:?\s+(.+)$", value, re.I)
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
        self.put(PUBLISHER, "foaf:name", (node.findtext("foaf:name", namespaces=READ_NS) or "").strip())
        locality = node.find(".//vcard:locality", READ_NS)
        if locality is not None:
            self.put(PUBLISHER, "vcard:locality", (locality.text or "").strip())

    def finish(self) -> Item:
        text = "\n".join(filter(None, [*self.extra, *self.description]))
        if text:
            apply_extra(self.item, text)
        return self.item


#: every creator type of the schema (`z:<type>s` holds that role's people)
_CREATOR_TYPES = frozenset(t for types in CREATOR_TYPES.values() for t in types)
