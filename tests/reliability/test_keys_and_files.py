"""Issue 11, cases 2, 3 and 7: keys from outside are proposals; files are written and deleted only in
their own folder, never through a link; a killed import or Empty Trash leaves no orphan; check repairs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

from senref.core.importfiles import FileRoots
from senref.core.library import Library
from senref.core.model import Attachment, Item, Note
from senref.demo import simple_pdf
from senref.formats import registry
from tests.reliability.helpers import senref


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf(text: str) -> bytes:
    return simple_pdf([text])


def tree(folder: Path) -> dict[str, str]:
    """Every file under *folder* (links as `->target`), to compare a whole tree before and after."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = f"->{path.readlink()}"
        elif path.is_file():
            out[rel] = sha(path)
    return out


def stored_files(lib: Library) -> dict[str, tuple[str, str]]:
    """item key -> (attachment key, sha256 of the file on disk) for every stored file."""
    out = {}
    for item in lib.iter_items():
        for att in item.attachments:
            path = lib.attachment_path(att)
            if path is not None:
                out[item.key] = (att.key, sha(path))
    return out


def library_with_note_and_pdf(folder: Path) -> tuple[Library, str, str]:
    """A library with a DOI'd item (note + PDF) and an item with no identifier (note + PDF)."""
    lib = Library.open(folder, autotag=False)
    doi = lib.save_item(Item(item_type="journalArticle", fields={"title": "Therapy-induced senescence in cancer",
                                                                 "date": "2021"}, identifiers={"doi": "10.1000/tis.1"})).key
    bare = lib.save_item(Item(item_type="journalArticle", fields={"title": "A senolytic after chemotherapy",
                                                                  "date": "2020"})).key
    for key in (doi, bare):
        lib.add_note(key, f"<p>my reading note on {key}</p>")
        lib.store_file(key, pdf(f"the PDF of {key}"), filename="paper.pdf", content_type="application/pdf")
    return lib, doi, bare


def test_export_edit_reimport_leaves_notes_and_pdfs_with_their_items(tmp_path: Path) -> None:
    """Case 2: re-importing an edited JSON export used to move notes and PDFs to the new items."""
    lib, doi, bare = library_with_note_and_pdf(tmp_path / "lib")
    try:
        before_files = stored_files(lib)
        before_notes = {i.key: [(n.key, n.html) for n in i.notes] for i in lib.iter_items()}
        fmt = registry.get("json")
        assert fmt is not None
        out = tmp_path / "export" / "library.json"
        from senref.formats.base import ExportContext

        fmt.write(lib.iter_items(), out, ExportContext(library_dir=lib.folder))
        doc = json.loads(out.read_text(encoding="utf-8"))
        for raw in doc:
            raw["data"]["title"] += " (edited)"
        out.write_text(json.dumps(doc), encoding="utf-8")
        report = lib.import_records(fmt.read(out), file_roots=FileRoots(out.parent))
        assert report.problems == []
        # The DOI'd item is the same work (same key, same DOI): merged, nothing duplicated.
        # The one without identifiers changed its title: a different record now, a new item.
        assert report.merged == 1 and report.created == 1
        assert stored_files(lib)[doi] == before_files[doi]
        assert stored_files(lib)[bare] == before_files[bare]
        after_notes = {i.key: [(n.key, n.html) for n in i.notes] for i in lib.iter_items()}
        assert after_notes[doi] == before_notes[doi] and after_notes[bare] == before_notes[bare]
        new = next(k for k in after_notes if k not in before_notes)
        assert after_notes[new] and after_notes[new][0][0] != before_notes[bare][0][0]  # its own note key
        assert lib.check() == []
    finally:
        lib.close()


def _json_with_attachment(folder: Path, *, key: str, att_key: str, content: bytes, note_key: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evil.pdf").write_bytes(content)
    data = {"key": key, "version": 1, "itemType": "journalArticle", "title": "Hostile record", "date": "2021",
            "creators": [], "tags": [], "collections": [], "relations": {}}
    meta = {"attachments": [{"key": att_key, "title": "PDF", "linkMode": "imported_file", "path": "evil.pdf",
                             "contentType": "application/pdf"}],
            "notes": [{"key": note_key, "note": "<p>hostile</p>"}] if note_key else []}
    path = folder / "hostile.json"
    path.write_text(json.dumps([{"key": key, "version": 1, "data": data, "meta": meta}]), encoding="utf-8")
    return path


def test_an_imported_attachment_key_of_another_item_never_overwrites_its_file(tmp_path: Path) -> None:
    lib, doi, _bare = library_with_note_and_pdf(tmp_path / "lib")
    try:
        victim = lib.get_item(doi)
        att_key, note_key = victim.attachments[0].key, victim.notes[0].key
        before = sha(lib.attachment_path(victim.attachments[0]))
        hostile = _json_with_attachment(tmp_path / "in", key=doi, att_key=att_key, note_key=note_key,
                                        content=pdf("somebody else's content"))
        fmt = registry.get("json")
        assert fmt is not None
        report = lib.import_records(fmt.read(hostile), file_roots=FileRoots(hostile.parent))
        assert report.created == 1 and report.problems == []
        victim_after = lib.get_item(doi)
        assert [a.key for a in victim_after.attachments] == [att_key]
        assert sha(lib.attachment_path(victim_after.attachments[0])) == before
        assert [n.key for n in victim_after.notes] == [note_key]
        newcomer = lib.get_item(report.keys[0])
        assert newcomer.key != doi
        assert newcomer.attachments[0].key != att_key and newcomer.notes[0].key != note_key
        assert lib.check() == []
    finally:
        lib.close()


def test_an_attachment_key_with_dot_dots_writes_nothing_outside_the_library(tmp_path: Path) -> None:
    root = tmp_path / "root"
    lib = Library.open(root / "a" / "b" / "lib", autotag=False)
    try:
        hostile = _json_with_attachment(root / "in", key="../../..", att_key="../../..", note_key="../x",
                                        content=pdf("planted"))
        before = {k: v for k, v in tree(root).items() if not k.startswith("a/b/lib")}
        fmt = registry.get("json")
        assert fmt is not None
        report = lib.import_records(fmt.read(hostile), file_roots=FileRoots(hostile.parent))
        assert report.created == 1
        after = {k: v for k, v in tree(root).items() if not k.startswith("a/b/lib")}
        assert after == before
        item = lib.get_item(report.keys[0])
        assert item.key != "../../.." and item.attachments[0].key != "../../.."
        assert lib.attachment_path(item.attachments[0]).parent.parent == (lib.files_dir).resolve()
        assert lib.check() == []
    finally:
        lib.close()


def test_storage_refuses_a_note_key_owned_by_another_item(tmp_path: Path) -> None:
    """Defence in depth under the library: rows never change owner silently (no INSERT OR REPLACE)."""
    from senref.storage import items as rows

    lib = Library.open(tmp_path / "lib", autotag=False)
    try:
        first = lib.save_item(Item(item_type="book", fields={"title": "One"}))
        lib.add_note(first.key, "<p>mine</p>")
        stolen = lib.get_item(first.key).notes[0].key
        other = Item(item_type="book", fields={"title": "Two"}, notes=[Note(key=stolen, html="<p>theirs</p>")])
        try:
            with lib.db.transaction() as conn:
                rows.write_item(conn, other)
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("a note key of another item was accepted")
        assert [n.html for n in lib.get_item(first.key).notes] == ["<p>mine</p>"]
    finally:
        lib.close()


def _point_attachment_at(lib: Library, item_key: str, rel: str) -> None:
    """Make an attachment row of *item_key* point at *rel* (what an old import or a hostile file left)."""
    conn = lib.db.conn
    conn.execute("UPDATE attachments SET path = ? WHERE item_id = (SELECT id FROM items WHERE key = ?)", (rel, item_key))


def test_empty_trash_never_deletes_another_items_file(tmp_path: Path) -> None:
    """Case 3: a trashed item whose attachment path resolved into another item's folder deleted that PDF."""
    lib, doi, bare = library_with_note_and_pdf(tmp_path / "lib")
    try:
        keep = lib.get_item(doi).attachments[0]
        keep_path = lib.attachment_path(keep)
        _point_attachment_at(lib, bare, keep.path)  # the trashed item claims the kept item's file
        lib.trash([bare])
        assert lib.empty_trash() == 1
        assert keep_path.is_file() and sha(keep_path) == stored_files(lib)[doi][1]
    finally:
        lib.close()


def test_empty_trash_unlinks_a_symlinked_folder_without_following_it(tmp_path: Path) -> None:
    lib, doi, bare = library_with_note_and_pdf(tmp_path / "lib")
    try:
        keep = lib.get_item(doi).attachments[0]
        keep_path = lib.attachment_path(keep)
        doomed = lib.get_item(bare).attachments[0]
        folder = lib.files_dir / doomed.key
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
        folder.symlink_to(keep_path.parent, target_is_directory=True)  # files/<doomed> -> files/<kept>
        lib.trash([bare])
        lib.empty_trash()
        assert not os.path.lexists(folder)
        assert keep_path.is_file()
    finally:
        lib.close()


def test_a_symlink_loop_in_files_is_a_reported_problem_not_a_crash(tmp_path: Path) -> None:
    """Case 3: a symlink loop in files/ crashed `check` and `export` with a RuntimeError."""
    lib, doi, _bare = library_with_note_and_pdf(tmp_path / "lib")
    files = lib.files_dir
    att = lib.get_item(doi).attachments[0]
    lib.close()
    (files / att.key / "paper.pdf").unlink()
    (files / att.key / "paper.pdf").symlink_to(files / att.key / "loop.pdf")
    (files / att.key / "loop.pdf").symlink_to(files / att.key / "paper.pdf")
    home = tmp_path / "home"
    check = senref(tmp_path / "lib", "check", home=home)
    assert check.returncode == 1 and "Traceback" not in check.stderr, check.stderr
    assert f"file missing: files/{att.key}/paper.pdf" in check.stdout
    export = senref(tmp_path / "lib", "export", "--with-files", "-o", str(tmp_path / "out" / "lib.rdf"), home=home)
    assert export.returncode == 0, export.stderr
    assert "Traceback" not in export.stderr
    assert not (tmp_path / "out" / "files" / att.key).exists()


def test_writes_never_go_through_a_planted_link(tmp_path: Path) -> None:
    lib, _doi, _bare = library_with_note_and_pdf(tmp_path / "lib")
    try:
        outside = tmp_path / "outside"
        outside.mkdir()
        files = lib.files_dir
        # A folder for the next attachment key already there, as a link out of the library.
        planted = Attachment()
        (files / planted.key).symlink_to(outside, target_is_directory=True)
        try:
            lib.files.write(planted.key, "x.pdf", b"%PDF-1.4")
        except OSError:
            pass
        else:
            raise AssertionError("wrote through a symlinked folder")
        assert list(outside.iterdir()) == []
    finally:
        lib.close()


def test_check_reports_orphans_and_repair_moves_them_aside(tmp_path: Path) -> None:
    lib, doi, _bare = library_with_note_and_pdf(tmp_path / "lib")
    files = lib.files_dir
    (files / "ZZZZ2222").mkdir()
    (files / "ZZZZ2222" / "stray.pdf").write_bytes(b"%PDF-1.4 stray")
    (files / "loose.txt").write_text("loose", encoding="utf-8")
    att = lib.get_item(doi).attachments[0]
    (files / att.key / ".paper.pdf.abc.part").write_bytes(b"half")
    lib.close()
    home = tmp_path / "home"
    check = senref(tmp_path / "lib", "check", home=home)
    assert check.returncode == 1
    for name in ("files/ZZZZ2222", "files/loose.txt", f"files/{att.key}/.paper.pdf.abc.part"):
        assert f"problem: {name}: no item points to it" in check.stdout, check.stdout
    repair = senref(tmp_path / "lib", "check", "--repair", home=home)
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert "moved 3 file(s)" in repair.stdout
    found = list((tmp_path / "lib" / "lost+found").rglob("*"))
    names = sorted(p.name for p in found if p.is_file())
    assert names == sorted([".paper.pdf.abc.part", "loose.txt", "stray.pdf"])
    assert senref(tmp_path / "lib", "check", home=home).returncode == 0


def _bib_with_pdfs(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for n in range(count):
        (folder / f"p{n}.pdf").write_bytes(pdf(f"paper {n}"))
        entries.append(f"@article{{k{n},\n  title = {{Senescence after radiotherapy, part {n}}},\n  author = {{Doe, Jane}},\n"
                       f"  year = {{2021}},\n  file = {{:p{n}.pdf:PDF}}\n}}\n")
    path = folder / "refs.bib"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def _orphans(lib_dir: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{lib_dir / 'library.sqlite'}?mode=ro", uri=True)
    try:
        keys = {str(r[0]) for r in conn.execute("SELECT key FROM attachments")}
    finally:
        conn.close()
    return sorted(p.name for p in (lib_dir / "files").iterdir() if p.name not in keys and p.name != ".pending")


def test_a_kill_after_copying_files_before_the_commit_leaves_no_orphan(tmp_path: Path) -> None:
    """Case 7: a killed import with linked PDFs left stored files no row points to."""
    bib = _bib_with_pdfs(tmp_path / "in", 12)
    home = tmp_path / "home"
    lib_dir = tmp_path / "lib"
    killed = senref(lib_dir, "import", str(bib), home=home, SENREF_CRASH_AT="import_before_commit")
    assert killed.returncode == -9
    assert len(_orphans(lib_dir)) == 12  # the copies are there, their rows were never committed
    check = senref(lib_dir, "check", home=home)
    assert check.returncode == 0, check.stdout  # the next start settled them
    assert _orphans(lib_dir) == []
    again = senref(lib_dir, "import", str(bib), home=home)
    assert again.returncode == 0, again.stderr
    assert senref(lib_dir, "check", "--hashes", home=home).returncode == 0


def test_a_kill_after_empty_trash_commits_leaves_no_file_without_a_row(tmp_path: Path) -> None:
    lib, _doi, bare = library_with_note_and_pdf(tmp_path / "lib")
    lib.trash([bare])
    lib.close()
    home = tmp_path / "home"
    killed = senref(tmp_path / "lib", "empty-trash", home=home, SENREF_CRASH_AT="empty_trash_after_commit")
    assert killed.returncode == -9
    assert len(_orphans(tmp_path / "lib")) == 1
    check = senref(tmp_path / "lib", "check", home=home)
    assert check.returncode == 0, check.stdout
    assert _orphans(tmp_path / "lib") == []


def test_a_merged_import_leaves_no_second_copy(tmp_path: Path) -> None:
    """The same PDF imported twice with the same record: merged, and its second copy not kept."""
    bib = _bib_with_pdfs(tmp_path / "in", 3)
    # With DOIs: the proof that they are the records already imported (no merge on a guess, issue 14).
    text = bib.read_text(encoding="utf-8")
    for n in range(3):
        text = text.replace(f"@article{{k{n},\n", f"@article{{k{n},\n  doi = {{10.5555/part.{n}}},\n")
    bib.write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    for _ in range(2):
        assert senref(tmp_path / "lib", "import", str(bib), home=home).returncode == 0
    assert _orphans(tmp_path / "lib") == []
    assert len(list((tmp_path / "lib" / "files").glob("*/*.pdf"))) == 3


def test_an_oversized_input_file_is_refused_unread(tmp_path: Path) -> None:
    """Case 7: a 2 GB .bib ran for minutes at 2-3 GB of memory; now a size cap refuses it first."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[import]\nmax_file_mb = 1\n", encoding="utf-8")
    big = tmp_path / "big.bib"
    with big.open("w", encoding="utf-8") as out:
        for n in range(12_000):
            out.write(f"@article{{k{n}, title = {{Senescence entry number {n} with some padding text}}, year = 2020}}\n")
    assert big.stat().st_size > 1024 * 1024
    result = senref(tmp_path / "lib", "import", str(big), home=home)
    assert result.returncode == 1
    assert "over the import limit of 1 MB" in result.stderr and "nothing was read" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_relative_import_path_still_finds_the_files_beside_it(tmp_path: Path) -> None:
    """`senref import in/refs.bib` from another folder: file fields resolve against in/, once."""
    _bib_with_pdfs(tmp_path / "in", 2)
    home = tmp_path / "home"
    import subprocess
    import sys

    from tests.reliability.helpers import senref_env

    result = subprocess.run([sys.executable, "-m", "senref", "--library", str(tmp_path / "lib"), "import",
                             "in/refs.bib"], cwd=tmp_path, capture_output=True, text=True,
                            env=senref_env(home), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr.replace("0 skipped", ""), result.stderr
    assert len(list((tmp_path / "lib" / "files").glob("*/*.pdf"))) == 2
