"""Import every real file in shared/fixtures/formats/ and compare with the items Zotero (or BBT) makes of it.

Each file imports or fails with a clear, line-numbered message (never a traceback). Agreement is printed per
format and per field; every remaining difference must be explained in `known_differences.json` (and every
explanation must still be needed), and each format must reach the agreement floor given there.
"""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path

import pytest

from senref.formats import registry
from senref.formats.base import ImportProblem, ImportRecord
from tests.conformance.conformance_compare import Tally, compare, loose

KNOWN = json.loads((Path(__file__).with_name("known_differences.json")).read_text(encoding="utf-8"))
SKIP_SUFFIXES = (".expected-zotero-items.json", ".expected.bbt.json", ".expected.bib", ".blg")


def shared_formats() -> Path | None:
    env = os.environ.get("SENREF_SHARED_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[3] / "shared"
    folder = base / "fixtures" / "formats"
    return folder if folder.is_dir() else None


def inputs(folder: Path) -> list[Path]:
    return [path for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.endswith(SKIP_SUFFIXES)
            and not path.relative_to(folder).as_posix().startswith(("zotero-schema/", "csl-json/schema/"))]


def expected_for(path: Path) -> list[dict] | None:
    stems = {path.name.rsplit(".", 1)[0], path.name.rsplit(".", 2)[0]}  # x.bib and x.csl.json
    candidates = [path.with_name(f"{stem}{suffix}") for stem in sorted(stems)
                  for suffix in (".expected-zotero-items.json", ".expected.bbt.json")]
    for candidate in candidates:
        if candidate.is_file():
            data = json.loads(candidate.read_text(encoding="utf-8"))
            items = data.get("items", []) if isinstance(data, dict) else data
            return [i for i in items if isinstance(i, dict) and i.get("itemType") not in ("note", "attachment")]
    return None


def citation_key(expected: dict) -> str:
    """The key Zotero/BBT gave an expected item: its citationKey field or a `Citation Key:` line in Extra."""
    if expected.get("citationKey"):
        return str(expected["citationKey"])
    extra = expected.get("extra", "")
    for line in (extra if isinstance(extra, list) else str(extra).splitlines()):
        label, _, value = str(line).partition(":")
        if label.strip().lower() == "citation key":
            return value.strip()
    return ""


def pairs(expected: list[dict], items: list) -> list[tuple[dict, object]]:
    """Zotero's test cases list items in file order, BBT's sorted: pair by title, else citation key, else position."""
    unused = list(range(len(items)))
    out = []
    for index, want in enumerate(expected):
        title = loose(want.get("title", ""))
        key = citation_key(want)
        same_title = [i for i in unused if loose(items[i].title) == title]
        first = loose((want.get("creators") or [{}])[0].get("lastName") or "")
        same_first = [i for i in same_title if items[i].creators and loose(items[i].creators[0].last_name) == first]
        # Titles repeat within a file: the same position wins, then the same first creator.
        chosen = index if index in same_title else next(iter(same_first or same_title), None)
        if chosen is None:  # BBT folds a subtitle into the title; its key still pairs the entries
            chosen = next((i for i in unused if key and items[i].fields.get("citationKey") == key), None)
        if chosen is None:
            chosen = index if index in unused else unused[0]
        unused.remove(chosen)
        out.append((want, items[chosen]))
    return out


def explained(difference: tuple[str, str, str, str, str]) -> dict | None:
    rel, title, name, _, _ = difference
    for entry in KNOWN["differences"]:
        if fnmatch.fnmatch(rel, entry["file"]) and entry["field"] in (name, "*") \
                and entry.get("title", "") in title:
            return entry
    return None


def run_imports(folder: Path) -> tuple[Tally, dict[str, str], dict[str, str], int]:
    tally = Tally()
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
        for problem in (r for r in records if isinstance(r, ImportProblem)):
            assert problem.message.strip(), rel
            assert isinstance(problem.line, int)
        items = [r.item for r in records if isinstance(r, ImportRecord)]
        expected = expected_for(path)
        if expected is None:
            continue
        if len(expected) != len(items):
            count_mismatch[rel] = f"{len(items)} imported, {len(expected)} expected"
            continue
        for want, item in pairs(expected, items):
            compare(fmt.name, rel, want, item, tally)
    return tally, unrecognised, count_mismatch, len(files)


def report(tally: Tally, files: int) -> str:
    lines = [f"format conformance (import): {files} files"]
    for fmt in tally.formats():
        seen = sum(n for (f, _), n in tally.seen.items() if f == fmt)
        lines.append(f"  {fmt:14s} {seen:5d} comparisons  exact {tally.share(fmt, tally.exact):6.1%}  "
                     f"case/TeX-insensitive {tally.share(fmt, tally.loose):6.1%}")
        for (f, name), n in sorted(tally.seen.items(), key=lambda kv: -kv[1]):
            if f == fmt and tally.loose[f, name] < n:
                lines.append(f"      {name:22s} {tally.loose[f, name]:4d}/{n:<4d}")
    return "\n".join(lines)


def test_every_shared_format_file_imports_or_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared_formats()
    if folder is None:
        pytest.skip("shared/fixtures/formats not found (set SENREF_SHARED_DIR to the shared folder)")
    tally, unrecognised, count_mismatch, files = run_imports(folder)
    unexplained = [d for d in tally.differences if explained(d) is None]
    used = {id(explained(d)) for d in tally.differences}
    stale = [e for e in KNOWN["differences"] if id(e) not in used]
    with capsys.disabled():
        print("\n" + report(tally, files))
        for rel, title, name, ours, theirs in unexplained:
            print(f"  UNEXPLAINED {rel} [{title}] {name}: ours={ours!r} theirs={theirs!r}")
    assert unrecognised.keys() == KNOWN["unrecognised"].keys(), unrecognised
    assert count_mismatch.keys() == KNOWN["item_count_differs"].keys(), count_mismatch
    for fmt in tally.formats():
        floor = KNOWN["min_agreement"].get(fmt, KNOWN["min_agreement"]["*"])
        assert tally.share(fmt, tally.loose) >= floor, f"{fmt}: agreement {tally.share(fmt, tally.loose):.1%}"
    assert not unexplained, f"{len(unexplained)} differences not in known_differences.json"
    assert not stale, f"explanations no longer needed: {stale}"
