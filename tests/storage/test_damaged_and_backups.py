"""Damaged, missing and read-only databases at open, the quick_check cache, and rotated, verified backups."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library, LibraryError
from senref.core.model import Item
from senref.storage import backup, db, health, migrations
from senref.storage.backup import BackupError, BackupPolicy
from senref.storage.health import ReadOnlyLibrary
from senref.storage.lock import LibraryLock

HOURLY = BackupPolicy(keep=10, interval=3600)


def _item(title: str) -> Item:
    return Item(item_type="journalArticle", fields={"title": title, "date": "2022"})


def _library(folder: Path, titles: list[str], policy: BackupPolicy = HOURLY) -> None:
    with Library.open(folder, autotag=False, backups=policy) as lib:
        for title in titles:
            lib.save_item(_item(title))


def _titles(n: int, start: int = 0) -> list[str]:
    return [f"Senescent fibroblasts after irradiation, cohort {i}" for i in range(start, start + n)]


def _numbers(folder: Path) -> list[int]:
    return [b.number for b in backup.list_backups(folder)]


def _age(path: Path, seconds: float) -> None:
    """Pretend *path* was written *seconds* ago (negative: in the future)."""
    when = time.time() - seconds
    os.utime(path, (when, when))


# -- making backups ------------------------------------------------------------------------------------

def test_a_backup_is_one_verified_self_contained_file(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(12))
    with Library.open(folder, autotag=False) as lib:
        info, verified = lib.db.create_backup(label="manual")
    assert verified.items == 12 and verified.version == migrations.LATEST
    assert info.path.parent == folder / "backups" and info.name.endswith("-manual.sqlite")
    header = info.path.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01", "a backup must not depend on a -wal beside it"
    assert sorted(p.name for p in (folder / "backups").iterdir()) == [b.name for b in backup.list_backups(folder)]
    assert backup.verify(info.path).items == 12


def test_rotation_keeps_the_newest_n_by_number_not_by_clock(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(3), BackupPolicy(keep=3, interval=0))
    with Library.open(folder, autotag=False, backups=BackupPolicy(keep=3, interval=0)) as lib:
        for _ in range(4):
            lib.db.create_backup()
            _age(backup.list_backups(folder)[-1].path, -10 * 365 * 86400)  # clocks lie: dated far ahead
    assert _numbers(folder) == [3, 4, 5]


def test_policy_comes_from_the_backup_table_and_ignores_nonsense() -> None:
    assert BackupPolicy.from_settings({"backup": {"keep": 3, "interval_hours": 0.5}}) == BackupPolicy(3, 1800)
    assert BackupPolicy.from_settings({"backup": {"keep": 0, "interval_hours": "soon"}}) == BackupPolicy()
    assert BackupPolicy.from_settings({"backup": {"keep": True, "interval_hours": -1}}) == BackupPolicy()
    assert BackupPolicy.from_settings({}) == BackupPolicy()


def test_close_backs_up_only_a_changed_library_whose_newest_backup_is_old_enough(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(2))
    assert _numbers(folder) == [1]  # a library's first changes are always backed up
    _library(folder, [])
    assert _numbers(folder) == [1]  # unchanged
    _library(folder, _titles(1, start=2))
    assert _numbers(folder) == [1]  # changed, but the newest backup is minutes old
    _age(backup.list_backups(folder)[-1].path, 2 * 3600)
    _library(folder, [])  # a reading session still backs up the earlier session's change
    assert _numbers(folder) == [1, 2]
    assert backup.verify(backup.list_backups(folder)[-1].path).items == 3
    _age(backup.list_backups(folder)[-1].path, 2 * 3600)
    _library(folder, [])
    assert _numbers(folder) == [1, 2]  # old, but nothing changed since


def test_a_backup_dated_in_the_future_does_not_stop_backups(tmp_path: Path) -> None:
    """Catalogue S14: an mtime in 2099 (clock skew, a copied folder) counts as stale, not as fresh."""
    folder = tmp_path / "lib"
    _library(folder, _titles(2))
    newest = backup.list_backups(folder)[-1].path
    future = time.mktime((2099, 1, 1, 0, 0, 0, 0, 0, -1))
    os.utime(newest, (future, future))
    _library(folder, _titles(1, start=2))
    assert _numbers(folder) == [1, 2]
    _library(folder, _titles(1, start=3))
    assert _numbers(folder) == [1, 2]  # and the interval applies again from the new, honest one


def test_a_failing_backup_leaves_no_file_and_the_library_usable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(2))

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")
    with Library.open(folder, autotag=False) as lib:
        monkeypatch.setattr(backup, "_verify", full_disk)
        with pytest.raises(BackupError, match="disk is full"):
            lib.db.create_backup()
        monkeypatch.undo()
        assert lib.count() == 2
    assert _numbers(folder) == [1]
    assert [p.name for p in (folder / "backups").iterdir()] == [backup.list_backups(folder)[0].name]


def test_a_backup_timer_after_close_does_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    lib = Library.open(folder, autotag=False, backups=BackupPolicy(keep=10, interval=0))
    lib.save_item(_item("One senescence paper"))
    lib.close()
    assert lib.db.backup_if_due() is None and _numbers(folder) == [1]


# -- the quick_check at open and its cache -----------------------------------------------------------------

def test_quick_check_runs_again_only_when_the_file_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(3), BackupPolicy(keep=10, interval=10**6))
    _library(folder, [], BackupPolicy(keep=10, interval=10**6))  # settles the file as reading sessions leave it
    calls = []
    real = health.quick_check
    monkeypatch.setattr(health, "quick_check", lambda conn: calls.append(1) or real(conn))
    for _ in range(3):
        with Library.open(folder, autotag=False) as lib:
            assert lib.count() == 3
    assert calls == []
    db_file = folder / "library.sqlite"
    os.utime(db_file, ns=(db_file.stat().st_atime_ns, db_file.stat().st_mtime_ns + 1_000_000))
    with Library.open(folder, autotag=False):
        pass
    assert calls == [1]


def test_a_cached_check_is_never_trusted_for_a_different_file(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(3))
    cache = health.CheckCache(folder / "library.sqlite")
    cache.remember()
    assert cache.matches()
    data = (folder / "library.sqlite").read_bytes()
    (folder / "library.sqlite").write_bytes(data[:4096] + b"\x00" * (len(data) - 4096))
    assert not cache.matches()
    with pytest.raises(LibraryError, match="is damaged"):
        Library.open(folder, autotag=False)


# -- missing and damaged databases ---------------------------------------------------------------------------

@pytest.mark.parametrize("sign", ["files", "backups", "lock", "wal", "damaged copy"])
def test_a_missing_database_is_not_recreated_where_a_library_was(tmp_path: Path, sign: str) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    if sign == "files":
        (folder / "files" / "ABCD2345").mkdir(parents=True)
        (folder / "files" / "ABCD2345" / "paper.pdf").write_bytes(b"%PDF-1.4")
    elif sign == "backups":
        _library(tmp_path / "other", _titles(1))
        (tmp_path / "other" / "backups").rename(folder / "backups")
    elif sign == "lock":
        (folder / "library.lock").write_text("pid 1 (cli)")
    elif sign == "wal":
        (folder / "library.sqlite-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28)
    else:
        (folder / "library.sqlite.damaged-20240101T000000Z").write_bytes(b"x")
    with pytest.raises(LibraryError, match="is missing, but the folder holds a library") as caught:
        Library.open(folder)
    assert "senref will not start an empty one" in str(caught.value)
    assert not (folder / "library.sqlite").exists()


def test_an_empty_or_new_folder_gets_a_whole_new_library(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "new" / "lib"):
        with Library.open(folder) as lib:
            assert lib.db.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        assert not [p for p in folder.iterdir() if p.name.startswith(".library.sqlite.new-")]


def test_a_failed_creation_leaves_no_library_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: sqlite3.Connection, target: int = migrations.LATEST) -> int:
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(migrations, "migrate", broken)
    folder = tmp_path / "lib"
    with pytest.raises(sqlite3.OperationalError):
        Library.open(folder)
    assert sorted(p.name for p in folder.iterdir()) == []


def test_zero_byte_database_is_moved_aside_and_the_message_offers_the_backup(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(4))
    (folder / "library.sqlite").write_bytes(b"")
    with pytest.raises(LibraryError) as caught:
        Library.open(folder)
    message = str(caught.value)
    assert "is empty (0 bytes)" in message and "moved aside to library.sqlite.damaged-" in message
    assert "(4 items," in message and "senref backup restore" in message
    assert "\n" not in message
    [kept] = folder.glob("library.sqlite.damaged-*")
    assert kept.stat().st_size == 0


def test_damage_with_a_wal_moves_both_aside_together(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(2))
    (folder / "library.sqlite").write_bytes(b"garbage" * 1000)
    (folder / "library.sqlite-wal").write_bytes(b"frames")
    with pytest.raises(LibraryError, match="not an SQLite database"):
        Library.open(folder)
    [kept] = [p for p in folder.glob("library.sqlite.damaged-*") if not p.name.endswith("-wal")]
    assert Path(f"{kept}-wal").read_bytes() == b"frames"
    assert not (folder / "library.sqlite-wal").exists()


def test_a_thread_opening_after_the_file_moved_never_creates_an_empty_database(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(2))
    lib = Library.open(folder, autotag=False)
    try:
        (folder / "library.sqlite").rename(folder / "elsewhere.sqlite")
        errors: list[BaseException] = []

        def read() -> None:
            try:
                lib.count()
            except sqlite3.Error as exc:
                errors.append(exc)
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        assert errors and not (folder / "library.sqlite").exists()
    finally:
        lib.close()


# -- read-only ---------------------------------------------------------------------------------------------

def test_a_read_only_database_reads_and_refuses_every_write(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(3))
    database = db.Database(folder / "library.sqlite", LibraryLock(folder / "library.lock"), read_only=True)
    try:
        assert database.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 3
        with pytest.raises(ReadOnlyLibrary, match="library is read-only"), database.transaction():
            pass
        with pytest.raises(ReadOnlyLibrary):
            database.create_backup()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            database.conn.execute("DELETE FROM items")
    finally:
        database.close()
    assert _numbers(folder) == [1]


# -- restoring ---------------------------------------------------------------------------------------------

def _restore(folder: Path, name: str | None = None, *, force: bool = False) -> backup.RestoreReport:
    return backup.restore(folder / "library.sqlite", LibraryLock(folder / "library.lock"), name, force=force)


def test_restore_moves_the_current_database_aside_and_counts_what_it_brought_back(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(10))
    _library(folder, _titles(5, start=10))  # not backed up: within the interval
    report = _restore(folder)
    assert report.verified.items == 10 and report.backup.number == 1
    assert report.moved_aside is not None and report.moved_aside.name.startswith("library.sqlite.replaced-")
    conn = sqlite3.connect(f"file:{report.moved_aside}?mode=ro", uri=True)
    assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 15  # kept, not deleted
    conn.close()
    with Library.open(folder, autotag=False) as lib:
        assert lib.count() == 10 and lib.check() == []


def test_restore_passes_over_a_backup_that_fails_verification(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(6), BackupPolicy(keep=10, interval=0))
    _library(folder, _titles(2, start=6), BackupPolicy(keep=10, interval=0))
    newest = backup.list_backups(folder)[-1]
    newest.path.write_bytes(newest.path.read_bytes()[:8192])  # cut short, as a full disk would
    report = _restore(folder)
    assert report.skipped == [newest.name] and report.backup.number == 1 and report.verified.items == 6
    with pytest.raises(BackupError, match=r"integrity|cannot be read|not a whole"):
        _restore(folder, newest.name)


def test_restore_refuses_a_far_smaller_backup_unless_forced(tmp_path: Path) -> None:
    """Catalogue S15: restoring a near-empty backup over a full library is the mistake to stop."""
    folder = tmp_path / "lib"
    _library(folder, _titles(1))
    _library(folder, _titles(9, start=1))
    with pytest.raises(BackupError, match=r"holds 1 items but the library has 10.*--force"):
        _restore(folder)
    assert _restore(folder, force=True).verified.items == 1


def test_restore_without_backups_says_so(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="there is no backup to restore"):
        _restore(tmp_path)


def test_a_backup_left_by_an_earlier_version_is_listed_and_verified_before_use(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(3))
    source = backup.list_backups(folder)[0].path
    legacy = folder / "library.sqlite.v2-20240101T120000.bak"
    legacy.write_bytes(source.read_bytes())
    partial = folder / "library.sqlite.v1-20230101T120000.bak"
    partial.write_bytes(source.read_bytes()[:4096])  # what a kill during the old backup left
    found = backup.list_backups(folder)
    assert [b.name for b in found[:2]] == [partial.name, legacy.name] and all(b.legacy for b in found[:2])
    with pytest.raises(BackupError):
        _restore(folder, partial.name)
    assert _restore(folder, legacy.name).verified.items == 3


def test_a_backup_is_found_by_name_number_or_a_unique_start_of_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library(folder, _titles(2), BackupPolicy(keep=10, interval=0))
    _library(folder, _titles(1, start=2), BackupPolicy(keep=10, interval=0))
    first, second = backup.list_backups(folder)
    assert backup.find_backup(folder, first.name) == first
    assert backup.find_backup(folder, "2") == second
    assert backup.find_backup(folder, "library-000001") == first
    with pytest.raises(BackupError, match="names 2 backups"):
        backup.find_backup(folder, "library-")
    with pytest.raises(BackupError, match="no backup named"):
        backup.find_backup(folder, "library-000009")
