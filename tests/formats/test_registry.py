"""The plugin registry: content sniffing, extensions, and broken plugins skipped."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from senref.formats import registry


def test_builtins_registered_under_contract_names() -> None:
    names = {f.name for f in registry.all()}
    assert names == {"json", "csljson", "bibtex", "biblatex", "ris", "zotero-rdf", "pubmed-xml"}
    assert registry.get("pubmed-xml").can_write is False  # type: ignore[union-attr]


@pytest.mark.parametrize(("filename", "expected"), [
    ("a.bib", "bibtex"), ("a.ris", "ris"), ("a.rdf", "zotero-rdf"), ("a.csl.json", "csljson"), ("a.json", "json"),
    ("a.biblatex", "biblatex"),
])
def test_for_path_by_extension(filename: str, expected: str) -> None:
    fmt = registry.for_path(Path(filename))
    assert fmt is not None and fmt.name == expected


@pytest.mark.parametrize(("content", "expected"), [
    ("TY  - JOUR\nER  - \n", "ris"),
    ("% comment\n@article{k, title={x}}\n", "bibtex"),
    ("@article{k, journaltitle={x}}\n", "biblatex"),
    ('[{"id": "a", "type": "article-journal", "title": "x"}]', "csljson"),
    ('[{"key": "ABCD2345", "data": {"itemType": "book"}}]', "json"),
    ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', "zotero-rdf"),
    ("<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>", "pubmed-xml"),
    ("just some text", None),
])
def test_sniff_by_content_not_name(content: str, expected: str | None, tmp_path: Path) -> None:
    path = tmp_path / "misleading.ris"  # the name lies: only the content counts
    path.write_text(content, encoding="utf-8")
    fmt = registry.sniff(path)
    assert (fmt.name if fmt else None) == expected


def test_broken_plugin_logged_and_skipped(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    broken = EntryPoint(name="broken", value="senref.formats.no_such_module:Nothing", group=registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [broken])
    registry.reset()
    try:
        with caplog.at_level(logging.WARNING):
            names = {f.name for f in registry.all()}
        assert "broken" not in names and "bibtex" in names
        assert "broken" in caplog.text
    finally:
        registry.reset()
