"""Zotero RDF streamed: the root's children one at a time, and a first pass that indexes what they refer to.

Zotero RDF is a flat list of nodes that refer to each other by rdf:resource/rdf:about, with the collections
usually last. Building the whole tree costs ~14x the file in memory (1.4 GB at 100k records), so the file is
fed to a pull parser in chunks and each top-level node is cut out of the tree once complete. A first pass
(`scan`) keeps only what the reading pass needs to decide early: which nodes are referenced (and how often, so
the reader can drop a node after its last use), how many times each is defined (the last definition wins) and
the collections' summaries. Malformed XML is found by that pass, before any record is given out, as the
whole-tree reader did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from senref.formats.xmlsafe import pull_parser
from senref.formats.zotero_rdf_nodes import RDF, about

CHUNK = 1 << 18
_RESOURCE = f"{{{RDF}}}resource"
_COLLECTION = "{http://www.zotero.org/namespaces/export#}Collection"
_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_HAS_PART = "{http://purl.org/dc/terms/}hasPart"
_REF_NODES = "descendant-or-self::*[@rdf:resource and not(self::dcterms:hasPart or self::dc:relation)]"
_XNS = {"rdf": RDF, "dcterms": "http://purl.org/dc/terms/", "dc": "http://purl.org/dc/elements/1.1/"}
#: every rdf:resource in a node that may name a node to read (collection members and relations never are)
REFS = etree.XPath(_REF_NODES + "/@rdf:resource", namespaces=_XNS, smart_strings=False)
#: whether there is any (most nodes have none, and asking costs half of listing them)
_ANY_REF = etree.XPath(f"boolean({_REF_NODES})", namespaces=_XNS)


def refs_of(el: etree._Element) -> list[str]:
    return [str(ref) for ref in REFS(el) if ref] if _ANY_REF(el) else []


class TopNodes:
    """Iterate the document element's children, each once complete and detached from the tree.

    Only the last child of the root can still be open after a chunk is fed, so every earlier one is whole;
    cutting them out keeps the tree at one chunk's worth of nodes (plus the nodes a caller keeps) whatever
    the file's size. A yielded node stays in the tree until the next chunk: keep it, or let it go.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root: etree._Element | None = None

    def __iter__(self) -> Iterator[etree._Element]:
        tag = _root_tag(self.path)
        parser = pull_parser(tag)
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                parser.feed(chunk)
                self._take_root(parser)
                yield from self._complete(keep_last=True)
        parser.close()
        self._take_root(parser)
        yield from self._complete(keep_last=False)

    def _take_root(self, parser: etree.XMLPullParser) -> None:
        for _event, el in parser.read_events():  # also drains nested elements sharing the root's name
            if self.root is None:
                self.root = el

    def _complete(self, *, keep_last: bool) -> Iterator[etree._Element]:
        root = self.root
        if root is None:
            return
        done = len(root) - 1 if keep_last else len(root)
        for i in range(done):
            child = root[i]
            if isinstance(child.tag, str):
                yield child
        # Cut out together once read: freeing a node nobody holds is cheap, while cutting out one still held
        # (a node kept for later) moves its subtree, so only the few kept nodes pay that.
        del root[:done]


def _root_tag(path: Path) -> str | None:
    """The document element's name, read from the first chunks (so the main parser reports that one alone)."""
    parser = pull_parser()
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            parser.feed(chunk)
            for _event, el in parser.read_events():
                return str(el.tag)
    return None


@dataclass
class RdfIndex:
    #: referenced node -> number of references to it (nodes defined in the file only)
    uses: dict[str, int] = field(default_factory=dict)
    #: referenced node -> number of top-level nodes defining it
    definitions: dict[str, int] = field(default_factory=dict)
    #: item node -> the paths of the collections holding it
    memberships: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    #: top-level node (its position among them) -> its references to referenced nodes, where it has any
    node_refs: dict[int, list[str]] = field(default_factory=dict)


def scan(path: Path) -> RdfIndex:
    """First pass: references, definitions and collections (raises XMLSyntaxError on malformed XML)."""
    defined: Counter[int] = Counter()  # hashes: a collision only keeps a node longer, never changes a result
    refs: Counter[str] = Counter()
    colls: dict[str, tuple[str, list[str]]] = {}
    node_refs: list[tuple[int, list[str]]] = []  # kept so that the reading pass need not look again
    nodes = TopNodes(path)
    for position, el in enumerate(nodes):
        key = about(el)
        if key:
            defined[hash(key)] += 1
        found = refs_of(el)
        if found:
            refs.update(found)
            node_refs.append((position, found))
        if el.tag == _COLLECTION:
            colls[key] = ((el.findtext(_TITLE) or "").strip() or "Untitled",
                          [str(part.get(_RESOURCE) or "") for part in el.iterchildren(_HAS_PART)])
    if nodes.root is not None:  # its children are gone by now: this is the root's own reference, if any
        refs.update(refs_of(nodes.root))
    index = RdfIndex()
    for ref, count in refs.items():
        if defined[hash(ref)]:
            index.uses[ref] = count
            index.definitions[ref] = defined[hash(ref)]
    index.memberships = memberships(colls)
    for position, found in node_refs:
        kept = [ref for ref in found if ref in index.uses]
        if kept:
            index.node_refs[position] = kept
    return index


def memberships(colls: dict[str, tuple[str, list[str]]]) -> dict[str, list[tuple[str, ...]]]:
    """Item -> collection paths (root first); collections nest by one's hasPart naming another."""
    parent: dict[str, str] = {}
    for key, (_title, parts) in colls.items():
        for ref in parts:
            if ref in colls:
                parent[ref] = key
    out: dict[str, list[tuple[str, ...]]] = {}
    for key, (_title, parts) in colls.items():
        names: list[str] = []
        current: str | None = key
        seen: set[str] = set()
        while current and current in colls and current not in seen:
            seen.add(current)
            names.append(colls[current][0])
            current = parent.get(current)
        path = tuple(reversed(names))
        for ref in parts:
            if ref and ref not in colls:
                out.setdefault(ref, []).append(path)
    return out
