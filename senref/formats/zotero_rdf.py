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
from senref.core.schema import fields_for
from senref.formats.base import ExportContext, Format, extra_with_identifiers
from senref.formats.exportfiles import exported_path
from senref.formats.zotero_rdf_map import (
    CALL_NUMBER,
    CONFERENCE,
    CONTAINER,
    CONTAINERS,
    CREATOR_PROPS,
    ISSN,
    ITEM,
    ITEM_CLASSES,
    PART,
    PUBLISHER,
    SERIES,
    URL,
    slots,
)
from senref.formats.zotero_rdf_read import NS, RdfReader

LINK_MODE_NUMBERS = {"imported_file": "0", "imported_url": "1", "linked_file": "2", "linked_url": "3"}
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


def _prop(out: list[str], name: str, value: str, indent: int = 8) -> None:
    if value:
        out.append(f"{' ' * indent}<{name}>{esc(value)}</{name}>\n")


def _node(out: list[str], prop: str, cls: str, inner: list[str], indent: int = 8) -> None:
    """`<prop><cls>inner</cls></prop>`, *inner* written for the node's own depth."""
    pad = " " * indent
    out += [f"{pad}<{prop}>\n", f"{pad}    <{cls}>\n"]
    out.extend(" " * (indent + 8) + line for line in inner)
    out += [f"{pad}    </{cls}>\n", f"{pad}</{prop}>\n"]


def _leaves(values: dict[str, str], indent: int) -> list[str]:
    lines: list[str] = []
    for pred, value in values.items():
        if pred == URL:
            lines.append(f"{' ' * indent}<dc:identifier>\n{' ' * indent}    <dcterms:URI><rdf:value>{esc(value)}"
                         f"</rdf:value></dcterms:URI>\n{' ' * indent}</dc:identifier>\n")
        elif pred == CALL_NUMBER:
            lines.append(f"{' ' * indent}<dc:subject>\n{' ' * indent}    <dcterms:LCC><rdf:value>{esc(value)}"
                         f"</rdf:value></dcterms:LCC>\n{' ' * indent}</dc:subject>\n")
        elif pred == ISSN:
            _prop(lines, "dc:identifier", f"ISSN {value}", indent)
        elif pred.startswith("dc:identifier "):
            _prop(lines, "dc:identifier", f"{pred.split(' ', 1)[1]} {value}", indent)
        else:
            _prop(lines, pred, value, indent)
    return lines


def write_item(out: IO[str], item: Item, ctx: ExportContext, export_dir: Path) -> None:
    item_type = item.item_type
    cls = ITEM_CLASSES.get(item_type, "rdf:Description")
    nodes: dict[str, dict[str, str]] = {n: {} for n in (ITEM, CONTAINER, SERIES, PART, PUBLISHER, CONFERENCE)}
    table = slots(item_type)
    for name, value in item.fields.items():
        if not value or name == "extra":
            continue
        node, pred = table.get(name, (ITEM, f"z:{name}"))
        nodes[node][pred] = value
    ids = item.identifiers
    id_node = CONTAINER if item_type in CONTAINERS else ITEM
    if ids.get("isbn"):
        nodes[id_node]["dc:identifier ISBN"] = ids["isbn"]
    if ids.get("doi"):
        nodes[ITEM]["dc:identifier DOI"] = ids["doi"]
    written_ids = ["doi", "isbn"]
    for scheme, zfield in (("pmid", "PMID"), ("pmcid", "PMCID")):
        if ids.get(scheme) and zfield in fields_for(item_type):
            nodes[ITEM][f"z:{zfield}"] = ids[scheme]
            written_ids.append(scheme)
    lines: list[str] = [f'    <{cls} rdf:about="#item_{item.key}">\n']
    _prop(lines, "z:itemType", item_type)
    if nodes[PART]:
        _node(lines, "dcterms:isPartOf", "bib:Part", _leaves(nodes[PART], 0))
    series = []
    if nodes[SERIES]:
        series_lines: list[str] = []
        _node(series_lines, "dcterms:isPartOf", "bib:Series", _leaves(nodes[SERIES], 0), 0)
        series = series_lines
    if nodes[CONTAINER] or (series and item_type in CONTAINERS):
        # Zotero hangs the series on the container when there is one
        _node(lines, "dcterms:isPartOf", CONTAINERS.get(item_type, "bib:Journal"),
              _leaves(nodes[CONTAINER], 0) + series)
        series = []
    if series:
        lines.extend("        " + line for line in series)
    if nodes[PUBLISHER]:
        inner: list[str] = []
        if nodes[PUBLISHER].get("foaf:name"):
            _prop(inner, "foaf:name", nodes[PUBLISHER]["foaf:name"], 0)
        if nodes[PUBLISHER].get("vcard:locality"):
            address: list[str] = []
            _prop(address, "vcard:locality", nodes[PUBLISHER]["vcard:locality"], 0)
            _node(inner, "vcard:adr", "vcard:Address", address, 0)
        _node(lines, "dc:publisher", "foaf:Organization", inner)
    if nodes[CONFERENCE]:
        _node(lines, "bib:presentedAt", "bib:Conference", _leaves(nodes[CONFERENCE], 0))
    by_prop: dict[str, list[str]] = {}
    for c in item.creators:
        prop = CREATOR_PROPS.get(c.creator_type, f"z:{c.creator_type}s")
        if c.name:
            person = f"<foaf:Person><foaf:surname>{esc(c.name)}</foaf:surname></foaf:Person>"
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
    lines += _leaves(nodes[ITEM], 8)
    _prop(lines, "dc:description", extra_with_identifiers(item, tuple(written_ids)))
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
