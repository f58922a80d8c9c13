"""What sync cannot or need not read stays in the file: comments, @string/@preamble/@comment, broken entries."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from senref.core.library import Library
from senref.formats import registry
from senref.formats.base import ImportRecord
from senref.sync.engine import SyncEngine
from tests.sync.conftest import cli, make_item, retitle

PREAMBLE = '@preamble{"\\newcommand{\\noopsort}[1]{}"}\n'
STRING = '@string{jnci = "Journal of the National Cancer Institute"}\n'
COMMENT_BLOCK = "@comment{Kept by hand: ask Ana before removing the 2019 entries.}\n"
PERCENT = "% ---- Radiotherapy section ----\n% (these two lines are mine)\n"
FREE = "Loose notes between entries, which BibTeX ignores.\n"
MACRO_ENTRY = ("@article{prasanna2021,\n  author = {Prasanna, Pataje G.},\n  title = {Therapy-induced senescence "
               "and radiotherapy},\n  journal = jnci,\n  year = 2021\n}\n")


def _target(lib: Library, out_dir: Path, fmt: str = "bibtex", name: str = "tis.bib") -> Path:
    target = out_dir / name
    assert cli(lib, "sync", "add", "--collection", "TIS", "--format", fmt, "-o", str(target)) == 0
    assert cli(lib, "sync", "run") == 0
    return target


def _entry_start(text: str, title_part: str) -> int:
    return text.rfind("\n@", 0, text.index(title_part)) + 1


def _insert_before(path: Path, title_part: str, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    at = _entry_start(text, title_part)
    path.write_text(text[:at] + block + text[at:], encoding="utf-8")


def _state(lib: Library) -> tuple[str, str]:
    engine = SyncEngine(lib)
    target = engine.targets.load()[0]
    st = engine.state(target.id)
    return st.state, st.last_error


def test_comments_preamble_string_and_free_text_survive_rerenders(lib: Library, tis: str, out_dir: Path) -> None:
    target = _target(lib, out_dir)
    text = target.read_text(encoding="utf-8")
    first = text.index("@")
    text = text[:first] + PREAMBLE + "\n" + STRING + "\n" + text[first:]
    target.write_text(text, encoding="utf-8")
    _insert_before(target, "study 1", PERCENT)
    _insert_before(target, "study 2", COMMENT_BLOCK + "\n" + FREE + "\n" + MACRO_ENTRY + "\n")
    with target.open("a", encoding="utf-8") as handle:
        handle.write("\n% trailing remark at the end of the file\n")
    assert cli(lib, "sync", "run") == 0
    # The hand-added entry used the @string macro: it resolved on the way in.
    added = [i for i in lib.iter_items(collection=tis) if "radiotherapy" in i.title]
    assert len(added) == 1 and added[0].fields["publicationTitle"] == "Journal of the National Cancer Institute"
    # Three re-renders with library edits in between: every kept block is still there, in place.
    for n in range(3):
        retitle(lib, "study 1" if n == 0 else f"edit {n - 1}", f"Therapy-induced senescence study 1, edit {n}")
        lib.save_item(make_item(f"Senolytics cohort {n}", "2024", f"10.5555/coh.{n}"), collections=[tis])
        assert cli(lib, "sync", "run") == 0
        text = target.read_text(encoding="utf-8")
        for block in (PREAMBLE, STRING, PERCENT, COMMENT_BLOCK, FREE):
            assert text.count(block) == 1, (block, text)
        assert text.index(PREAMBLE) < text.index(STRING) < text.index("@article")
        assert text.index(PERCENT) < text.index(f"study 1, edit {n}") < text.index(COMMENT_BLOCK)
        assert text.index(COMMENT_BLOCK) < text.index(FREE) < text.index("Therapy-induced senescence study 2")
        assert text.rstrip().endswith("% trailing remark at the end of the file")
        assert f"Senolytics cohort {n}" in text
        assert _state(lib) == ("ok", "")
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks and len(parsed.entries) == 3 + 1 + 3
    assert lib.count() == 3 + 1 + 3  # the entry with the macro was imported once, not on every run


def test_kept_block_follows_its_entry_and_moves_on_when_the_entry_leaves(lib: Library, tis: str,
                                                                        out_dir: Path) -> None:
    target = _target(lib, out_dir)
    _insert_before(target, "study 1", PERCENT)
    assert cli(lib, "sync", "run") == 0
    gone = next(i.key for i in lib.iter_items() if i.title.endswith("study 1"))
    lib.remove_from_collection(tis, [gone])
    assert cli(lib, "sync", "run") == 0
    text = target.read_text(encoding="utf-8")
    assert "study 1" not in text and text.count(PERCENT) == 1
    assert text.index("study 0") < text.index(PERCENT) < text.index("study 2")


def test_only_comments_added_leaves_the_file_as_the_user_saved_it(lib: Library, tis: str, out_dir: Path) -> None:
    target = _target(lib, out_dir)
    _insert_before(target, "study 2", PERCENT)
    saved = target.read_bytes()
    stamp = target.stat().st_mtime_ns
    assert cli(lib, "sync", "run") == 0
    assert target.read_bytes() == saved and target.stat().st_mtime_ns == stamp  # not even rewritten
    assert cli(lib, "sync", "run") == 0 and target.read_bytes() == saved


@pytest.mark.parametrize(("broken", "line_of"), [
    ("@article{broken2024,\n  title = {A brace that never closes,\n  year = 2024\n}\n", "@article{broken2024"),
    ("@article{nokey2024,\n  title = {Fine}\n  year = 2024\n}\n", "  year = 2024"),
    ("@article{deep2024,\n  title = {" + "{" * 2000 + "x" + "}" * 2000 + "},\n  year = 2024\n}\n", "  title = {{{"),
], ids=["unbalanced-brace", "missing-comma", "2000-deep-braces"])
@pytest.mark.usefixtures("tis")
def test_an_entry_that_does_not_parse_is_an_error_naming_its_line(
        broken: str, line_of: str, lib: Library, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _target(lib, out_dir)
    _insert_before(target, "study 2", PERCENT)
    assert cli(lib, "sync", "run") == 0
    text = target.read_text(encoding="utf-8")
    at = _entry_start(text, "study 1")
    text = text[:at] + broken + "\n" + text[at:]
    text = text.replace("Therapy-induced senescence study 0", "Retitled in the file")
    target.write_text(text, encoding="utf-8")
    expected_line = text[:text.index(line_of)].count("\n") + 1
    on_disk = target.read_bytes()
    retitle(lib, "study 2", "Retitled in the library")  # a library change wants a write
    capsys.readouterr()
    assert cli(lib, "sync", "run") == 1
    err = capsys.readouterr().err
    assert f"file has an error at line {expected_line}: " in err, err
    assert target.read_bytes() == on_disk  # byte for byte
    assert lib.count() == 3 and all(i.title != "Retitled in the file" for i in lib.iter_items())
    state, error = _state(lib)
    assert state == "error" and error.startswith(f"file has an error at line {expected_line}: ")
    assert cli(lib, "sync", "status") == 1
    assert f"error: file has an error at line {expected_line}" in capsys.readouterr().out
    assert cli(lib, "sync", "run") == 1 and target.read_bytes() == on_disk  # still waiting for the fix
    # The user fixes the entry: the next run merges everything the file says.
    target.write_text(text.replace(broken, MACRO_ENTRY.replace("journal = jnci", "journal = {JNCI}")),
                      encoding="utf-8")
    assert cli(lib, "sync", "run") == 0
    titles = sorted(i.title for i in lib.iter_items())
    assert "Retitled in the file" in titles and "Retitled in the library" in titles
    assert any("radiotherapy" in t for t in titles) and lib.count() == 4
    text = target.read_text(encoding="utf-8")
    assert text.count(PERCENT) == 1 and "Retitled in the library" in text
    assert _state(lib) == ("ok", "")


def _ris_or_json_error(fmt: str, target: Path) -> tuple[bytes, int]:
    data = target.read_bytes()
    if fmt == "ris":
        at = data.index(b"TY  - ", 10)
        lines = data[:at].count(b"\n") + 1
        return data[:at] + b"AU  - Stray, Line\r\n\r\n" + data[at:], lines
    at = data.index(b"\n{", 10)
    return data[:at] + b"\n{\"id\": \"x\", \"title\": oops}," + data[at:], data[:at].count(b"\n") + 2


@pytest.mark.parametrize(("fmt", "name"), [("ris", "tis.ris"), ("csljson", "tis.json")])
@pytest.mark.usefixtures("tis")
def test_unreadable_hand_edit_in_ris_and_csljson_is_an_error_not_a_loss(
        fmt: str, name: str, lib: Library, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _target(lib, out_dir, fmt, name)
    broken, line = _ris_or_json_error(fmt, target)
    target.write_bytes(broken)
    retitle(lib, "study 2", "Retitled in the library")
    capsys.readouterr()
    assert cli(lib, "sync", "run") == 1
    assert f"file has an error at line {line}: " in capsys.readouterr().err
    assert target.read_bytes() == broken
    assert _state(lib)[0] == "error"
    if fmt == "ris":
        fixed = broken.replace(b"AU  - Stray, Line\r\n\r\n", b"")
    else:
        fixed = broken.replace(b"\n{\"id\": \"x\", \"title\": oops},", b"")
    target.write_bytes(fixed.replace(b"study 0", b"study 0, fixed by hand"))
    assert cli(lib, "sync", "run") == 0
    titles = sorted(i.title for i in lib.iter_items())
    assert "Therapy-induced senescence study 0, fixed by hand" in titles and "Retitled in the library" in titles
    reader = registry.get(fmt)
    assert reader is not None
    assert all(isinstance(r, ImportRecord) for r in reader.read(target))


def test_deeply_nested_csljson_edit_is_an_error_not_a_crash(lib: Library, tis: str, out_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = _target(lib, out_dir, "csljson", "tis.json")
    data = target.read_bytes()
    at = data.index(b"\n{", 10)
    broken = data[:at] + b'\n{"id": "deep", "type": "book", "note": ' + b"[" * 100_000 + b"]" * 100_000 + b"}," \
        + data[at:]
    target.write_bytes(broken)
    assert cli(lib, "sync", "run") == 1
    assert "file has an error" in capsys.readouterr().err
    assert target.read_bytes() == broken


def test_new_entry_beside_a_conflict_is_imported_once(lib: Library, tis: str, out_dir: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = _target(lib, out_dir)
    text = target.read_text(encoding="utf-8").replace("Therapy-induced senescence study 2", "Title from the file")
    target.write_text(text + "\n@misc{memo2024,\n  title = {Lab memo on senescence markers}\n}\n", encoding="utf-8")
    retitle(lib, "study 2", "Title from the library")
    assert cli(lib, "sync", "run") == 1  # a conflict: nothing written yet
    assert cli(lib, "sync", "run") == 1
    capsys.readouterr()
    cli(lib, "sync", "conflicts")
    conflict_id = capsys.readouterr().out.split("\t", 1)[0]
    assert cli(lib, "sync", "resolve", conflict_id, "--keep", "file") == 0
    memos = [i for i in lib.iter_items() if i.title == "Lab memo on senescence markers"]
    assert len(memos) == 1
    assert target.read_text(encoding="utf-8").count("Lab memo on senescence markers") == 1


def test_file_is_not_replaced_when_it_changed_during_the_sync(lib: Library, tis: str, out_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit saved while senref renders is never overwritten: the run reads the file again."""
    from senref.sync import exporter as exporter_module

    target = _target(lib, out_dir)
    retitle(lib, "study 2", "Retitled in the library")
    real_build = exporter_module.Exporter.build
    calls = []

    def build_then_user_saves(self: object, *args: object, **kwargs: object) -> object:
        result = real_build(self, *args, **kwargs)  # type: ignore[arg-type]
        if not calls:
            text = target.read_text(encoding="utf-8")
            target.write_text(text.replace("study 0", "study 0, saved mid-sync") + "% mid-sync note\n",
                              encoding="utf-8")
        calls.append(1)
        return result
    monkeypatch.setattr(exporter_module.Exporter, "build", build_then_user_saves)
    assert cli(lib, "sync", "run") == 0
    text = target.read_text(encoding="utf-8")
    assert "saved mid-sync" in text and "% mid-sync note" in text and "Retitled in the library" in text
    assert any(i.title.endswith("study 0, saved mid-sync") for i in lib.iter_items())



def test_text_between_ris_records_is_kept(lib: Library, tis: str, out_dir: Path) -> None:
    target = _target(lib, out_dir, "ris", "tis.ris")
    data = target.read_bytes()
    second = data.index(b"TY  - ", 10)
    note = b"Notes for the reading group, kept by hand.\r\n\r\n"
    target.write_bytes(data[:second] + note + data[second:])
    retitle(lib, "study 1", "Therapy-induced senescence study 1, revised")
    assert cli(lib, "sync", "run") == 0
    data = target.read_bytes()
    assert data.count(note) == 1 and b"study 1, revised" in data
    assert data.index(b"study 0") < data.index(note) < data.index(b"study 1, revised")
    reader = registry.get("ris")
    assert reader is not None
    assert all(isinstance(r, ImportRecord) for r in reader.read(target))
