"""Import every real file in shared/fixtures/formats/ and compare with the items Zotero (or BBT) makes of it.

Each file imports or fails with a clear, line-numbered message (never a traceback). Per-field agreement
with the expected items is printed; `known_differences.json` lists the explained gaps and the floor
below which agreement must not fall.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from senref.core.model import Item
from senref.formats import registry
from senref.formats.base import ImportProblem, ImportRecord

KNOWN = json.loads((Path(__file__).with_name("known_differences.json")).read_text(encoding="utf-8"))
SKIP_SUFFIXES = (".expected-zotero-items.json", ".expected.bbt.json", ".expected.bib", ".blg")
IGNORED_FIELDS = {"itemID", "attachments", "notes", "seeAlso", "tags", "creators", "itemType", "key", "version",
                  "collections", "relations", "dateAdded", "dateModified", "uri", "itemKey", "libraryID",
                  "citekey", "multi", "accessDate"}


def shared_formats() -> Path | None:
    env = os.environ.get("SENREF_SHARED_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[3] / "shared"
    folder = base / "fixtures" / "formats"
    return folder if folder.is_dir() else None


def inputs(folder: Path) -> list[Path]:
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or path.name.endswith(SKIP_SUFFIXES) or rel.startswith(("zotero-schema/", "csl-json/schema/")):
            continue
        if path.name.endswith(".bbt.json") and "bbt-import" not in rel:
            pass  # BBT JSON libraries are import inputs too
        out.append(path)
    return out


def expected_for(path: Path) -> list[dict] | None:
    stem = path.name.rsplit(".", 1)[0]
    for candidate in (path.with_name(f"{stem}.expected-zotero-items.json"), path.with_name(f"{stem}.expected.bbt.json")):
        if candidate.is_file():
            data = json.loads(candidate.read_text(encoding="utf-8"))
            items = data.get("items", []) if isinstance(data, dict) else data
            return [i for i in items if isinstance(i, dict) and i.get("itemType") not in ("note", "attachment")]
    return None


def _norm(value: object) -> str:
    text = "\n".join(value) if isinstance(value, list) else str(value)
    return re.sub(r"[\s\-–—.]+", " ", text).strip().lower()


def our_value(item: Item, name: str) -> str:
    if name in ("DOI", "ISBN", "PMID", "PMCID"):
        return item.identifiers.get(name.lower(), "") or item.fields.get(name, "")
    return item.fields.get(name, "")


def compare(expected: dict, item: Item, tally: Counter, agree: Counter) -> None:
    for name, value in expected.items():
        if name in IGNORED_FIELDS or value in ("", [], None):
            continue
        if name == "extra":
            continue  # Zotero's Extra mixes translator notes; compared by the identifiers it carries instead
        tally[name] += 1
        ours = our_value(item, name)
        if name in ("ISBN",):
            ok = re.sub(r"[^0-9Xx]", "", ours).lower() in re.sub(r"[^0-9Xx ]", "", str(value)).lower().replace(" ", "")
        else:
            ok = _norm(ours) == _norm(value)
        agree[name] += ok
    tally["itemType"] += 1
    agree["itemType"] += item.item_type == expected.get("itemType")
    want = [(c.get("lastName") or c.get("name") or "", c.get("firstName", ""), c.get("creatorType", "author"))
            for c in expected.get("creators", [])]
    got = [(c.last_name or c.name, c.first_name, c.creator_type) for c in item.creators]
    tally["creators"] += 1
    agree["creators"] += [(_norm(a), _norm(b), t) for a, b, t in want] == [(_norm(a), _norm(b), t) for a, b, t in got]
    want_tags = {(t if isinstance(t, str) else t.get("tag", "")) for t in expected.get("tags", [])}
    tally["tags"] += 1
    agree["tags"] += want_tags == set(item.tag_names())


def test_every_shared_format_file_imports_or_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared_formats()
    if folder is None:
        pytest.skip("shared/fixtures/formats not found (set SENREF_SHARED_DIR to the shared folder)")
    tally: Counter[str] = Counter()
    agree: Counter[str] = Counter()
    unrecognised: dict[str, str] = {}
    count_mismatch: dict[str, str] = {}
    files = inputs(folder)
    for path in files:
        rel = path.relative_to(folder).as_posix()
        fmt = registry.sniff(path)
        if fmt is None:
            unrecognised[rel] = "not recognised"
            continue
        records = list(fmt.read(path))  # a traceback here fails the test: that is the point
        problems = [r for r in records if isinstance(r, ImportProblem)]
        items = [r.item for r in records if isinstance(r, ImportRecord)]
        for problem in problems:
            assert problem.message.strip(), rel
            assert isinstance(problem.line, int)
        expected = expected_for(path)
        if expected is None:
            continue
        if len(expected) != len(items):
            count_mismatch[rel] = f"{len(items)} imported, {len(expected)} expected"
            continue
        # Zotero's test cases list items in file order, BBT's sorted: pair them by title, else by position.
        by_title = {_norm(i.title): i for i in items}
        for index, want in enumerate(expected):
            compare(want, by_title.get(_norm(want.get("title", "")), items[index]), tally, agree)
    total = sum(tally.values())
    overall = sum(agree.values()) / total if total else 1.0
    with capsys.disabled():
        print(f"\nformat conformance: {len(files)} files, {sum(tally.values())} field comparisons, "
              f"agreement {overall:.1%}")
        for name in sorted(tally, key=lambda n: -tally[n]):
            print(f"  {name:24s} {agree[name]:4d}/{tally[name]:<4d} {agree[name] / tally[name]:.0%}")
        for rel, why in sorted({**unrecognised, **count_mismatch}.items()):
            print(f"  known gap: {rel}: {why}")
    assert unrecognised.keys() == KNOWN["unrecognised"].keys(), unrecognised
    assert count_mismatch.keys() == KNOWN["item_count_differs"].keys(), count_mismatch
    assert overall >= KNOWN["min_overall_agreement"], f"agreement fell to {overall:.1%}"
    for name, floor in KNOWN["min_field_agreement"].items():
        assert agree[name] / tally[name] >= floor, (name, agree[name], tally[name])
