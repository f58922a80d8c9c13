"""The quick_check at open after a session that wrote: spared when only that session wrote, never for damage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from senref.core.library import Library, LibraryError
from senref.core.model import Item
from senref.storage import health
from senref.storage.backup import BackupPolicy

#: No backup on close: the backup's own integrity check would hide what these tests look at.
RARELY = BackupPolicy(keep=10, interval=10**6)


def _save(folder: Path, *titles: str) -> None:
    with Library.open(folder, autotag=False, backups=RARELY) as lib:
        for title in titles:
            lib.save_item(Item(item_type="journalArticle", fields={"title": title, "date": "2021"}))


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The database files quick_check ran on, in order."""
    seen: list[Path] = []
    real = health.quick_check

    def counting(conn):  # type: ignore[no-untyped-def]
        seen.append(Path(conn.execute("PRAGMA database_list").fetchone()[2]))
        real(conn)

    monkeypatch.setattr(health, "quick_check", counting)
    return seen


def test_a_session_that_only_wrote_itself_spares_the_next_open_its_check(tmp_path: Path, checks: list[Path]) -> None:
    folder = tmp_path / "lib"
    _save(folder, "Therapy-induced senescence in breast cancer")
    _save(folder, "Senolytics after chemotherapy")  # the backup of the first close is behind: no backup now
    checks.clear()
    for n in range(3):
        _save(folder, f"SASP and relapse, cohort {n}")
        with Library.open(folder, autotag=False, backups=RARELY) as lib:
            assert lib.count() == 3 + n
    assert checks == []


@pytest.mark.parametrize("round_", range(5))
def test_damage_right_after_a_writing_session_is_still_found(tmp_path: Path, round_: int) -> None:
    folder = tmp_path / "lib"
    _save(folder, *(f"Senescent fibroblasts after irradiation, cohort {i}" for i in range(200)))
    _save(folder, "One more")
    db = folder / "library.sqlite"
    data = db.read_bytes()
    # At once, in place, same size and inode: within the file system's clock tick of the last write.
    with db.open("r+b") as handle:
        handle.seek(4096 * (1 + round_ % 3))
        handle.write(b"\xff" * 4096)
    assert len(db.read_bytes()) == len(data)
    with pytest.raises(LibraryError, match="damaged"):
        Library.open(folder, autotag=False)


def test_a_change_by_someone_else_during_the_session_means_a_check_next_time(tmp_path: Path,
                                                                             checks: list[Path]) -> None:
    folder = tmp_path / "lib"
    _save(folder, "Therapy-induced senescence")
    _save(folder, "Senolytics")
    db = folder / "library.sqlite"
    with Library.open(folder, autotag=False, backups=RARELY) as lib:
        lib.save_item(Item(item_type="journalArticle", fields={"title": "Before"}))
        lib.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the first write reaches the file itself
        st = db.stat()
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000))  # a sync tool touched it meanwhile
        lib.save_item(Item(item_type="journalArticle", fields={"title": "After"}))
    checks.clear()
    with Library.open(folder, autotag=False, backups=RARELY) as lib:
        assert lib.count() == 4
    assert checks == [db]


def test_a_record_made_in_the_tick_of_the_last_write_is_not_trusted(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _save(folder, "Therapy-induced senescence")
    cache = health.CheckCache(folder / "library.sqlite")
    assert cache.remember() and cache.matches()
    written = (folder / "library.sqlite").stat().st_mtime_ns
    os.utime(cache.path, ns=(written, written))  # as if recorded within the file's last clock tick
    assert not cache.matches()


def test_no_record_is_made_while_the_clock_has_not_passed_the_last_write(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lib"
    _save(folder, "Therapy-induced senescence")
    db = folder / "library.sqlite"
    future = db.stat().st_mtime_ns + 3600 * 10**9
    os.utime(db, ns=(future, future))
    monkeypatch.setattr(health.CheckCache, "TICK_WAIT", 0.01)
    cache = health.CheckCache(db)
    cache.forget()
    assert cache.remember() is False
    assert not cache.path.exists() and not cache.matches()
    assert [p.name for p in folder.iterdir() if p.name.startswith(".library.checked")] == []


def test_a_record_left_half_made_by_a_killed_process_is_cleared_later(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _save(folder, "Therapy-induced senescence")
    left = folder / ".library.checked.99999999"
    left.write_text("{")
    old = left.stat().st_mtime_ns - 3600 * 10**9
    os.utime(left, ns=(old, old))
    fresh = folder / ".library.checked.99999998"  # another process's, being made right now
    fresh.write_text("{")
    assert health.CheckCache(folder / "library.sqlite").remember()
    assert not left.exists() and fresh.exists()
