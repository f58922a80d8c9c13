"""Zotero RDF node basics: namespaces, prefixed names and the few ways a node holds a value or a reference."""

from __future__ import annotations

from lxml import etree

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "rdf": RDF, "z": "http://www.zotero.org/namespaces/export#", "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/", "bib": "http://purl.org/net/biblio#", "foaf": "http://xmlns.com/foaf/0.1/",
    "link": "http://purl.org/rss/1.0/modules/link/", "prism": "http://prismstandard.org/namespaces/1.2/basic/",
    "vcard": "http://nwalsh.com/rdf/vCard#",
}
#: read namespaces: Zotero's plus those of the dialects Zotero's RDF importer also reads
READ_NS = NS | {"bibo": "http://purl.org/ontology/bibo/", "dc1_0": "http://purl.org/dc/elements/1.0/"}
_PREFIX = {uri: prefix for prefix, uri in READ_NS.items()}
_ABOUT, _ID, _NODE_ID = f"{{{RDF}}}about", f"{{{RDF}}}ID", f"{{{RDF}}}nodeID"
_RESOURCE, _VALUE = f"{{{RDF}}}resource", f"{{{RDF}}}value"
#: "{uri}local" -> "prefix:local", filled as tags are met (a file uses a few dozen)
_QNAMES: dict[str, str] = {}


def clark(name: str) -> str:
    """"dc:title" -> "{http://purl.org/dc/elements/1.1/}title": lxml finds those without parsing a path."""
    prefix, _, local = name.partition(":")
    return f"{{{READ_NS[prefix]}}}{local}"


def qname(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    name = _QNAMES.get(tag)
    if name is None:
        name = tag
        if tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            name = f"{_PREFIX.get(uri, uri)}:{local}"
        if len(_QNAMES) < 4096:  # a hostile file's endless invented names must not grow it without bound
            _QNAMES[tag] = name
    return name


def about(el: etree._Element) -> str:
    return str(el.get(_ABOUT) or el.get(_ID) or el.get(_NODE_ID) or "")


def resource(el: etree._Element) -> str:
    return str(el.get(_RESOURCE) or "")


def text_of(el: etree._Element) -> str:
    value = el.find(_VALUE)
    if value is not None:
        return (value.text or "").strip()
    return (el.text or "").strip()


def child_text(el: etree._Element, name: str) -> str:
    """The text of the first child named *name* ("" if none), as `findtext` gives it."""
    return el.findtext(clark(name)) or ""


def first_texts(node: etree._Element, *names: tuple[str, ...]) -> list[str]:
    """For each tuple of Clark names: the first non-blank text among *node*'s children so named, tried in that
    order, as `findtext` would give it name by name (one pass over the children for all of them)."""
    wanted = {tag for tags in names for tag in tags}
    texts: dict[object, str] = {}
    for child in node:
        tag = child.tag
        if tag in wanted and tag not in texts:
            texts[tag] = child.text or ""
    out: list[str] = []
    for tags in names:
        found = ""
        for tag in tags:
            found = texts.get(tag, "").strip()
            if found:
                break
        out.append(found)
    return out
