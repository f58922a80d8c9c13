"""The benchmark corpus: deterministic, the same records in all four files, the mix the issue asks for."""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import bibtexparser
import pytest
from lxml import etree

from bench.corpus_files import make_record, records, write_corpus

NS = {"dc": "http://purl.org/dc/elements/1.1/", "z": "http://www.zotero.org/namespaces/export#"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("corpus"), 400, seed=11)


def test_same_seed_same_bytes_and_record_n_does_not_depend_on_n(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", 30, seed=3)
    again = write_corpus(tmp_path / "b", 30, seed=3)
    other = write_corpus(tmp_path / "c", 30, seed=4)
    for fmt in first:
        assert first[fmt].read_bytes() == again[fmt].read_bytes()
        assert first[fmt].read_bytes() != other[fmt].read_bytes()
    assert make_record(3, 17) == list(records(3, 18))[17]


def test_the_four_files_hold_the_same_records(corpus: dict[str, Path]) -> None:
    csl = json.loads(corpus["json"].read_text(encoding="utf-8"))
    ris = [block for block in corpus["ris"].read_text(encoding="utf-8").split("ER  - \n") if block.strip()]
    rdf = list(etree.parse(str(corpus["rdf"])).getroot())
    bib = bibtexparser.parse_file(str(corpus["bib"]))
    assert not bib.failed_blocks
    assert len(csl) == len(ris) == len(rdf) == len(bib.entries) == 400
    for entry, block, elem, bib_entry in zip(csl, ris, rdf, bib.entries, strict=True):
        assert f"TI  - {entry['title']}\n" in block
        assert elem.findtext("dc:title", namespaces=NS) == entry["title"]
        assert bib_entry.key == entry["id"]
        assert bib_entry.fields_dict["doi"].value if "DOI" in entry else "doi" not in bib_entry.fields_dict
        authors = bib_entry["author"].split(" and ")
        assert len(authors) == len(entry["author"]) == block.count("\nAU  - ")


def test_the_mix_is_realistic(corpus: dict[str, Path]) -> None:
    csl = json.loads(corpus["json"].read_text(encoding="utf-8"))
    bib = corpus["bib"].read_text(encoding="utf-8")
    kinds = [e["type"] for e in csl]
    assert max(set(kinds), key=kinds.count) == "article-journal"
    assert {"article-journal", "book", "chapter", "thesis", "paper-conference", "report", "article"} <= set(kinds)
    counts = [len(e["author"]) for e in csl]
    assert min(counts) == 1 and max(counts) <= 40 and any(c > 10 for c in counts)
    families = [a.get("family", "") for e in csl for a in e["author"]]
    assert any(f.startswith(("van ", "de la ", "von ")) for f in families)
    assert any("literal" in a for e in csl for a in e["author"])
    assert all(1000 <= len(e["abstract"].encode()) <= 2048 for e in csl)
    assert sum("DOI" in e for e in csl) > 250 and any("HAL: hal-" in e.get("note", "") for e in csl)
    assert '{\\"u}' in bib and "\\c{c}" in bib.replace("\\c{C}", "\\c{c}") and "{World Health Organization}" in bib
    assert "$\\beta$-galactosidase" in bib and "{DNA}" in bib
    assert re.search(r"^@string\{", bib, re.M) and re.search(r"journal = [a-z]+,?$", bib, re.M)
    assert re.search(r"month = (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)$", bib, re.M)


def test_writing_streams(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        paths = write_corpus(tmp_path, 600, seed=5)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    written = sum(p.stat().st_size for p in paths.values())
    assert peak < written / 10, (peak, written)
