"""import_cases.bib (the Barrow, video-series, Kullback and Knuth shapes of biblatex-examples, written
for senref): separate works stay separate and unoffered, true duplicates are merged on proof or listed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from senref.actions.duplicates import list_duplicates, possible_duplicates
from senref.actions.imports import import_files
from senref.core.library import Library
from senref.core.merge import RELATED, item_uri
from senref.core.settings import Settings

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "duplicates"


def _import(tmp_path: Path) -> tuple[Library, dict[str, str], list[str]]:
    lib = Library.open(tmp_path / "lib", autotag=False)
    bib = CASES / "import_cases.bib"
    report = import_files(lib, Settings(download_pdfs=False), [bib])
    entries = re.findall(r"^@\w+\{([^,\s]+),", bib.read_text(encoding="utf-8"), flags=re.MULTILINE)
    keys = report.files[0].keys
    assert len(keys) == len(entries)
    return lib, dict(zip(entries, keys, strict=True)), keys


def test_import_cases_stay_separate_and_true_duplicates_are_merged_or_listed(tmp_path: Path) -> None:
    expected = json.loads((CASES / "import_cases.expected.json").read_text(encoding="utf-8"))
    lib, item_of, keys = _import(tmp_path)
    try:
        listed = {frozenset((c.a, c.b)) for c in lib.duplicate_candidates()}
        groups = [set(g.keys) for g in list_duplicates(lib).groups]
        for a, b in expected["separate"]:
            assert item_of[a] != item_of[b], (a, b)
            assert not any({item_of[a], item_of[b]} <= g for g in groups), (a, b)
        for a, b in expected["duplicates"]:
            proof = expected["duplicates_proof"][f"{a}|{b}"]
            if proof:
                assert item_of[a] == item_of[b], (a, b)
            else:
                assert item_of[a] != item_of[b] and frozenset((item_of[a], item_of[b])) in listed, (a, b)
        assert possible_duplicates(lib, keys) == len(listed) == 1
        # The preprint and its article carry one arXiv id: linked both ways, never merged.
        preprint, article = lib.get_item(item_of["Volkov:2023"]), lib.get_item(item_of["Volkov:2024"])
        assert item_uri(article.key) in preprint.relations[RELATED]
        assert item_uri(preprint.key) in article.relations[RELATED]
    finally:
        lib.close()


def test_the_import_report_says_how_many_possible_duplicates_it_found(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib", autotag=False)
    try:
        report = import_files(lib, Settings(download_pdfs=False), [CASES / "import_cases.bib"])
        listed = possible_duplicates(lib, report.keys)
        assert listed >= 1 and report.possible_duplicates == listed
        assert f"{listed} possible duplicates" in report.summary()
    finally:
        lib.close()
