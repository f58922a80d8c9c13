"""Our exports read by other tools: pandoc (no warnings), the CSL schema, rdflib, bibtexparser 2."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from senref.formats import registry
from senref.formats.base import ExportContext

from .conftest import sample_items
from .test_csljson import csl_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def _pandoc() -> str | None:
    """pandoc 3 from pypandoc-binary (it reads RIS), else the system's pandoc."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return shutil.which("pandoc")


def _export(name: str, tmp_path: Path) -> Path:
    fmt = registry.get(name)
    assert fmt is not None
    out = tmp_path / f"export{fmt.extensions[0]}"
    fmt.write(sample_items(), out, ExportContext(library_dir=tmp_path))
    return out


@pytest.mark.parametrize(("name", "reader"), [("bibtex", "bibtex"), ("biblatex", "biblatex"), ("csljson", "csljson"), ("ris", "ris")])
def test_pandoc_reads_without_warnings(name: str, reader: str, tmp_path: Path) -> None:
    pandoc = _pandoc()
    if pandoc is None:
        pytest.skip("pandoc is not installed (the test extra's pypandoc-binary, or apt-get install pandoc)")
    if reader == "ris":
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True).stdout
        if version.split()[1].startswith(("1.", "2.")):
            pytest.skip(f"pandoc {version.split()[1]} has no RIS reader (needs 3.x)")
    out = _export(name, tmp_path)
    result = subprocess.run([pandoc, "-f", reader, "-t", "csljson", str(out)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
    entries = json.loads(result.stdout)
    assert len(entries) == 3
    assert {e["title"] for e in entries} >= {"Cellular senescence in DNA damage responses"}


def test_csljson_valid_against_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = csl_schema()  # the CSL project's schema, read from the shared fixtures (not copied here)
    if schema is None:
        pytest.skip("shared/fixtures/formats/csl-json/schema/csl-data.json not found (set SENREF_SHARED_DIR)")
    data = json.loads(_export("csljson", tmp_path).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(data)
    # Years as strings, as Zotero's and Better BibTeX's CSL-JSON exports write them.
    assert data[0]["issued"] == {"date-parts": [["2021", 3]]}
    assert {"literal": "TIS Consortium"} in data[0]["author"]


def test_rdflib_parses_our_rdf(tmp_path: Path) -> None:
    import rdflib

    graph = rdflib.Graph()
    graph.parse(_export("zotero-rdf", tmp_path), format="xml")
    z = rdflib.Namespace("http://www.zotero.org/namespaces/export#")
    assert len(list(graph.subjects(z.itemType, rdflib.Literal("journalArticle")))) == 1
    assert len(list(graph.subjects(rdflib.RDF.type, z.AutomaticTag))) == 1


@pytest.mark.parametrize("name", ["bibtex", "biblatex"])
def test_bibtexparser_parses_our_bibtex(name: str, tmp_path: Path) -> None:
    import bibtexparser

    library = bibtexparser.parse_file(str(_export(name, tmp_path)))
    assert not library.failed_blocks
    assert len(library.entries) == 3
    assert library.entries[0].key == "prasanna2021therapy"
