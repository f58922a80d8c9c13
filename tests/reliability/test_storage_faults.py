"""Catalogue S1, S5, S6, S8, A11, X6: crashes, full disks and damaged databases leave the library whole.

A full disk is simulated with RLIMIT_FSIZE in the child process (writes past the limit fail with
EFBIG, as on a full disk; Python ignores SIGXFSZ). A crash is SIGKILL of a real `senref import`.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from senref.core.library import Library
from tests.reliability.helpers import assert_clean_failure, assert_consistent, count_items, item, seed_library
from tests.reliability.helpers import senref, senref_env


def limit_file_size(limit: int) -> None:
    """preexec_fn: the child may not write any file beyond *limit* bytes (a disk that is full there)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def stray_files(folder: Path) -> list[Path]:
    """Temp files an interrupted atomic write would leave (`.<name>.*.part`)."""
    return [p for p in folder.rglob("*.part")]


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
def test_damaged_database_gives_one_line_and_is_not_overwritten(tmp_path: Path, damage: str) -> None:
    lib_dir = seed_library(tmp_path / "lib", *(item(f"Senescence paper {n}") for n in range(200)))
    db = lib_dir / "library.sqlite"
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    db.write_bytes(DAMAGE[damage](db.read_bytes()))
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    home = tmp_path / "home"
    for args in (("list",), ("check",), ("import", str(tmp_path / "none.bib"))):
        result = senref(lib_dir, *args, home=home)
        assert result.returncode != 0, (args, result.stdout)
        assert "Traceback" not in result.stderr
        assert len((result.stdout + result.stderr).strip().splitlines()) <= 3, result.stdout + result.stderr
        assert hashlib.sha256(db.read_bytes()).hexdigest() == digest, f"{args} wrote to the damaged file"


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
