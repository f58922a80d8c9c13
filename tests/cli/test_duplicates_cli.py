"""`senref duplicates list|scan|merge|dismiss` run as a subprocess, over the import_cases.bib shapes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import ok, senref

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "duplicates" / "import_cases.bib"


def test_list_json_shows_the_likely_pair_then_merge_and_dismiss(tmp_path: Path) -> None:
    lib = str(tmp_path / "lib")
    imported = senref("--library", lib, "import", str(CASES), home=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "1 possible duplicates (senref duplicates list)" in imported.stderr  # the import says so
    groups = json.loads(ok("--library", lib, "duplicates", "list", "--json", home=tmp_path))
    assert len(groups) == 1
    (group,) = groups
    assert len(group["keys"]) == 2 and group["master"] in group["keys"] and group["proof"] is None
    assert "title 100 % alike" in group["reasons"]
    titles = {json.loads(ok("--library", lib, "show", k, "--json", home=tmp_path))["data"]["title"].lower()
              for k in group["keys"]}
    assert titles == {"therapy-induced senescence in breast cancer"}
    assert json.loads(ok("--library", lib, "duplicates", "scan", "--json", home=tmp_path)) == groups
    listing = ok("--library", lib, "duplicates", "list", home=tmp_path)
    assert all(k in listing for k in group["keys"])

    master, other = group["master"], next(k for k in group["keys"] if k != group["master"])
    result = senref("--library", lib, "duplicates", "merge", *group["keys"], "--master", master, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"merged 1 item(s) into {master}" in result.stderr
    assert json.loads(ok("--library", lib, "duplicates", "list", "--json", home=tmp_path)) == []
    # The merged-away key names the master from now on.
    shown = json.loads(ok("--library", lib, "show", other, "--json", home=tmp_path))
    assert shown["key"] == master


def test_dismissed_pairs_stay_dismissed_and_bad_keys_fail(tmp_path: Path) -> None:
    lib = str(tmp_path / "lib")
    ok("--library", lib, "import", str(CASES), home=tmp_path)
    (group,) = json.loads(ok("--library", lib, "duplicates", "list", "--json", home=tmp_path))
    ok("--library", lib, "duplicates", "dismiss", *group["keys"], home=tmp_path)
    assert json.loads(ok("--library", lib, "duplicates", "scan", "--json", home=tmp_path)) == []
    assert senref("--library", lib, "duplicates", "merge", group["keys"][0], home=tmp_path).returncode == 1
