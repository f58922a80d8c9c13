"""The written copy as a piece table: it reads as the bytes it stands for, and a damaged copy is never used."""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

import pytest

from senref.core.library import Library
from senref.sync import content as content_module
from senref.sync.content import ADDED, BASE, BaseFile, Content
from senref.sync.engine import SyncEngine
from tests.sync.conftest import cli, make_item


def _spans(rng: random.Random, size: int) -> list[tuple[int, int, bytes]]:
    cuts = sorted(rng.sample(range(size + 1), min(size + 1, 2 * rng.randint(1, 4))))
    return [(cuts[i], cuts[i + 1], bytes(rng.choices(b"abc\n\xc3\xa9", k=rng.randint(0, 9))))
            for i in range(0, len(cuts) - 1, 2)]


@pytest.mark.parametrize("on_disk", [False, True])
def test_pieces_read_as_the_bytes_they_stand_for(tmp_path: Path, on_disk: bool) -> None:
    rng = random.Random(11)
    model = bytes(rng.choices(b"@article{x,}\n \xe2\x80\x94", k=5000))
    base_path = tmp_path / "base"
    base_path.write_bytes(model)
    content = Content(BaseFile(base_path) if on_disk else model)
    for _ in range(60):
        spans = _spans(rng, len(model))
        content = content.replaced(spans)
        pieces, pos = [], 0
        for start, end, text in spans:
            pieces += [model[pos:start], text]
            pos = end
        model = b"".join([*pieces, model[pos:]])
        assert len(content) == len(model)
        assert bytes(content) == model and content == model and model == content
        assert b"".join(bytes(c) for c in content.chunks()) == model
        a, b = sorted(rng.sample(range(len(model) + 1), 2))
        assert content[a:b] == model[a:b] and content[b:a] == b""
        assert content.sha256() == hashlib.sha256(model).hexdigest()
        out = tmp_path / "out"
        with out.open("wb") as handle:
            handle.write(b"head:")
            content.write_to(handle)
            handle.write(b":tail")
        assert out.read_bytes() == b"head:" + model + b":tail"
    assert content != model + b"x" and content != model[:-1] + b"?"
    assert all(src in (BASE, ADDED) for src, _s, _e in content.pieces)


def test_a_write_through_memory_where_the_kernel_cannot_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "base").write_bytes(b"0123456789" * 1000)
    content = Content(BaseFile(tmp_path / "base")).replaced([(5, 7, b"XY")])

    def refuse(*_args: object) -> int:
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    with (tmp_path / "out").open("wb") as handle:
        content.write_to(handle)
    assert (tmp_path / "out").read_bytes() == bytes(content)


def _target(lib: Library, out_dir: Path, n: int = 30) -> tuple[SyncEngine, Path]:
    tis = lib.create_collection("TIS")
    for i in range(n):
        lib.save_item(make_item(f"Senescence after irradiation, part {i}", "2020", f"10.5555/c.{i}"), collections=[tis])
    path = out_dir / "t.bib"
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", "bibtex", "-o", str(path)) == 0
    assert cli(lib, "sync", "run") == 0
    return SyncEngine(lib), path


def _edit(lib: Library, title: str) -> None:
    key = random.Random(title).choice([i.key for i in lib.iter_items()])
    item = lib.get_item(key)
    item.fields["title"] = title
    lib.update_item(item)


def _sync(lib: Library, path: Path) -> bytes:
    assert cli(lib, "sync", "run") == 0
    return path.read_bytes()


def test_an_edit_extends_the_added_text_and_leaves_the_base(lib: Library, out_dir: Path) -> None:
    engine, path = _target(lib, out_dir)
    target = engine.targets.load()[0]
    base = engine.manifests.written_path(target.id)
    before = base.stat()
    for n in range(5):
        _edit(lib, f"Edited title number {n} " + "x" * n * 40)
        text = _sync(lib, path)
        assert f"Edited title number {n}".encode() in text
    after = base.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    manifest = engine.manifests.load(target.id)
    assert manifest is not None and manifest.copy is not None and manifest.copy.added_size > 0
    copy = engine.manifests.load_written(manifest)
    assert copy is not None and bytes(copy) == path.read_bytes()


@pytest.mark.parametrize("damage", ["base-same-size", "base-truncated", "added", "added-missing", "pieces"])
def test_a_damaged_copy_is_refused_and_the_next_write_is_still_right(lib: Library, out_dir: Path,
                                                                      damage: str) -> None:
    engine, path = _target(lib, out_dir)
    target = engine.targets.load()[0]
    _edit(lib, "A first edit so that the copy has added text")
    _sync(lib, path)
    manifest = engine.manifests.load(target.id)
    assert manifest is not None and manifest.copy is not None
    base, added = engine.manifests.written_path(target.id), engine.manifests.added_path(target.id)
    if damage == "base-same-size":
        data = bytearray(base.read_bytes())
        data[10:20] = b"!" * 10
        base.write_bytes(bytes(data))  # a new time stamp: the base is then hashed, and rejected
    elif damage == "base-truncated":
        base.write_bytes(base.read_bytes()[:-50])
    elif damage == "added":
        added.write_bytes(b"?" * added.stat().st_size)
    elif damage == "added-missing":
        added.unlink()
    else:
        record = json.loads(engine.manifests.manifest_path(target.id).read_text(encoding="utf-8"))
        record["copy"]["pieces"][-1][2] += 10_000
        engine.manifests.manifest_path(target.id).write_text(json.dumps(record), encoding="utf-8")
    manifest = engine.manifests.load(target.id)
    assert manifest is not None
    assert engine.manifests.load_written(manifest) is None
    _edit(lib, "A second edit after the damage")
    text = _sync(lib, path)
    assert b"A second edit after the damage" in text and b"!!!!!!!!!!" not in text and b"??" not in text
    lib_text = out_dir / "again.bib"
    assert cli(lib, "export", "--collection", "TIS", "-o", str(lib_text)) == 0
    assert sorted(text.split(b"\n@")) == sorted(lib_text.read_bytes().split(b"\n@"))


def test_pieces_past_the_bound_become_a_new_base(lib: Library, out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content_module, "MAX_PIECES", 6)
    engine, path = _target(lib, out_dir)
    target = engine.targets.load()[0]
    inodes = set()
    for n in range(8):
        _edit(lib, f"Compaction round {n}")
        _sync(lib, path)
        manifest = engine.manifests.load(target.id)
        assert manifest is not None and manifest.copy is not None
        assert len(manifest.copy.pieces) <= 6
        inodes.add(engine.manifests.written_path(target.id).stat().st_ino)
        copy = engine.manifests.load_written(manifest)
        assert copy is not None and bytes(copy) == path.read_bytes()
    assert len(inodes) > 1  # the base was written again at least once


def test_a_record_from_before_pieces_is_read_and_upgraded(lib: Library, out_dir: Path) -> None:
    engine, path = _target(lib, out_dir)
    target = engine.targets.load()[0]
    record_path = engine.manifests.manifest_path(target.id)
    record = json.loads(record_path.read_text(encoding="utf-8"))
    assert record["copy"]["pieces"] == [[BASE, 0, len(path.read_bytes())]]
    # What an older senref wrote: the .written file is the whole content, the entries are rows.
    del record["copy"]
    columns = record["entries"]
    record["entries"] = [list(row) for row in zip(*(columns[name] for name in (
        "keys", "versions", "citekeys", "starts", "ends", "hashes")), strict=True)]
    record_path.write_text(json.dumps(record), encoding="utf-8")
    manifest = engine.manifests.load(target.id)
    assert manifest is not None and manifest.copy is None
    assert engine.manifests.load_written(manifest) == path.read_bytes()
    _edit(lib, "Edited after the upgrade")
    text = _sync(lib, path)
    assert b"Edited after the upgrade" in text
    manifest = engine.manifests.load(target.id)
    assert manifest is not None and manifest.copy is not None and manifest.copy.added_size > 0


@pytest.mark.parametrize("entries", [{"keys": ["A"], "versions": ["1"], "citekeys": [""], "starts": [0], "ends": [1],
                                      "hashes": ["h"]},
                                     {"keys": ["A", "B"], "versions": [1], "citekeys": [""], "starts": [0],
                                      "ends": [1], "hashes": ["h"]},
                                     [["A", 1, "", 0]], "rows", 7])
def test_a_malformed_record_is_no_record(lib: Library, out_dir: Path, entries: object) -> None:
    engine, path = _target(lib, out_dir)
    target = engine.targets.load()[0]
    record_path = engine.manifests.manifest_path(target.id)
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["entries"] = entries
    record_path.write_text(json.dumps(record), encoding="utf-8")
    assert engine.manifests.load(target.id) is None
    before = path.read_bytes()
    _edit(lib, "Edited after the record was spoilt")
    # Without a record senref cannot tell the user's text from its own: it asks, and writes nothing.
    assert cli(lib, "sync", "run") == 1
    assert path.read_bytes() == before
    assert [c.kind for c in engine.open_conflicts(target.id)] == ["file"]


@pytest.mark.parametrize("edits", [1, 5, 40])
def test_spliced_edits_write_what_a_full_export_writes(lib: Library, out_dir: Path, edits: int) -> None:
    engine, path = _target(lib, out_dir, n=60)
    target = engine.targets.load()[0]
    base_inode = engine.manifests.written_path(target.id).stat().st_ino
    rng = random.Random(edits)
    for key in rng.sample([i.key for i in lib.iter_items()], edits):
        item = lib.get_item(key)
        item.fields["title"] = "t" * rng.randint(1, 200) + f" {key}"  # longer and shorter: later spans move
        lib.update_item(item)
    text = _sync(lib, path)
    full = out_dir / "full.bib"
    assert cli(lib, "export", "--collection", "TIS", "-o", str(full)) == 0
    assert sorted(text.split(b"\n@")) == sorted(full.read_bytes().split(b"\n@"))
    # A few edits extend the copy; two thirds of the entries rewritten make a new base (see needs_compaction).
    assert (engine.manifests.written_path(target.id).stat().st_ino == base_inode) == (edits <= 5)
    manifest = engine.manifests.load(target.id)
    assert manifest is not None
    spans = [(e.start, e.end) for e in manifest.entries]
    assert all(text[s:e].lstrip().startswith(b"@") for s, e in spans)


def test_a_closed_base_opens_again_only_as_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "base"
    path.write_bytes(b"0123456789")
    base = BaseFile(path)
    base.close()
    assert base.read(2, 5) == b"234"  # opened again: the same file
    base.close()
    replacement = tmp_path / "new"
    replacement.write_bytes(b"abcdefghij")
    os.replace(replacement, path)
    with pytest.raises(OSError, match="replaced"):
        base.read(0, 3)


def test_a_failed_write_after_a_new_base_leaves_the_next_sync_right(lib: Library, out_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from senref.sync import exporter as exporter_module

    _engine, path = _target(lib, out_dir)
    engine = SyncEngine(lib)  # one engine for every run, as the window keeps it
    target = engine.targets.load()[0]
    _edit(lib, "First edit, its copy kept in memory over the stored base")
    assert engine.sync(target).state == "ok"
    monkeypatch.setattr(content_module, "MAX_PIECES", 1)  # the next write makes a new base
    real_write = exporter_module.Exporter.write

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise exporter_module.SyncFailure("disk full: " + str(path))
    monkeypatch.setattr(exporter_module.Exporter, "write", full_disk)
    _edit(lib, "Second edit, whose write fails")
    assert engine.sync(target).state == "error"
    monkeypatch.setattr(exporter_module.Exporter, "write", real_write)
    assert engine.sync(target).state == "ok"
    assert b"Second edit, whose write fails" in path.read_bytes()
