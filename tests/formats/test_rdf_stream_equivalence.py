"""The streaming Zotero RDF reader gives exactly what the whole-tree reader gave (issue 15).

The old reader is kept as an oracle in _old_zotero_rdf_read.py. Both read every RDF file under tests/fixtures and
the shared fixtures (../shared/fixtures) (when present) and generated files: references forward and backward, collections first or
last and nested, notes and attachments as children or standalone, duplicated and cyclic nodes, the same files
with their nodes shuffled, and hostile XML. Each is read with a tiny chunk too, so nodes straddle chunk edges.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest

from senref.core.records import ImportProblem, ImportRecord
from senref.formats import zotero_rdf_stream
from senref.formats.zotero_rdf_read import RdfReader
from tests.formats._old_zotero_rdf_read import RdfReader as OldReader

REPO_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED_FIXTURES = (Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared") / "fixtures")
HEAD = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:z="http://www.zotero.org/namespaces/export#"
 xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:bib="http://purl.org/net/biblio#" xmlns:foaf="http://xmlns.com/foaf/0.1/"
 xmlns:link="http://purl.org/rss/1.0/modules/link/" xmlns:prism="http://prismstandard.org/namespaces/1.2/basic/"
 xmlns:vcard="http://nwalsh.com/rdf/vCard#">
"""
TAIL = "</rdf:RDF>\n"
_RANDOM = frozenset({"key", "date_added", "date_modified"})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in _RANDOM}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _results(records: list[ImportRecord | ImportProblem]) -> list[tuple[str, Any]]:
    return [(type(r).__name__, _plain(dataclasses.asdict(r))) for r in records]


def assert_same(path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int | None = None, *,
                any_column: bool = False) -> list[tuple[str, Any]]:
    expected = _results(list(OldReader(path).read()))
    if chunk:
        monkeypatch.setattr(zotero_rdf_stream, "CHUNK", chunk)
    got = _results(list(RdfReader(path).read()))
    if any_column:  # a big file's error comes from the chunked parser, which may place it a few columns on
        expected, got = ([(k, {**r, "message": re.sub(r", column \d+$", "", r["message"])}) for k, r in results]
                         for results in (expected, got))
    assert got == expected
    return got


def _real_files() -> list[Path]:
    found = [*REPO_FIXTURES.rglob("*.rdf")]
    if SHARED_FIXTURES.is_dir():
        found += SHARED_FIXTURES.rglob("*.rdf")
    return sorted(found)


@pytest.mark.parametrize("path", _real_files() or [None], ids=lambda p: p.name if p else "none")
def test_real_exports_read_alike(path: Path | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if path is None:
        pytest.skip("no RDF fixtures on this machine")
    assert_same(path, monkeypatch)
    if path.stat().st_size < 200_000:
        assert_same(path, monkeypatch, chunk=61)


def _item(i: int, *, journal: str, seq: str, memo: str, attachment: str) -> str:
    authors = f'<bib:authors rdf:resource="{seq}"/>' if seq else (
        "<bib:authors><rdf:Seq><rdf:li><foaf:Person><foaf:surname>Ünal</foaf:surname>"
        "<foaf:givenName>Zoë</foaf:givenName></foaf:Person></rdf:li></rdf:Seq></bib:authors>")
    return (f'<bib:Article rdf:about="#item_{i}"><z:itemType>journalArticle</z:itemType>'
            f'<dcterms:isPartOf rdf:resource="{journal}"/>{authors}'
            f'<dcterms:isReferencedBy rdf:resource="{memo}"/><link:link rdf:resource="{attachment}"/>'
            f"<dc:subject>tag {i % 3}</dc:subject><dc:title>Title {i} &amp; more</dc:title>"
            f"<dc:date>20{i % 30:02d}</dc:date><bib:pages>{i}-{i + 9}</bib:pages></bib:Article>\n")


def _zotero_shaped(n: int, seed: int) -> list[str]:
    """Top-level nodes in Zotero's order: an item, then its Seq, memo and attachment, and a shared node (journal,
    person) right after the first node referring to it, the later ones referring back to it."""
    rng = random.Random(seed)
    nodes: list[str] = []
    people: set[int] = set()
    for i in range(n):
        issn = f"urn:issn:{1000 + i % 4}-000{i % 4}"
        seq = f"#seq_{i}" if i % 2 else ""
        nodes.append(_item(i, journal=issn, seq=seq, memo=f"#item_{i}_note", attachment=f"#item_{i}_file"))
        if i < 4:
            nodes.append(f'<bib:Journal rdf:about="{issn}"><dc:title>Journal {i}</dc:title>'
                         f"<prism:volume>{i}</prism:volume><dc:identifier>ISSN {1000 + i}-000{i}</dc:identifier>"
                         "</bib:Journal>\n")
        if seq:
            nodes.append(f'<rdf:Seq rdf:about="{seq}"><rdf:li rdf:resource="#person_{i % 5}"/>'
                         f'<rdf:li rdf:resource="#person_{(i + 1) % 5}"/></rdf:Seq>\n')
            new = sorted({i % 5, (i + 1) % 5} - people)
            people.update(new)
            nodes += [f'<foaf:Person rdf:about="#person_{k}"><foaf:surname>Müller {k}</foaf:surname>'
                      "<foaf:givenName>Ana</foaf:givenName></foaf:Person>\n" for k in new]
        nodes.append(f'<bib:Memo rdf:about="#item_{i}_note"><rdf:value>&lt;p&gt;note {i}&lt;/p&gt;</rdf:value></bib:Memo>\n')
        nodes.append(f'<z:Attachment rdf:about="#item_{i}_file"><z:itemType>attachment</z:itemType>'
                     f'<z:path rdf:resource="files/{i}/paper {i}.pdf"/><dc:title>Full text</dc:title>'
                     f"<z:linkMode>{rng.choice('0123')}</z:linkMode><link:type>application/pdf</link:type>"
                     "</z:Attachment>\n")
    nodes.append('<bib:Memo rdf:about="#standalone_note"><rdf:value>alone</rdf:value></bib:Memo>\n')
    nodes.append('<z:Attachment rdf:about="#loose"><z:itemType>attachment</z:itemType>'
                 '<z:path rdf:resource="files/x/loose.pdf"/><dc:title>Loose</dc:title></z:Attachment>\n')
    return nodes


def _collections(n: int) -> list[str]:
    parts = "".join(f'<dcterms:hasPart rdf:resource="#item_{i}"/>' for i in range(0, n, 2))
    return [
        ('<z:Collection rdf:about="#c_root"><dc:title>Root</dc:title><dcterms:hasPart rdf:resource="#c_mid"/>'
        '<dcterms:hasPart rdf:resource="#item_1"/></z:Collection>\n'),
        (f'<z:Collection rdf:about="#c_mid"><dc:title>Mid</dc:title><dcterms:hasPart rdf:resource="#c_leaf"/>{parts}'
        "</z:Collection>\n"),
        ('<z:Collection rdf:about="#c_leaf"><dc:title></dc:title><dcterms:hasPart rdf:resource="#item_3"/>'
        '<dcterms:hasPart rdf:resource="#loose"/></z:Collection>\n'),
        '<z:Collection rdf:about="#c_a"><dc:title>A</dc:title><dcterms:hasPart rdf:resource="#c_b"/></z:Collection>\n',
        ('<z:Collection rdf:about="#c_b"><dc:title>B</dc:title><dcterms:hasPart rdf:resource="#c_a"/>'
        '<dcterms:hasPart rdf:resource="#item_0"/></z:Collection>\n'),
    ]


def _write(tmp_path: Path, nodes: list[str], name: str = "gen.rdf") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + "".join(nodes) + TAIL, encoding="utf-8")
    return path


@pytest.mark.parametrize("chunk", [None, 97])
@pytest.mark.parametrize("where", ["last", "first"])
def test_zotero_shaped_file_with_collections_first_or_last(where: str, chunk: int | None, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = _zotero_shaped(12, seed=1)
    nodes = nodes + _collections(12) if where == "last" else _collections(12) + nodes
    got = assert_same(_write(tmp_path, nodes), monkeypatch, chunk)
    records = [r for kind, r in got if kind == "ImportRecord"]
    assert len(records) == 13  # 12 articles and the loose attachment
    assert records[0]["collections"] == [("Root", "Mid"), ("A", "B")] and records[3]["collections"] == [("Root", "Mid", "Untitled")]
    assert records[1]["item"]["creators"][0]["last_name"] == "Müller 1"  # through the Seq, defined later
    assert records[0]["item"]["fields"]["publicationTitle"] == "Journal 0"  # the journal node comes after it


@pytest.mark.parametrize("seed", range(6))
def test_shuffled_nodes_read_alike(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = _zotero_shaped(8, seed) + _collections(8)
    random.Random(seed).shuffle(nodes)
    assert_same(_write(tmp_path, nodes), monkeypatch, chunk=53 if seed % 2 else None)


ODD_SHAPES = {
    "duplicate_definitions": [('<bib:Article rdf:about="#a"><z:itemType>journalArticle</z:itemType>'
                              '<dcterms:isPartOf rdf:resource="#j"/><dc:title>A</dc:title></bib:Article>'),
                              '<bib:Journal rdf:about="#j"><dc:title>First</dc:title></bib:Journal>',
                              ('<bib:Article rdf:about="#a2"><z:itemType>journalArticle</z:itemType>'
                              '<dcterms:isPartOf rdf:resource="#j"/><dc:title>B</dc:title></bib:Article>'),
                              '<bib:Journal rdf:about="#j"><dc:title>Second</dc:title></bib:Journal>'],
    "cycle_and_self_reference": [('<bib:Book rdf:about="#b"><z:itemType>book</z:itemType><dc:title>B</dc:title>'
                                 '<dcterms:isPartOf rdf:resource="#s"/><dc:subject rdf:resource="#b"/></bib:Book>'),
                                 ('<bib:Series rdf:about="#s"><dc:title>S</dc:title>'
                                 '<dcterms:isPartOf rdf:resource="#b"/></bib:Series>')],
    "referenced_item_is_still_an_item": [
        ('<bib:BookSection rdf:about="#ch"><z:itemType>bookSection</z:itemType><dc:title>Ch</dc:title>'
        '<dcterms:isPartOf rdf:resource="#book"/></bib:BookSection>'),
        '<bib:Book rdf:about="#book"><dc:title>Handbook</dc:title><dc:publisher rdf:resource="#pub"/></bib:Book>',
        ('<bib:Book rdf:about="#book2"><z:itemType>book</z:itemType><dc:title>Own</dc:title>'
        '<bib:presentedAt rdf:resource="#conf"/></bib:Book>'),
        ('<foaf:Organization rdf:about="#pub"><foaf:name>Springer</foaf:name><vcard:adr><vcard:Address>'
        '<vcard:locality>Cham</vcard:locality></vcard:Address></vcard:adr></foaf:Organization>'),
        '<bib:Conference rdf:about="#conf"><dc:title>Conf</dc:title></bib:Conference>',
        '<rdf:Description rdf:about="#ref"><dc:title>Only referenced</dc:title></rdf:Description>',
        ('<rdf:Description rdf:about="#x"><z:itemType>report</z:itemType><dc:relation rdf:resource="#ref"/>'
        '<dc:subject rdf:resource="#ref"/></rdf:Description>')],
    "dangling_and_untyped": [('<rdf:Description rdf:about="#d"><dc:title>No type</dc:title>'
                             '<dcterms:isPartOf rdf:resource="#nowhere"/><dc:language rdf:resource="en"/>'
                             '</rdf:Description>'), '<rdf:Description><dc:type>book</dc:type></rdf:Description>',
                             '<bib:Memo><rdf:value>anonymous</rdf:value></bib:Memo>',
                             '<z:Collection><dc:title>No key</dc:title><dcterms:hasPart rdf:resource="#d"/></z:Collection>',
                             ('<rdf:Description rdf:about="#bad"><z:itemType>nosuchtype</z:itemType>'
                             '<dc:title>Unknown type</dc:title></rdf:Description>')],
    "comments_cdata_and_pis": [('<!-- a comment --><?pi data?><rdf:Description rdf:about="#c">'
                               '<z:itemType>book</z:itemType><dc:title><![CDATA[A <b> & c]]></dc:title>'
                               '</rdf:Description>')],
}


@pytest.mark.parametrize("chunk", [None, 29])
@pytest.mark.parametrize("shape", sorted(ODD_SHAPES))
def test_odd_shapes_read_alike(shape: str, chunk: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same(_write(tmp_path, [n + "\n" for n in ODD_SHAPES[shape]]), monkeypatch, chunk)


HOSTILE = {
    "entity_bomb": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
                   + HEAD.split("\n", 1)[1] + '<rdf:Description rdf:about="#a"><dc:title>&b;</dc:title>'
                   "</rdf:Description>" + TAIL,
    "external_entity": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY s SYSTEM "file:///etc/passwd">]>\n'
                       + HEAD.split("\n", 1)[1] + '<rdf:Description rdf:about="#a"><dc:title>&s;</dc:title>'
                       "</rdf:Description>" + TAIL,
    "remote_dtd": '<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">\n' + HEAD.split("\n", 1)[1]
                  + '<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType><dc:title>Safe</dc:title>'
                  "</rdf:Description>" + TAIL,
    "undeclared_entity": HEAD + '<rdf:Description rdf:about="#a"><dc:title>&nope;</dc:title></rdf:Description>' + TAIL,
    "huge_text": HEAD + '<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType><dc:title>'
                 + "x" * 11_000_000 + "</dc:title></rdf:Description>" + TAIL,
    "too_deep": HEAD + '<rdf:Description rdf:about="#a"><z:itemType>book</z:itemType>' + "<dc:title>" * 300
                + "</dc:title>" * 300 + "</rdf:Description>" + TAIL,
    "not_rdf": '<?xml version="1.0"?><library><book><title>x</title></book></library>',
    "empty": "",
    "only_prolog": '<?xml version="1.0"?>\n',
    "garbage": "this is not XML at all\n",
    "bad_close_late": HEAD + "".join(_zotero_shaped(30, 0)) + "<dc:title>x</dc:titl>" + TAIL,
}


@pytest.mark.parametrize("chunk", [None, 101])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_gives_what_it_gave(name: str, chunk: int | None, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "hostile.rdf"
    path.write_text(HOSTILE[name], encoding="utf-8")
    got = assert_same(path, monkeypatch, chunk, any_column=name == "huge_text")
    if name in ("entity_bomb", "external_entity", "bad_close_late", "garbage", "empty", "huge_text", "too_deep",
                "undeclared_entity"):
        assert [kind for kind, _ in got] == ["ImportProblem"]  # refused whole, before any record


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.999])
def test_truncated_file_is_refused_whole(cut: float, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (HEAD + "".join(_zotero_shaped(40, 2)) + "".join(_collections(40)) + TAIL).encode()
    path = tmp_path / "cut.rdf"
    path.write_bytes(text[:int(len(text) * cut)])
    got = assert_same(path, monkeypatch, chunk=4096)
    assert [kind for kind, _ in got] == ["ImportProblem"]


def test_nodes_are_let_go_as_records_are_given_out(tmp_path: Path) -> None:
    """Memory follows the unresolved references: Zotero's order (notes and files after their item) keeps few."""
    path = _write(tmp_path, _zotero_shaped(300, 3))
    reader = RdfReader(path)
    most_pending = most_kept = count = 0
    for record in reader.read():
        count += isinstance(record, ImportRecord)
        most_pending = max(most_pending, len(reader._pending))
        most_kept = max(most_kept, len(reader.nodes))
    assert count == 301
    assert most_pending <= 2 and most_kept <= 12  # the 4 journals and 5 people are shared: kept to their last use
    assert not reader._pending and not reader._refs


def test_forward_references_wait_only_as_long_as_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = _zotero_shaped(50, 4)
    late = nodes.pop(2)  # the first item's note, moved to the end: every record waits behind item 0
    assert late.startswith("<bib:Memo")
    path = _write(tmp_path, [*nodes, late])
    reader = RdfReader(path)
    sizes = [len(reader._pending) for _ in reader.read()]
    assert max(sizes) > 40  # held, in order, until the note comes
    assert_same(path, monkeypatch)
