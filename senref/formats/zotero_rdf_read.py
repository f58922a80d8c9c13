"""Read Zotero RDF (and the RDF dialects Zotero's RDF importer accepts) into ImportRecords, streamed.

Records come out in file order, each as soon as every node it refers to (its authors' Seq, its journal, notes,
attachments) has been read; a node is kept only while something still to be read refers to it, so memory
follows the unresolved references, not the file (see zotero_rdf_stream for the two passes).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from senref.core.model import AUTOMATIC, Attachment, Creator, Item, Tag
from senref.core.records import ImportProblem, ImportRecord
from senref.core.schema import ITEM_FIELDS
from senref.formats.base import file_attachment
from senref.formats.xmlsafe import UnsafeXml, check_prolog, parse, syntax_error
from senref.formats.zotero_rdf_item import ItemReading
from senref.formats.zotero_rdf_map import ARTICLE_CONTAINERS, CLASS_TYPES
from senref.formats.zotero_rdf_nodes import (
    NS,
    READ_NS,
    about,
    child_text,
    clark,
    first_texts,
    qname,
    resource,
    text_of,
)
from senref.formats.zotero_rdf_stream import RdfIndex, TopNodes, scan

__all__ = ["NS", "READ_NS", "RdfReader", "about", "qname", "resource", "text_of"]

#: files up to this size have a syntax error reported exactly as the whole-tree parser words it
EXACT_ERRORS_UP_TO = 8 << 20
LINK_MODES = {"0": "imported_file", "1": "imported_url", "2": "linked_file", "3": "linked_url"}
#: name properties, in the order RDF.js tries them (FOAF's official ones and the unofficial ones in the wild)
_SURNAMES = tuple(clark(n) for n in ("foaf:familyName", "foaf:lastName", "foaf:surname", "foaf:family_name",
                                     "foaf:name"))
_GIVEN_NAMES = tuple(clark(n) for n in ("foaf:givenName", "foaf:firstName", "foaf:givenname"))
_NOT_ITEMS = frozenset({"z:Collection", "bib:Memo", "bib:Journal", "bib:Series", "foaf:Person", "foaf:Organization",
                        "bib:Conference", "z:Attachment"})
_PERIODICALS = frozenset({"Journal", "Periodical", "Newspaper"})
_IDENTIFIER, _URI, _PATH = clark("dc:identifier"), clark("dcterms:URI"), clark("z:path")
_RESOURCE_EL, _LI, _IS_PART_OF, _TITLE = clark("rdf:resource"), clark("rdf:li"), clark("dcterms:isPartOf"), clark("dc:title")


class RdfReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        #: referenced nodes read so far that something still to be read refers to (the latest definition)
        self.nodes: dict[str, etree._Element] = {}
        self.referenced: frozenset[str] = frozenset()
        self._index = RdfIndex()
        self._uses: dict[str, int] = {}  # references not yet read, per node
        self._seen: Counter[str] = Counter()  # definitions read, per referenced node
        self._refs: dict[int, list[str]] = {}  # id(node) -> its references, for nodes kept (pending or stored)
        self._pending: deque[tuple[etree._Element, str]] = deque()  # records to give out, in file order
        self._pending_ids: set[int] = set()
        self._blocked_on = ""

    def target(self, prop: etree._Element) -> etree._Element | None:
        """The node a property points at: inline child, or a top-level node by rdf:resource."""
        for child in prop:
            if isinstance(child.tag, str):
                return child
        ref = resource(prop)
        return self.nodes.get(ref) if ref else None

    def read(self) -> Iterator[ImportRecord | ImportProblem]:
        try:
            check_prolog(self.path)
            self._index = scan(self.path)
            self._uses = dict(self._index.uses)
            self.referenced = frozenset(self._uses)
            for position, el in enumerate(TopNodes(self.path)):
                self._arrive(el, self._index.node_refs.get(position, []))
                yield from self._flush(final=False)
        except UnsafeXml as exc:
            yield ImportProblem(exc.line, str(exc))
            return
        except etree.XMLSyntaxError as exc:
            problem = self._syntax_problem(exc)
            yield ImportProblem(problem.line, str(problem))
            return
        yield from self._flush(final=True)

    def _syntax_problem(self, exc: etree.XMLSyntaxError) -> UnsafeXml:
        """The pull parser's error, or the whole-tree parser's where that says more.

        Fed in chunks, libxml2 places some errors a few columns on (a text node too long) and loses one
        outright (an undeclared entity becomes "no element found"): a small file, or one where the message is
        lost, is parsed whole again for the exact message (the tree stops at the error).
        """
        if exc.msg == "no element found" or self.path.stat().st_size <= EXACT_ERRORS_UP_TO:
            try:
                parse(self.path)
            except UnsafeXml as whole:
                return whole
        return syntax_error(exc)

    def _arrive(self, el: etree._Element, refs: list[str]) -> None:
        key = about(el)
        stored = False
        if key in self._uses:
            self._seen[key] += 1
            if self._uses[key] > 0:  # else every reference to it has been read already
                previous = self.nodes.get(key)
                self.nodes[key] = el  # a later definition wins, as it did in the whole-tree reader
                stored = True
                if previous is not None and id(previous) not in self._pending_ids:
                    self._finish(previous)
        kind = self._entry(el)
        if kind:
            self._pending.append((el, kind))
            self._pending_ids.add(id(el))
        if kind or stored:
            self._refs[id(el)] = refs
        else:
            self._release(refs)

    def _entry(self, el: etree._Element) -> str:
        """What *el* gives out: "item", "attachment" (a standalone one) or nothing ("")."""
        kind = qname(el)
        item_type = child_text(el, "z:itemType").strip()
        if kind in _NOT_ITEMS or item_type in ("note", "attachment"):
            if (kind == "z:Attachment" or item_type == "attachment") and about(el) not in self.referenced:
                return "attachment"
            return ""
        if about(el) in self.referenced and not item_type:
            return ""  # a container, publisher or person node, not an item
        if not item_type and kind.partition(":")[2].lower() not in CLASS_TYPES and el.find(_TITLE) is None:
            return ""
        return "item"

    def _available(self, ref: str) -> bool:
        return self._seen[ref] >= self._index.definitions.get(ref, 0)

    def _blocker(self, el: etree._Element) -> str:
        """A node *el* refers to (directly or through kept nodes) whose last definition is still to come."""
        stack, visited = [el], {id(el)}
        while stack:
            for ref in self._refs.get(id(stack.pop()), ()):
                if not self._available(ref):
                    return ref
                node = self.nodes.get(ref)
                if node is not None and id(node) not in visited:
                    visited.add(id(node))
                    stack.append(node)
        return ""

    def _flush(self, *, final: bool) -> Iterator[ImportRecord | ImportProblem]:
        while self._pending:
            el, kind = self._pending[0]
            if not final:
                if self._blocked_on and not self._available(self._blocked_on):
                    return
                self._blocked_on = self._blocker(el)
                if self._blocked_on:
                    return
            self._pending.popleft()
            self._pending_ids.discard(id(el))
            yield from self._produce(el, kind)
            if self.nodes.get(about(el)) is not el:
                self._finish(el)

    def _finish(self, el: etree._Element) -> None:
        """*el* will not be read again: spend its references (freeing nodes nothing else still needs)."""
        self._release(self._refs.pop(id(el), []))

    def _release(self, refs: list[str]) -> None:
        stack = [refs]
        while stack:
            for ref in stack.pop():
                self._uses[ref] -= 1
                if self._uses[ref] <= 0 and self._available(ref):
                    node = self.nodes.pop(ref, None)
                    if node is not None and id(node) not in self._pending_ids:
                        stack.append(self._refs.pop(id(node), []))

    def _produce(self, el: etree._Element, kind: str) -> Iterator[ImportRecord | ImportProblem]:
        memberships = self._index.memberships
        if kind == "attachment":
            yield from self.standalone_attachment(el, memberships)
            return
        try:
            item = self.item(el, child_text(el, "z:itemType").strip(), qname(el))
        except (ValueError, KeyError) as exc:
            yield ImportProblem(el.sourceline or 0, f"item {about(el)!r} unreadable: {exc}; skipped")
            return
        yield ImportRecord(item, memberships.get(about(el), []), el.sourceline or 0)

    def standalone_attachment(self, el: etree._Element, memberships: dict[str, list[tuple[str, ...]]]) -> Iterator[ImportRecord]:
        att = self.attachment(el)
        if att is None:
            return
        item = Item(item_type="document", fields={"title": att.title or "Attachment"})
        item.attachments.append(att)
        yield ImportRecord(item, memberships.get(about(el), []), el.sourceline or 0)

    def attachment(self, el: etree._Element) -> Attachment | None:
        title = child_text(el, "dc:title").strip()
        mime = child_text(el, "link:type").strip()
        url = ""
        for ident in el.iterchildren(_IDENTIFIER):
            uri = ident.find(_URI)
            if uri is not None:
                url = text_of(uri)
        path_el = el.find(_PATH)
        if path_el is None:
            path_el = el.find(_RESOURCE_EL)  # exports before 2026 (not valid RDF/XML, still Zotero's)
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
        people = list(seq.iter(_LI)) or [seq]
        for li in people:
            person = self.target(li) if li is not seq else seq
            if person is None:
                continue
            last, first = first_texts(person, _SURNAMES, _GIVEN_NAMES)
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
        reading = ItemReading(self, Item(item_type=item_type))
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
            for part in el.iterchildren(_IS_PART_OF):
                node = self.target(part)
                container = qname(node).partition(":")[2] if node is not None else ""
                if container in ARTICLE_CONTAINERS and (local == "article") == (container in _PERIODICALS):
                    found = ARTICLE_CONTAINERS[container]
        if not found:
            dc_type = child_text(el, "dc:type").strip()
            found = dc_type if dc_type in ITEM_FIELDS else ""
        if named:
            return "document", named
        return found or "journalArticle", ""




