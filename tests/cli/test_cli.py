"""Every CLI command run as a subprocess, the way a user (or a script) runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.factories import flagship_crossref, flagship_hal


def senref(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SENREF_HOME": str(home), "PYTHONWARNINGS": "error"}
    env.pop("SENREF_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "senref", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=120)


def ok(*args: str, home: Path) -> str:
    result = senref(*args, home=home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-home")
    ok("--demo", "list", home=home)
    return home


def test_version(tmp_path: Path) -> None:
    out = ok("--version", home=tmp_path)
    assert out.startswith("senref ")


def test_demo_list_json_has_flagship_with_32_creators(demo_home: Path) -> None:
    items: list[dict[str, Any]] = json.loads(ok("--demo", "list", "--json", home=demo_home))
    assert len(items) >= 20
    flagship = [i for i in items if i["data"].get("DOI") == "10.1093/jnci/djab064"]
    assert len(flagship) == 1
    assert len(flagship[0]["data"]["creators"]) == 32
    assert flagship[0]["meta"]["identifiers"]["hal"] == "inserm-03547029"
    assert all({"key", "version", "data", "meta"} <= set(i) for i in items)


def test_show_by_key_doi_and_hal_id(demo_home: Path) -> None:
    by_doi = json.loads(ok("--demo", "show", "https://doi.org/10.1093/jnci/djab064", "--json", home=demo_home))
    by_hal = json.loads(ok("--demo", "show", "inserm-03547029", "--json", home=demo_home))
    by_key = json.loads(ok("--demo", "show", by_doi["key"], "--json", home=demo_home))
    assert by_doi == by_hal == by_key
    text = ok("--demo", "show", by_doi["key"], home=demo_home)
    assert "Therapy-Induced Senescence" in text and "author: C. Norman Coleman" in text


def test_search_senolytic_finds_the_senolytic_papers(demo_home: Path) -> None:
    hits = json.loads(ok("--demo", "search", "senolytic", "--json", home=demo_home))
    titles = [h["data"]["title"] for h in hits]
    assert any("senolytic drugs" in t for t in titles)
    assert any(t == "Cardiac glycosides are broad-spectrum senolytics" for t in titles)
    assert not any("biomarker that identifies senescent human cells" in t for t in titles)


def test_check_reports_a_healthy_library(demo_home: Path) -> None:
    out = ok("--demo", "check", home=demo_home)
    assert out.startswith("library ok:")


def test_tag_collection_trash_round(tmp_path: Path) -> None:
    lib = str(tmp_path / "lib")
    from senref.core.library import Library

    with Library.open(Path(lib)) as library:
        key = library.save_item(flagship_crossref()).key
    run = lambda *a: ok("--library", lib, *a, home=tmp_path)  # noqa: E731
    run("tag", key, "to-read", "TIS/Reviews")
    assert [key] == [i["key"] for i in json.loads(run("list", "--tag", "to-read", "--json"))]
    run("tag", key, "to-read", "--remove")
    assert json.loads(run("list", "--tag", "to-read", "--json")) == []
    parent = run("collection", "create", "TIS").strip()
    run("collection", "create", "Reviews", "--parent", "TIS")
    run("collection", "add", "TIS/Reviews", key)
    assert [i["key"] for i in json.loads(run("list", "--collection", "TIS", "--recursive", "--json"))] == [key]
    assert json.loads(run("list", "--collection", "TIS", "--json")) == []
    run("collection", "rename", "TIS/Reviews", "Review articles")
    run("collection", "move", "Review articles", "--top")
    tree = json.loads(run("collection", "list", "--json"))
    assert {c["path"] for c in tree} == {"TIS", "Review articles"}
    assert parent in {c["key"] for c in tree}
    run("collection", "remove", "Review articles", key)
    run("collection", "delete", "TIS")
    run("delete", key)
    assert json.loads(run("list", "--json")) == []
    assert [i["key"] for i in json.loads(run("list", "--trash", "--json"))] == [key]
    run("restore", key)
    assert len(json.loads(run("list", "--json"))) == 1
    run("delete", key)
    run("empty-trash")
    assert json.loads(run("list", "--trash", "--json")) == []
    run("tags", "list")


def test_json_import_twice_by_doi_and_by_hal_gives_one_item(tmp_path: Path) -> None:
    by_doi = tmp_path / "doi.json"
    by_hal = tmp_path / "hal.json"
    crossref, hal = flagship_crossref().to_json(), flagship_hal().to_json()
    # HAL gives the DOI too (doiId_s): the shared identifier is what makes them one item (issue 14).
    hal["data"]["extra"] = "HAL: inserm-03547029\nDOI: 10.1093/jnci/djab064"
    hal["meta"] = {}
    by_doi.write_text(json.dumps([crossref]), encoding="utf-8")
    by_hal.write_text(json.dumps([hal["data"]]), encoding="utf-8")
    lib = str(tmp_path / "lib")
    ok("--library", lib, "import", str(by_doi), home=tmp_path)
    result = senref("--library", lib, "import", str(by_hal), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 merged" in result.stderr
    items = json.loads(ok("--library", lib, "list", "--json", home=tmp_path))
    assert len(items) == 1
    assert len(items[0]["data"]["creators"]) == 32
    assert items[0]["meta"]["identifiers"]["doi"] == "10.1093/JNCI/djab064"
    assert items[0]["meta"]["identifiers"]["hal"] == "inserm-03547029"
    exported = tmp_path / "out.json"
    ok("--library", lib, "export", "-o", str(exported), home=tmp_path)
    again = json.loads(exported.read_text(encoding="utf-8"))
    assert [i["key"] for i in again] == [items[0]["key"]]


@pytest.mark.parametrize(("args", "code", "message"), [
    (("show", "NOTAKEY1"), 1, "not found"),
    (("list", "--bogus"), 2, "unrecognized arguments"),
    (("collection", "delete", "Nope"), 1, "not found"),
    (("import", "missing-file.bib"), 1, "no such file"),
    (("tags", "color", "x", "red"), 1, "not a colour"),
])
def test_errors_are_one_line_with_exit_codes(tmp_path: Path, args: tuple[str, ...], code: int, message: str) -> None:
    result = senref("--library", str(tmp_path / "lib"), *args, home=tmp_path)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_senref_home_moves_everything(tmp_path: Path) -> None:
    ok("list", home=tmp_path)
    assert (tmp_path / "data" / "library" / "library.sqlite").exists()
