"""Export the Zotero libraries of Better BibTeX's export tests and compare field by field with what BBT wrote.

Each `X.bbt.json` beside `X.biblatex`, `X.bibtex` or `X.csl.json` in shared/fixtures/formats is a Zotero library
and BBT's export of it. We import the library, export it with our writer, and compare every field BBT wrote
(case/TeX-insensitive, as the import test does). Differences must be explained in `known_differences.json`
(`export_differences`); each format must reach the floor there.
"""

from __future__ import annotations

import fnmatch
import io
import json
from pathlib import Path

import pytest

from senref.formats import registry
from senref.formats.base import ExportContext, ImportRecord
from senref.formats.bibtex_parse import Entry, iter_entries
from senref.formats.latex import to_unicode
from tests.conformance.conformance_compare import Tally, loose
from tests.conformance.test_formats_conformance import KNOWN, shared_formats

OUTPUTS = {".biblatex": "biblatex", ".bibtex": "bibtex", ".csl.json": "csljson"}
#: BBT fields that name local files or BBT's own run, not the record: `groups` and `timestamp` are written
#: only under BBT's JabRef-compatibility preference (JabRef's group membership and date-added stamp).
SKIPPED = {"file", "id", "citation-key", "_graph", "groups", "timestamp"}


def cases(folder: Path) -> list[tuple[Path, Path, str]]:
    out = []
    for library in sorted(folder.rglob("*.bbt.json")):
        if library.name.endswith(".expected.bbt.json"):
            continue
        stem = library.name[: -len(".bbt.json")]
        for suffix, fmt in OUTPUTS.items():
            theirs = library.with_name(stem + suffix)
            if theirs.is_file():
                out.append((library, theirs, fmt))
    return out


def bib_entries(text: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    for entry in iter_entries(io.StringIO(text)):
        if isinstance(entry, Entry):
            fields = {k: to_unicode(v) for k, v in entry.fields.items()}
            fields["entrytype"] = entry.type.lower()
            out.append((entry.key, fields))
    return out


def csl_entries(text: str) -> list[tuple[str, dict[str, str]]]:
    data = json.loads(text)
    out = []
    for obj in data if isinstance(data, list) else data.get("items", []):
        flat = {k: json.dumps(v, sort_keys=True, ensure_ascii=False) if not isinstance(v, str) else v
                for k, v in obj.items()}
        out.append((str(obj.get("id", "")), flat))
    return out


def _creators(fields: dict[str, str]) -> str:
    return loose(fields.get("author") or fields.get("editor", ""))


def paired(theirs: list[tuple[str, dict[str, str]]], ours: list[tuple[str, dict[str, str]]]
           ) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """Pair entries by citation key, else by title (keys follow each program's own pattern), else by position."""
    unused = list(range(len(ours)))
    out = []
    for index, (key, fields) in enumerate(theirs):
        title = loose(fields.get("title", ""))
        same_title = [i for i in unused if title and loose(ours[i][1].get("title", "")) == title]
        # Titles repeat in BBT's tests: the creators tell such entries apart.
        same_names = [i for i in same_title if _creators(ours[i][1]) == _creators(fields)]
        chosen = next((i for i in unused if ours[i][0] == key), None)
        if chosen is None:
            chosen = next(iter(same_names or same_title), None)
        if chosen is None and unused:
            chosen = index if index in unused else unused[0]
        if chosen is not None:
            unused.remove(chosen)
        out.append((key, fields, ours[chosen][1] if chosen is not None else {}))
    return out


def explained(rel: str, key: str, name: str) -> dict | None:
    for entry in KNOWN["export_differences"]:
        if fnmatch.fnmatch(rel, entry["file"]) and entry["field"] in (name, "*") and entry.get("key", "") in key:
            return entry
    return None


def run_exports(folder: Path, scratch: Path) -> Tally:
    tally = Tally()
    reader = registry.sniff(next(iter(folder.rglob("*.bbt.json"))))
    assert reader is not None
    for library, theirs_path, fmt in cases(folder):
        rel = theirs_path.relative_to(folder).as_posix()
        items = [r.item for r in reader.read(library) if isinstance(r, ImportRecord)]
        writer = registry.get(fmt)
        assert writer is not None
        out = scratch / f"{len(tally.seen)}-{theirs_path.name}"
        writer.write(items, out, ExportContext(library_dir=scratch))
        parse = csl_entries if fmt == "csljson" else bib_entries
        ours = parse(out.read_text(encoding="utf-8"))
        theirs = parse(theirs_path.read_text(encoding="utf-8"))
        for key, fields, mine in paired(theirs, ours):
            for name, value in fields.items():
                if name in SKIPPED or not value.strip():
                    continue
                tally.add((fmt, rel, key), name, mine.get(name, ""), value)
    return tally


def test_exports_agree_with_better_bibtex(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared_formats()
    if folder is None:
        pytest.skip("shared/fixtures/formats not found (set SENREF_SHARED_DIR to the shared folder)")
    tally = run_exports(folder, tmp_path)
    unexplained = [d for d in tally.differences if explained(d[0], d[1], d[2]) is None]
    used = {id(explained(d[0], d[1], d[2])) for d in tally.differences}
    stale = [e for e in KNOWN["export_differences"] if id(e) not in used]
    with capsys.disabled():
        print(f"\nformat conformance (export vs Better BibTeX): {len(cases(folder))} exports")
        for fmt in tally.formats():
            seen = sum(n for (f, _), n in tally.seen.items() if f == fmt)
            print(f"  {fmt:14s} {seen:5d} comparisons  exact {tally.share(fmt, tally.exact):6.1%}  "
                  f"case/TeX-insensitive {tally.share(fmt, tally.loose):6.1%}")
            for (f, name), n in sorted(tally.seen.items(), key=lambda kv: -kv[1]):
                if f == fmt and tally.loose[f, name] < n:
                    print(f"      {name:22s} {tally.loose[f, name]:4d}/{n:<4d}")
        for rel, key, name, ours, theirs in unexplained:
            print(f"  UNEXPLAINED {rel} [{key}] {name}: ours={ours!r} theirs={theirs!r}")
    for fmt in tally.formats():
        floor = KNOWN["min_export_agreement"].get(fmt, KNOWN["min_export_agreement"]["*"])
        assert tally.share(fmt, tally.loose) >= floor, f"{fmt}: agreement {tally.share(fmt, tally.loose):.1%}"
    assert not unexplained, f"{len(unexplained)} export differences not in known_differences.json"
    assert not stale, f"explanations no longer needed: {stale}"
