"""Zotero RDF export and import (format `zotero-rdf`): collections, tags, notes and files, as Zotero reads them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr

from senref.core.atomic import atomic_write
from senref.core.model import AUTOMATIC, Item
from senref.core.records import ImportProblem, ImportRecord
from senref.core.schema import BASE_FIELDS
from senref.formats.base import ExportContext, Format, extra_with_identifiers
from senref.formats.exportfiles import exported_path
from senref.formats.zotero_rdf_read import NS, RdfReader

ITEM_CLASSES = {
    "journalArticle": "bib:Article", "magazineArticle": "bib:Article", "newspaperArticle": "bib:Article",
    "book": "bib:Book", "bookSection": "bib:BookSection", "thesis": "bib:Thesis", "report": "bib:Report",
    "manuscript": "bib:Manuscript", "letter": "bib:Letter", "patent": "bib:Patent", "dataset": "bib:Data",
    "document": "bib:Document", "webpage": "rdf:Description", "conferencePaper": "rdf:Description",
}
CONTAINERS = {"journalArticle": "bib:Journal", "magazineArticle": "bib:Periodical", "newspaperArticle": "bib:Newspaper",
              "bookSection": "bib:Book", "conferencePaper": "bib:Journal", "webpage": "z:Website",
              "encyclopediaArticle": "bib:Book"}
CREATOR_PROPS = {"author": "bib:authors", "editor": "bib:editors", "contributor": "bib:contributors"}
LINK_MODE_NUMBERS = {"imported_file": "0", "imported_url": "1", "linked_file": "2", "linked_url": "3"}
#: fields written with a dedicated predicate; every other field travels as z:<field>
_HANDLED = frozenset({"title", "abstractNote", "date", "accessDate", "pages", "extra", "rights", "archiveLocation",
                      "volume", "issue", "edition", "url", "publisher", "place", "ISSN", "journalAbbreviation",
                      "series", "seriesNumber", "conferenceName", "DOI", "ISBN"})
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text: str) -> str:
    return _xml_escape(_BAD_XML.sub("", text))


class ZoteroRdfFormat(Format):
    name = "zotero-rdf"
    label = "Zotero RDF"
    extensions = (".rdf",)

    def sniff(self, head: str) -> bool:
        return "<rdf:RDF" in head or ("http://www.w3.org/1999/02/22-rdf-syntax-ns#" in head and "<" in head[:200])

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        found = False
        for record in RdfReader(path).read():
            found = found or isinstance(record, ImportRecord)
            yield record
        if not found:
            yield ImportProblem(1, "no bibliographic items found in this RDF file")

    def write(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        members: dict[str, list[str]] = {}
        count = 0
        with atomic_write(path) as out:
            out.write("<rdf:RDF\n" + "".join(f' xmlns:{p}="{u}"\n' for p, u in NS.items()).rstrip("\n") + ">\n")
            for item in items:
                write_item(out, item, ctx, path.parent)
                for ckey in item.collections:
                    members.setdefault(ckey, []).append(f"#item_{item.key}")
                count += 1
                ctx.report(count)
            write_collections(out, members, ctx)
            out.write("</rdf:RDF>\n")
        return count


def _prop(out: list[str], name: str, value: str) -> None:
    if value:
        out.append(f"        <{name}>{esc(value)}</{name}>\n")


def write_item(out: IO[str], item: Item, ctx: ExportContext, export_dir: Path) -> None:
    f = item.fields
    cls = ITEM_CLASSES.get(item.item_type, "rdf:Description")
    lines: list[str] = [f'    <{cls} rdf:about="#item_{item.key}">\n']
    _prop(lines, "z:itemType", item.item_type)
    container = CONTAINERS.get(item.item_type)
    pub = item.publication
    if container and (pub or f.get("ISSN") or f.get("volume") or f.get("journalAbbreviation")):
        lines.append(f"        <dcterms:isPartOf>\n            <{container}>\n")
        inner: list[str] = []
        _prop(inner, "dc:title", pub)
        if item.item_type in ("journalArticle", "magazineArticle", "newspaperArticle"):
            _prop(inner, "prism:volume", f.get("volume", ""))
            _prop(inner, "prism:number", f.get("issue", ""))
            _prop(inner, "dcterms:alternative", f.get("journalAbbreviation", ""))
            if f.get("ISSN"):
                _prop(inner, "dc:identifier", f"ISSN {f['ISSN']}")
        lines += ["        " + ln for ln in inner]
        lines.append(f"            </{container}>\n        </dcterms:isPartOf>\n")
    elif not container:
        _prop(lines, "z:publicationTitle", pub)
    if item.item_type not in ("journalArticle", "magazineArticle", "newspaperArticle"):
        _prop(lines, "prism:volume", f.get("volume", ""))
        _prop(lines, "prism:number", f.get("issue", ""))
        _prop(lines, "z:journalAbbreviation", f.get("journalAbbreviation", ""))
        _prop(lines, "z:ISSN", f.get("ISSN", ""))
    if f.get("series") or f.get("seriesNumber"):
        lines.append("        <dcterms:isPartOf>\n            <bib:Series>\n")
        inner = []
        _prop(inner, "dc:title", f.get("series", ""))
        _prop(inner, "dc:identifier", f.get("seriesNumber", ""))
        lines += ["        " + ln for ln in inner]
        lines.append("            </bib:Series>\n        </dcterms:isPartOf>\n")
    if f.get("conferenceName"):
        lines.append(f"        <bib:presentedAt>\n            <bib:Conference>\n"
                     f"                <dc:title>{esc(f['conferenceName'])}</dc:title>\n"
                     f"            </bib:Conference>\n        </bib:presentedAt>\n")
    publisher = next((v for k, v in f.items() if v and (k == "publisher" or BASE_FIELDS.get(k) == "publisher")), "")
    if publisher or f.get("place"):
        lines.append("        <dc:publisher>\n            <foaf:Organization>\n")
        if f.get("place"):
            lines.append(f"                <vcard:adr>\n                    <vcard:Address>\n"
                         f"                       <vcard:locality>{esc(f['place'])}</vcard:locality>\n"
                         f"                    </vcard:Address>\n                </vcard:adr>\n")
        if publisher:
            lines.append(f"                <foaf:name>{esc(publisher)}</foaf:name>\n")
        lines.append("            </foaf:Organization>\n        </dc:publisher>\n")
    by_prop: dict[str, list[str]] = {}
    for c in item.creators:
        prop = CREATOR_PROPS.get(c.creator_type, f"z:{c.creator_type}s")
        if c.name or not c.first_name:
            person = f"<foaf:Person><foaf:surname>{esc(c.name or c.last_name)}</foaf:surname></foaf:Person>"
        else:
            person = (f"<foaf:Person><foaf:surname>{esc(c.last_name)}</foaf:surname>"
                      f"<foaf:givenName>{esc(c.first_name)}</foaf:givenName></foaf:Person>")
        by_prop.setdefault(prop, []).append(person)
    for prop, people in by_prop.items():
        lis = "".join(f"                <rdf:li>{p}</rdf:li>\n" for p in people)
        lines.append(f"        <{prop}>\n            <rdf:Seq>\n{lis}            </rdf:Seq>\n        </{prop}>\n")
    for tag in item.tags:
        if tag.type == AUTOMATIC:
            lines.append(f"        <dc:subject>\n            <z:AutomaticTag><rdf:value>{esc(tag.tag)}</rdf:value>"
                         f"</z:AutomaticTag>\n        </dc:subject>\n")
        else:
            _prop(lines, "dc:subject", tag.tag)
    for note in item.notes:
        lines.append(f'        <dcterms:isReferencedBy rdf:resource="#item_{note.key}"/>\n')
    for att in item.attachments:
        lines.append(f'        <link:link rdf:resource="#item_{att.key}"/>\n')
    _prop(lines, "dc:title", f.get("title", ""))
    _prop(lines, "dcterms:abstract", f.get("abstractNote", ""))
    _prop(lines, "dc:date", f.get("date", ""))
    _prop(lines, "dcterms:dateSubmitted", f.get("accessDate", ""))
    _prop(lines, "bib:pages", f.get("pages", ""))
    _prop(lines, "prism:edition", f.get("edition", ""))
    _prop(lines, "dc:rights", f.get("rights", ""))
    _prop(lines, "dc:coverage", f.get("archiveLocation", ""))
    if item.identifiers.get("doi"):
        _prop(lines, "dc:identifier", f"DOI {item.identifiers['doi']}")
    if item.identifiers.get("isbn"):
        _prop(lines, "dc:identifier", f"ISBN {item.identifiers['isbn']}")
    if f.get("url"):
        lines.append(f"        <dc:identifier>\n            <dcterms:URI><rdf:value>{esc(f['url'])}</rdf:value></dcterms:URI>\n"
                     f"        </dc:identifier>\n")
    for name, value in f.items():
        if (name not in _HANDLED and name not in ("publicationTitle",)
                and BASE_FIELDS.get(name) not in ("publicationTitle", "publisher") and value):
            _prop(lines, f"z:{name}", value)
    _prop(lines, "dc:description", extra_with_identifiers(item, ("doi", "isbn")))
    lines.append(f"    </{cls}>\n")
    for note in item.notes:
        lines.append(f'    <bib:Memo rdf:about="#item_{note.key}">\n'
                     f'        <rdf:value>{esc(note.html)}</rdf:value>\n    </bib:Memo>\n')
    for att in item.attachments:
        lines.append(f'    <z:Attachment rdf:about="#item_{att.key}">\n')
        _prop(lines, "z:itemType", "attachment")
        # Zotero RDF always points at files beside it (Zotero's layout), copied unless the caller placed them.
        rel = exported_path(att, ExportContext(ctx.library_dir, with_files=True, files_placed=ctx.files_placed), export_dir)
        if rel:
            lines.append(f"        <z:path rdf:resource={quoteattr(_BAD_XML.sub('', rel))}/>\n")
        if att.url:
            lines.append(f"        <dc:identifier>\n            <dcterms:URI><rdf:value>{esc(att.url)}</rdf:value></dcterms:URI>\n"
                         f"        </dc:identifier>\n")
        _prop(lines, "dc:title", att.title)
        _prop(lines, "z:linkMode", LINK_MODE_NUMBERS.get(att.link_mode if not rel else "imported_file", "3"))
        _prop(lines, "link:type", att.content_type)
        lines.append("    </z:Attachment>\n")
    out.write("".join(lines))


def write_collections(out: IO[str], members: dict[str, list[str]], ctx: ExportContext) -> None:
    """Write the collections holding exported items, with their ancestors so the tree survives."""
    wanted: set[str] = set()
    for key in members:
        current: str | None = key
        while current and current in ctx.collections and current not in wanted:
            wanted.add(current)
            current = ctx.collections[current][1]
    children: dict[str, list[str]] = {}
    for key in wanted:
        parent = ctx.collections[key][1]
        if parent in wanted:
            children.setdefault(parent, []).append(key)
    for key in sorted(wanted):
        name = ctx.collections[key][0]
        parts = [f'        <dcterms:hasPart rdf:resource="#collection_{c}"/>\n' for c in sorted(children.get(key, []))]
        parts += [f'        <dcterms:hasPart rdf:resource="{ref}"/>\n' for ref in members.get(key, [])]
        out.write(f'    <z:Collection rdf:about="#collection_{key}">\n        <dc:title>{esc(name)}</dc:title>\n'
                  f'{"".join(parts)}    </z:Collection>\n')
