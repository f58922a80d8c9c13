"""Splicing changed entries into the last write gives the file (and manifest) a full assembly gives (issue 15).

Also: a target whose items and versions are those of its last write is taken as current without a rebuild.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from senref.core.library import Library
from senref.sync.content import Content
from senref.sync.engine import SyncEngine
from senref.sync.exporter import Exporter, previous_layout
from senref.sync.manifest import Entry, Kept, Manifest
from senref.sync.splice import splice
from tests.sync.conftest import cli, make_item

USER_TEXT = ["% my heading\n", "@comment{kept by hand}\n\n", "free text, ignored by BibTeX\n", "é ü — multi-byte\n"]


def _add_target(lib: Library, out_dir: Path, fmt: str, name: str) -> Path:
    path = out_dir / name
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", fmt, "-o", str(path)) == 0
    assert cli(lib, "sync", "run") == 0
    return path


@pytest.mark.parametrize(("fmt", "name"), [("bibtex", "t.bib"), ("biblatex", "t.bib"), ("ris", "t.ris"),
                                           ("csljson", "t.json")])
def test_spliced_file_equals_the_assembled_one(lib: Library, tis: str, out_dir: Path, fmt: str, name: str) -> None:
    for i in range(12):
        lib.save_item(make_item(f"Senolytic trial {i} with a longer title", "2021", f"10.5555/st.{i}"),
                      collections=[tis])
    path = _add_target(lib, out_dir, fmt, name)
    if fmt in ("bibtex", "biblatex", "ris"):
        # The user's text between entries: read back once, then kept (and moved) on every rewrite.
        sep = "\nTY  - " if fmt == "ris" else "\n@"
        text = path.read_text(encoding="utf-8")
        cuts = [i + 1 for i in range(len(text)) if text.startswith(sep, i)][::3]
        for n, at in enumerate(reversed(cuts)):
            text = text[:at] + USER_TEXT[n % len(USER_TEXT)] + text[at:]
        path.write_text(text + "% the end\n", encoding="utf-8")
        assert cli(lib, "sync", "run") == 0
    engine = SyncEngine(lib)
    target = engine.targets.load()[0]
    rng = random.Random(3)
    keys = lib.keys(target.scope.query())
    for round_ in range(4):
        for key in rng.sample(keys, rng.randint(1, 4)):
            item = lib.get_item(key)
            # longer and shorter than before, so every later span moves
            item.fields["title"] = "x" * rng.randint(1, 300) + f" round {round_}"
            lib.update_item(item)
        exporter = Exporter(lib, engine.format(target.format))
        previous, previous_bytes = engine.writes.previous(target)
        assert previous is not None and previous_bytes is not None
        spliced = exporter.build(target, previous, previous_bytes)
        assembled = exporter.build(target, previous, previous_bytes, layout=previous_layout(previous, previous_bytes))
        assert spliced[1] == assembled[1]
        assert spliced[0].to_json() == assembled[0].to_json()
        assert spliced[2].rendered == assembled[2].rendered
        outcome = engine.sync(target)
        assert outcome.written and outcome.state == "ok"
        assert path.read_bytes() == spliced[1]


def test_splice_refuses_spans_out_of_order() -> None:
    manifest = Manifest(target_id="t", signature="s",
                        entries=[Entry("A", 1, "", 5, 9, ""), Entry("B", 1, "", 0, 4, "")])
    assert splice(manifest, Content(b"aaaa bbbb"), {"A": b"new"}) is None
    manifest.entries = [Entry("A", 1, "", 0, 4, ""), Entry("B", 1, "", 5, 9, "")]
    manifest.kept = [Kept("B", 4, 5), Kept("", 9, 10)]
    spliced = splice(manifest, Content(b"aaaa-bbbb!"), {"A": b"A2"})
    assert spliced is not None
    assert bytes(spliced.content) == b"A2-bbbb!"
    assert list(zip(spliced.starts, spliced.ends, strict=True)) == [(0, 2), (3, 7)]
    assert (spliced.kept, spliced.changed) == ([("B", 2, 3), ("", 7, 8)], [0])


def test_no_change_is_answered_without_a_rebuild(lib: Library, tis: str, out_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = _add_target(lib, out_dir, "bibtex", "t.bib")
    engine = SyncEngine(lib)
    target = engine.targets.load()[0]
    before = path.stat().st_mtime_ns

    def no_build(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rebuilt a target that was current")

    monkeypatch.setattr(Exporter, "build", no_build)
    outcome = engine.sync(target)
    assert (outcome.state, outcome.written, outcome.count, outcome.rendered) == ("ok", False, 3, 0)
    assert path.stat().st_mtime_ns == before
    assert not engine.needs_sync(target)
    monkeypatch.undo()
    lib.save_item(make_item("One more", "2022", "10.5555/more"), collections=[tis])  # the scope moved on
    assert engine.needs_sync(target)
    outcome = engine.sync(target)
    assert outcome.written and outcome.rendered == 1 and "One more" in path.read_text(encoding="utf-8")


def test_manifest_text_made_once_reads_back_as_the_manifest() -> None:
    manifest = Manifest(target_id="t", signature='v2|"odd"', sha256="ab", size=3,
                        files={"K": ['files/a,"entries":[],b.pdf']}, kept=[Kept("", 3, 4)],
                        entries=[Entry("K", 1, 'we"ird\\ké', 0, 3, "h"), Entry("L", 2, "", 4, 9, "g")])
    for text in (manifest.json_text(), manifest.json_text(manifest.entries_json())):
        assert json.loads(text) == manifest.to_json()
        assert Manifest.from_json(json.loads(text)) == manifest
    empty = Manifest(target_id="t", signature="s")
    assert json.loads(empty.json_text()) == empty.to_json()
