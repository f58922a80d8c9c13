"""Catalogue S1, S3-S9, A11, X6: crashes, full disks, damaged, read-only and newer databases leave the library whole.

A full disk is simulated with RLIMIT_FSIZE in the child process (writes past the limit fail with
EFBIG, as on a full disk; Python ignores SIGXFSZ). A crash is SIGKILL of a real `senref import`, or
of a backup at a named checkpoint (`SENREF_CRASH_AT`). A read-only library is read by a child that
file modes apply to (an unprivileged user, or root without the capabilities that ignore modes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from senref.core.library import Library
from tests.reliability.helpers import assert_clean_failure, assert_consistent, count_items, item, seed_library, senref, senref_env


def limit_file_size(limit: int) -> None:
    """preexec_fn: the child may not write any file beyond *limit* bytes (a disk that is full there)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def stray_files(folder: Path) -> list[Path]:
    """Temp files an interrupted atomic write would leave (`.<name>.*.part`)."""
    return list(folder.rglob("*.part"))


def test_disk_full_while_storing_a_file_keeps_item_and_folder_clean(tmp_path: Path) -> None:
    lib_dir = seed_library(tmp_path / "lib", item("Senescence and the DNA damage response"))
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from senref.core.library import Library
        lib = Library.open(Path({str(lib_dir)!r}), autotag=False)
        key = next(lib.iter_items()).key
        try:
            lib.store_file(key, b"%PDF-1.4 " + b"x" * 4_000_000, filename="big.pdf")
        except OSError as exc:
            print("refused:", exc.strerror)
            sys.exit(3)
        """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=senref_env(tmp_path / "home"), preexec_fn=lambda: limit_file_size(1_000_000),
                            timeout=60)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "File too large" in result.stdout
    with Library.open(lib_dir, create=False, autotag=False) as lib:
        assert [i.attachments for i in lib.iter_items()] == [[]]
        assert not [p for p in lib.files_dir.rglob("*") if p.is_file()]
    assert stray_files(lib_dir) == []
    assert_consistent(lib_dir)


def test_disk_full_during_export_leaves_the_old_export_untouched(tmp_path: Path) -> None:
    abstract = "Senescent cells accumulate after chemotherapy and radiotherapy. " * 40
    lib_dir = seed_library(tmp_path / "lib", *(item(f"Therapy-induced senescence study {n}", abstractNote=abstract)
                                               for n in range(60)))
    target = tmp_path / "out" / "refs.bib"
    target.parent.mkdir()
    target.write_text("@article{mine, title = {Hand-edited, must survive}}\n", encoding="utf-8")
    before = target.read_bytes()
    result = subprocess.run([sys.executable, "-m", "senref", "--library", str(lib_dir), "export", "-o", str(target)],
                            capture_output=True, text=True, env=senref_env(tmp_path / "home"),
                            preexec_fn=lambda: limit_file_size(60_000), timeout=60)
    assert_clean_failure(result)
    assert "too large" in result.stderr.lower() or "disk" in result.stderr.lower(), result.stderr
    assert target.read_bytes() == before
    assert stray_files(target.parent) == []
    assert count_items(lib_dir) == 60
    assert_consistent(lib_dir)


def test_sigkill_during_import_leaves_whole_batches(tmp_path: Path) -> None:
    entries = "".join(f"@article{{k{n}, title = {{Senescence marker number {n} in irradiated fibroblasts}}, "
                      f"author = {{Author{n}, A.}}, doi = {{10.1234/tis.{n}}}, year = {2000 + n % 20}}}\n"
                      for n in range(6000))
    big = tmp_path / "big.bib"
    big.write_text(entries, encoding="utf-8")
    lib_dir = seed_library(tmp_path / "lib", item("Already here before the crash"))
    proc = subprocess.Popen([sys.executable, "-m", "senref", "--library", str(lib_dir), "import", str(big)],
                            stderr=subprocess.PIPE, text=True, env=senref_env(tmp_path / "home"))
    assert proc.stderr is not None
    # Killed right after the first batch reports its commit: mid-way through the next one.
    line = proc.stderr.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stderr.close()
    assert "entries" in line, line
    assert proc.returncode == -signal.SIGKILL
    assert_consistent(lib_dir)
    imported = count_items(lib_dir) - 1
    assert imported > 0 and imported % 500 == 0 and imported < 6000, imported
    assert stray_files(lib_dir) == []


DAMAGE = {
    "truncated": lambda data: data[: len(data) // 3],
    "bad-header": lambda data: b"NOT SQLITE AT ALL" + data[17:],
    "garbage": lambda data: os.urandom(len(data)),
    "bad-page": lambda data: data[:4096] + b"\xff" * 4096 + data[8192:],
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_database_gives_one_line_and_is_kept_aside(tmp_path: Path, damage: str) -> None:
    lib_dir = seed_library(tmp_path / "lib", *(item(f"Senescence paper {n}") for n in range(200)))
    db = lib_dir / "library.sqlite"
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    db.write_bytes(DAMAGE[damage](db.read_bytes()))
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    home = tmp_path / "home"
    for args in (("list",), ("check",), ("search", "senescence"), ("import", str(tmp_path / "none.bib"))):
        result = senref(lib_dir, *args, home=home)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert len((result.stdout + result.stderr).strip().splitlines()) == 1, result.stdout + result.stderr
        assert "senref backup restore" in result.stderr, result.stderr
        assert not db.exists(), f"{args} re-created library.sqlite over the damaged one"
    kept = damaged_copies(lib_dir)
    assert len(kept) == 1 and hashlib.sha256(kept[0].read_bytes()).hexdigest() == digest


def test_library_path_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    (lib_dir / "library.sqlite").mkdir(parents=True)
    result = senref(lib_dir, "list", home=tmp_path / "home")
    assert_clean_failure(result)
    assert (lib_dir / "library.sqlite").is_dir()


def test_attachment_names_from_imports_cannot_escape_the_files_folder(tmp_path: Path) -> None:
    source = tmp_path / "import"
    (source / "sub").mkdir(parents=True)
    (source / "sub" / "..pdf").write_bytes(b"%PDF-1.4 a")
    (source / "paper.pdf").write_bytes(b"%PDF-1.4 b")
    bib = source / "sub" / "refs.bib"
    bib.write_text("@article{t1, title = {Traversal one}, year = 2020, file = {:../../../x/../import/paper.pdf:PDF}}\n"
                   "@article{t2, title = {Traversal two}, year = 2020, file = {:..pdf:PDF}}\n"
                   "@article{t3, title = {Traversal three}, year = 2020, file = {:../../../../../../nonexistent:PDF}}\n",
                   encoding="utf-8")
    lib_dir = tmp_path / "lib"
    result = senref(lib_dir, "import", str(bib), home=tmp_path / "home")
    assert "Traceback" not in result.stderr, result.stderr
    files_root = (lib_dir / "files").resolve()
    with Library.open(lib_dir, create=False, autotag=False) as lib:
        for entry in lib.iter_items():
            for att in entry.attachments:
                if att.link_mode == "imported_file":
                    stored = (lib_dir / att.path).resolve()
                    assert files_root in stored.parents and stored.is_file(), att.path
                    assert ".." not in Path(att.path).parts
    # Nothing was written anywhere but inside the library.
    assert sorted(p.name for p in source.rglob("*")) == ["..pdf", "paper.pdf", "refs.bib", "sub"]
    assert_consistent(lib_dir)


# -- damaged, missing and zero-byte databases: kept aside, reported, restored ----------------------------

def damaged_copies(lib_dir: Path) -> list[Path]:
    """The database files senref moved aside (not their -wal/-shm companions)."""
    return sorted(p for p in lib_dir.glob("library.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm")))


def seed_with_pdfs(folder: Path, n: int) -> list[str]:
    """A library of *n* items, each with a stored PDF; returns the keys (the close writes a backup)."""
    with Library.open(folder, autotag=False) as lib:
        keys = []
        for number in range(n):
            key = lib.save_item(item(f"Therapy-induced senescence cohort {number}")).key
            lib.store_file(key, b"%PDF-1.4 cohort " + str(number).encode() + b"\n%%EOF\n", filename=f"c{number}.pdf")
            keys.append(key)
    return sorted(keys)


def corrupt_middle_page(db: Path) -> None:
    """Overwrite one page in the middle of the file, as a bad sector or a half-synced copy would."""
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    middle = (len(data) // page) // 2
    data[middle * page:(middle + 1) * page] = b"\xa5" * page
    db.write_bytes(bytes(data))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:  # damage that stops the check itself is detectable too
        verdict = [(str(exc),)]
    finally:
        conn.close()
    assert verdict != [("ok",)], "the damage must be detectable"


def listed_keys(result: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(line.split()[0] for line in result.stdout.splitlines() if line.strip())


@pytest.mark.parametrize("damage", ["zero-byte", "deleted", "bad-page"])
def test_damaged_or_missing_database_is_kept_aside_and_restored_from_the_newest_backup(tmp_path: Path,
                                                                                      damage: str) -> None:
    lib_dir = tmp_path / "lib"
    keys = seed_with_pdfs(lib_dir, 100)
    db = lib_dir / "library.sqlite"
    assert not Path(f"{db}-wal").exists()
    if damage == "zero-byte":
        db.write_bytes(b"")
    elif damage == "deleted":
        db.unlink()
    else:
        corrupt_middle_page(db)
    damaged = db.read_bytes() if db.exists() else None
    home = tmp_path / "home"

    for args in (("list",), ("search", "senescence"), ("import", str(tmp_path / "none.bib")), ("list",)):
        result = senref(lib_dir, *args, home=home)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "senref backup restore" in result.stderr, result.stderr
        assert not db.exists(), f"{args}: an empty library was created over the old one"
    if damaged is not None:
        kept = damaged_copies(lib_dir)
        assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert len(list((lib_dir / "files").rglob("*.pdf"))) == 100

    restored = senref(lib_dir, "backup", "restore", home=home)
    assert restored.returncode == 0, restored.stderr
    assert "100 items" in restored.stdout, restored.stdout
    listing = senref(lib_dir, "list", home=home)
    assert listing.returncode == 0, listing.stderr
    assert listed_keys(listing) == keys
    check = senref(lib_dir, "check", home=home)
    assert check.returncode == 0, check.stdout + check.stderr
    if damaged is not None:
        assert damaged_copies(lib_dir)[0].read_bytes() == damaged  # still there after the restore


# -- a kill during a backup never leaves a backup that can be listed or restored -------------------------

def backup_names(lib_dir: Path, home: Path) -> list[str]:
    result = senref(lib_dir, "backup", "list", home=home)
    assert result.returncode == 0, result.stderr
    return [line.split()[0] for line in result.stdout.splitlines() if line.startswith("library-")]


@pytest.mark.parametrize("checkpoint", ["backup_mid_copy", "backup_before_rename"])
def test_sigkill_during_backup_leaves_no_partial_backup(tmp_path: Path, checkpoint: str) -> None:
    lib_dir = seed_library(tmp_path / "lib", *(item(f"Senescence paper {n}") for n in range(40)))
    home = tmp_path / "home"
    before = backup_names(lib_dir, home)
    assert len(before) == 1  # written when the seeding session closed
    with Library.open(lib_dir, autotag=False) as lib:
        for n in range(40, 60):
            lib.save_item(item(f"Senescence paper {n}"))
    killed = senref(lib_dir, "backup", "create", home=home, SENREF_CRASH_AT=checkpoint)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert backup_names(lib_dir, home) == before
    assert count_items(lib_dir) == 60  # the library itself is untouched
    made = senref(lib_dir, "backup", "create", home=home)
    assert made.returncode == 0, made.stderr
    after = backup_names(lib_dir, home)
    assert len(after) == 2 and before[0] in after
    assert not [p for p in (lib_dir / "backups").iterdir() if not p.name.startswith("library-")]  # temp gone


def test_sigkill_during_the_migration_backup_keeps_the_old_library_and_no_partial_backup(tmp_path: Path) -> None:
    from senref.storage import migrations

    lib_dir = tmp_path / "lib"
    (lib_dir / "files").mkdir(parents=True)
    conn = sqlite3.connect(lib_dir / "library.sqlite", isolation_level=None)
    migrations.migrate(conn, target=1)
    for n in range(30):
        conn.execute("INSERT INTO items (key, item_type, title, date_added, date_modified) "
                     "VALUES (?, 'journalArticle', ?, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')",
                     (f"OLD{n:05d}", f"Old senescence paper {n}"))
    conn.close()
    home = tmp_path / "home"
    killed = senref(lib_dir, "list", home=home, SENREF_CRASH_AT="backup_mid_copy")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert backup_names(lib_dir, home) == []
    refused = senref(lib_dir, "backup", "restore", home=home)
    assert refused.returncode == 1 and "no backup" in refused.stderr, refused.stderr
    listing = senref(lib_dir, "list", home=home)
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.splitlines()) == 30
    assert len(backup_names(lib_dir, home)) == 1  # the pre-migration backup, this time whole


# -- a newer schema is refused before anything is written -----------------------------------------------

def test_newer_schema_is_refused_and_the_file_stays_byte_identical(tmp_path: Path) -> None:
    lib_dir = seed_library(tmp_path / "lib", item("Written by a later senref"))
    db = lib_dir / "library.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")  # as a later version might leave it
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    home = tmp_path / "home"
    for args in (("list",), ("check",), ("import", str(tmp_path / "none.bib")), ("backup", "create")):
        result = senref(lib_dir, *args, home=home)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "newer" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert hashlib.sha256(db.read_bytes()).hexdigest() == digest, f"{args} changed the file"
    assert sorted(p.name for p in lib_dir.glob("library.sqlite*")) == ["library.sqlite"]


# -- a read-only library can be read; writing commands say so in one line --------------------------------

_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
_PR_CAPBSET_DROP = 24


def _interpreter_reachable_by_others() -> bool:
    """Whether an unprivileged user can run this Python (every parent folder searchable by others)."""
    target = Path(sys.executable).resolve()
    return all(p.stat().st_mode & 0o001 for p in [*target.parents, target])


def unprivileged() -> Callable[[], None] | None:
    """A preexec_fn under which file modes apply to the child, or None when this user cannot provide one.

    As root: become nobody when the interpreter is reachable by others, else keep uid 0 but drop the
    capabilities (DAC override, DAC read/search) that make root ignore file modes.
    """
    if os.geteuid() != 0:
        return lambda: None
    if _interpreter_reachable_by_others():
        def become_nobody() -> None:
            os.setgid(65534)
            os.setuid(65534)
        return become_nobody
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def drop_dac_capabilities() -> None:
        for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
            if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
    with tempfile.TemporaryDirectory() as sealed:
        Path(sealed).chmod(0o555)
        probe = subprocess.run([sys.executable, "-c", f"import os, sys; sys.exit(os.access({sealed!r}, os.W_OK))"],
                               preexec_fn=drop_dac_capabilities, capture_output=True)
        Path(sealed).chmod(0o755)
    return drop_dac_capabilities if probe.returncode == 0 else None


def files_state(folder: Path) -> dict[str, tuple[int, str]]:
    return {str(p.relative_to(folder)): (p.stat().st_mode, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class ReadOnlyLibrary:
    """A seeded library made read-only, and a way to run `senref` on it as a user file modes apply to."""

    lib_dir: Path
    keys: list[str]
    out: Path
    run: Callable[..., subprocess.CompletedProcess[str]]


@contextlib.contextmanager
def read_only_library(what: str) -> Iterator[ReadOnlyLibrary]:
    drop = unprivileged()
    if drop is None:
        pytest.skip("cannot run a child that file modes apply to (root, and capabilities cannot be dropped)")
    base = Path(tempfile.mkdtemp(prefix="senref-ro-"))  # not under tmp_path: its parents are private to root
    try:
        base.chmod(0o755)  # the unprivileged child must reach it
        lib_dir = base / "lib"
        keys = seed_with_pdfs(lib_dir, 5)
        home = base / "home"
        home.mkdir(mode=0o777)
        out = base / "out"
        out.mkdir()
        out.chmod(0o777)
        (lib_dir / "library.sqlite").chmod(0o444)
        if what == "folder":
            for path in sorted(lib_dir.rglob("*"), reverse=True):
                path.chmod(0o555 if path.is_dir() else 0o444)
            lib_dir.chmod(0o555)

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "senref", "--library", str(lib_dir), *args],
                                  capture_output=True, text=True, env=senref_env(home), preexec_fn=drop,
                                  timeout=60, cwd=base)
        yield ReadOnlyLibrary(lib_dir, keys, out, run)
    finally:
        for path in [base, *base.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("what", ["folder", "file"])
def test_read_only_library_is_read_and_writes_are_refused_in_one_line(what: str) -> None:
    with read_only_library(what) as ro:
        lib_dir, keys, out, run = ro.lib_dir, ro.keys, ro.out, ro.run
        before = files_state(lib_dir)
        listing = run("list")
        assert listing.returncode == 0, listing.stderr
        assert listed_keys(listing) == keys
        shown = run("show", keys[0])
        assert shown.returncode == 0 and "Therapy-induced senescence cohort" in shown.stdout, shown.stderr
        found = run("search", "cohort")
        assert found.returncode == 0 and len(found.stdout.splitlines()) == 5, found.stderr
        exported = run("export", "-o", str(out / "all.ris"))
        assert exported.returncode == 0, exported.stderr
        assert (out / "all.ris").read_text(encoding="utf-8").count("TY  - JOUR") == 5
        checked = run("check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        bib = out / "new.bib"
        bib.write_text("@article{n1, title = {A new senescence paper}, year = 2024}\n", encoding="utf-8")
        for args in (("delete", keys[0]), ("import", str(bib)), ("backup", "create")):
            refused = run(*args)
            assert refused.returncode == 1, (args, refused.stdout, refused.stderr)
            assert refused.stderr.strip().splitlines() == [refused.stderr.strip()], refused.stderr
            assert "library is read-only" in refused.stderr, refused.stderr
            assert "Traceback" not in refused.stderr
        assert files_state(lib_dir) == before
        assert sorted(p.name for p in lib_dir.glob("library.sqlite*")) == ["library.sqlite"]


def test_read_only_library_exports_bibtex_elsewhere() -> None:
    with read_only_library("folder") as ro:
        exported = ro.run("export", "-o", str(ro.out / "all.bib"))
        assert exported.returncode == 0, exported.stderr
        assert (ro.out / "all.bib").read_text(encoding="utf-8").count("@article") == 5
