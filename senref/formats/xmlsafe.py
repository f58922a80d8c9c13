"""A hardened lxml parser for imported XML: no entities resolved, no network, no DTD loading, no huge trees.

External entities (XXE), entity-expansion bombs ("billion laughs") and remote DTDs are never resolved; a
document that declares entities is refused outright, since no format senref reads needs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

from lxml import etree

MAX_BYTES = 2 << 30  # files beyond 2 GiB are refused before parsing


class UnsafeXml(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class _Options(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    dtd_validation: bool
    huge_tree: bool
    remove_comments: bool
    remove_pis: bool


#: the one set of protections every parser here applies (whole-tree and pull parsers alike)
SAFE_OPTIONS = _Options(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                        huge_tree=False, remove_comments=True, remove_pis=True)


def parser() -> etree.XMLParser:
    return etree.XMLParser(**SAFE_OPTIONS)


def pull_parser(tag: str | None = None) -> etree.XMLPullParser:
    """A feed parser with the same protections, reporting only the start of elements named *tag*."""
    return etree.XMLPullParser(events=("start",), tag=tag, **SAFE_OPTIONS)


def syntax_error(exc: etree.XMLSyntaxError) -> UnsafeXml:
    line = exc.lineno or (exc.position[0] if exc.position else 0)
    return UnsafeXml(line, f"not well-formed XML: {exc.msg}")


def check_prolog(path: Path) -> None:
    """Refuse documents declaring entities (the DOCTYPE is in the first bytes)."""
    if path.stat().st_size > MAX_BYTES:
        raise UnsafeXml(0, "the file is too large to import")
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    start = head.find(b"<!DOCTYPE")
    if start >= 0 and b"<!ENTITY" in head[start:]:
        line = head[:head.find(b"<!ENTITY", start)].count(b"\n") + 1
        raise UnsafeXml(line, "the document declares XML entities, which senref never expands (refused for safety)")


def parse(path: Path) -> etree._ElementTree:
    """Parse *path* safely; errors become UnsafeXml with the line number."""
    check_prolog(path)
    try:
        return etree.parse(str(path), parser())
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc) from None


def iterparse(path: Path, tag: str) -> etree.iterparse[tuple[str, etree._Element]]:
    """Stream elements named *tag* with the same protections (used for 100k-record PubMed files)."""
    check_prolog(path)
    return etree.iterparse(str(path), events=("end",), tag=tag, resolve_entities=False, no_network=True,
                           load_dtd=False, huge_tree=False, remove_comments=True)
