"""Read Zotero RDF (and the RDF dialects Zotero's RDF importer accepts) into ImportRecords."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from senref.core.model import AUTOMATIC, Attachment, Creator, Item, Note, Tag
from senref.core.records import ImportProblem, ImportRecord
from senref.core.schema import ITEM_FIELDS
from senref.formats.base import apply_extra, file_attachment
from senref.formats.bibtex_map import zotero_field
from senref.formats.xmlsafe import UnsafeXml, parse

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "rdf": RDF, "z": "http://www.zotero.org/namespaces/export#", "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/", "bib": "http://purl.org/net/biblio#", "foaf": "http://xmlns.com/foaf/0.1/",
    "link": "http://purl.org/rss/1.0/modules/link/", "prism": "http://prismstandard.org/namespaces/1.2/basic/",
    "vcard": "http://nwalsh.com/rdf/vCard#",
}
_PREFIX = {uri: prefix for prefix, uri in NS.items()}
CLASS_TYPES = {
    "bib:Article": "journalArticle", "bib:Book": "book", "bib:BookSection": "bookSection", "bib:Thesis": "thesis",
    "bib:Report": "report", "bib:Document": "document", "bib:Manuscript": "manuscript", "bib:Letter": "letter",
    "bib:Patent": "patent", "bib:Data": "dataset", "bib:Illustration": "document", "z:Website": "webpage",
}
LINK_MODES = {"0": "imported_file", "1": "imported_url", "2": "linked_file", "3": "linked_url"}
_CREATOR_PROPS = {"bib:authors": "author", "bib:editors": "editor", "bib:contributors": "contributor"}
_ALL_FIELDS = frozenset(f for fields in ITEM_FIELDS.values() for f in fields)


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
            if not item_type and kind not in CLASS_TYPES and el.find("dc:title", NS) is None:
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

    def item(self, el: etree._Element, item_type: str, kind: str) -> Item:
        if not item_type:
            item_type = CLASS_TYPES.get(kind, "document")
            part = el.find("dcterms:isPartOf", NS)
            container = self.target(part) if part is not None else None
            if kind == "bib:Article" and container is not None and qname(container) != "bib:Journal":
                item_type = "magazineArticle" if qname(container) == "bib:Periodical" else "journalArticle"
        item = Item(item_type=item_type)

        def put(base: str, value: str) -> None:
            name = zotero_field(item_type, base) if base not in ("url", "accessDate") else base
            if name and value and not item.fields.get(name):
                item.fields[name] = value

        for prop in el:
            if not isinstance(prop.tag, str):
                continue
            name = qname(prop)
            value = (prop.text or "").strip()
            if name == "dc:title":
                put("title", value)
            elif name == "dcterms:abstract":
                put("abstractNote", value)
            elif name == "dc:date":
                put("date", value)
            elif name == "dcterms:dateSubmitted":
                put("accessDate", value)
            elif name == "bib:pages":
                put("pages", value)
            elif name == "dc:description":
                apply_extra(item, value)
            elif name == "dc:rights":
                put("rights", value)
            elif name == "dc:coverage":
                put("archiveLocation", value)
            elif name == "prism:volume":
                put("volume", value)
            elif name == "prism:number":
                put("issue", value) if zotero_field(item_type, "issue") else put("number", value)
            elif name == "prism:edition":
                put("edition", value)
            elif name == "dc:identifier":
                self.identifier(item, prop, put)
            elif name == "dcterms:isPartOf":
                self.container(item, prop, put)
            elif name == "bib:presentedAt":
                node = self.target(prop)
                if node is not None:
                    put("conferenceName", (node.findtext("dc:title", namespaces=NS) or "").strip())
            elif name == "dc:publisher":
                self.publisher(prop, put)
            elif name in _CREATOR_PROPS or (name.startswith("z:") and name.endswith("s") and name[2:-1] in _CREATOR_TYPES):
                ctype = _CREATOR_PROPS.get(name, name[2:-1])
                item.creators.extend(self.people(prop, ctype))
            elif name == "dc:subject":
                self.subject(item, prop)
            elif name == "dcterms:isReferencedBy":
                node = self.target(prop)
                if node is not None and qname(node) == "bib:Memo":
                    html = text_of(node)
                    if html:
                        item.notes.append(Note(html=html))
            elif name == "link:link":
                node = self.target(prop)
                if node is not None:
                    att = self.attachment(node)
                    if att is not None:
                        item.attachments.append(att)
            elif name == "dcterms:alternative":
                put("journalAbbreviation", value)
            elif name.startswith("z:") and name[2:] in _ALL_FIELDS and value:
                put(name[2:], value)
        return item

    def identifier(self, item: Item, prop: etree._Element, put: object) -> None:
        assert callable(put)
        uri = prop.find("dcterms:URI", NS)
        if uri is not None:
            put("url", text_of(uri))
            return
        value = (prop.text or "").strip()
        match = re.match(r"^(DOI|ISBN|ISSN|PMID|PMCID|arXiv)\s*:?\s+(.+)$", value, re.I)
        if match:
            scheme = match.group(1).lower()
            if scheme == "issn":
                put("ISSN", match.group(2))
            elif not item.set_identifier(scheme, match.group(2)) and scheme == "isbn":
                put("ISBN", match.group(2))
        elif value.startswith(("http://", "https://")):
            put("url", value)

    def container(self, item: Item, prop: etree._Element, put: object) -> None:
        assert callable(put)
        node = self.target(prop)
        if node is None:
            return
        kind = qname(node)
        title = (node.findtext("dc:title", namespaces=NS) or "").strip()
        if kind == "bib:Series":
            put("series", title) if zotero_field(item.item_type, "series") else put("seriesTitle", title)
            number = (node.findtext("dc:identifier", namespaces=NS) or "").strip()
            put("seriesNumber", number)
            return
        put("publicationTitle", title)
        for child in node:
            if not isinstance(child.tag, str):
                continue
            name = qname(child)
            value = (child.text or "").strip()
            if name == "prism:volume":
                put("volume", value)
            elif name == "prism:number":
                put("issue", value)
            elif name == "dcterms:alternative":
                put("journalAbbreviation", value)
            elif name == "dc:identifier":
                self.identifier(item, child, put)
            elif name == "dcterms:isPartOf":
                self.container(item, child, put)

    def publisher(self, prop: etree._Element, put: object) -> None:
        assert callable(put)
        node = self.target(prop)
        if node is None:
            put("publisher", (prop.text or "").strip())
            return
        put("publisher", (node.findtext("foaf:name", namespaces=NS) or "").strip())
        locality = node.find(".//vcard:locality", NS)
        if locality is not None:
            put("place", (locality.text or "").strip())

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
            last = (person.findtext("foaf:surname", namespaces=NS) or person.findtext("foaf:name", namespaces=NS)
                    or "").strip()
            first = (person.findtext("foaf:givenName", namespaces=NS) or person.findtext("foaf:givenname", namespaces=NS)
                     or "").strip()
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


_CREATOR_TYPES = frozenset({"author", "editor", "contributor", "translator", "seriesEditor", "bookAuthor",
                            "reviewedAuthor", "inventor", "programmer", "presenter", "recipient", "interviewer",
                            "director", "attorneyAgent", "chair", "organizer"})
