"""The duplicate tables: items from before migration 5 (never profiled) are profiled by a scan, edits
are seen, redirects follow chains of merges, and a purged item leaves no profile behind."""

from __future__ import annotations

from pathlib import Path

from senref.actions.duplicates import find_duplicates, merge_duplicates
from senref.core.library import Library
from senref.core.model import Creator, Item


def _item(title: str, year: str = "2020") -> Item:
    item = Item(fields={"title": title, "date": year, "publicationTitle": "Oncogene"})
    item.creators = [Creator("author", "Maja", "Lindqvist")]
    return item


def test_a_scan_profiles_items_saved_before_the_duplicate_tables_existed(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", autotag=False) as lib:
        a = lib.save_item(_item("Senescence escape in breast cancer cells")).key
        b = lib.save_item(_item("Senescence Escape in Breast Cancer Cells")).key
        with lib.db.transaction() as conn:  # what a library migrated from version 4 holds
            conn.execute("DELETE FROM dup_profiles")
            conn.execute("DELETE FROM dup_keys")
            conn.execute("DELETE FROM dup_candidates")
        assert lib.duplicate_candidates() == []
        (group,) = find_duplicates(lib).groups
        assert set(group.keys) == {a, b}


def test_an_edit_is_seen_by_the_next_scan(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", autotag=False) as lib:
        a = lib.save_item(_item("Senescence escape in breast cancer cells")).key
        lib.save_item(_item("Senescence escape in breast cancer cells"))
        item = lib.get_item(a)
        item.fields["title"] = "Macrophage clearance of senescent hepatocytes"
        lib.update_item(item)
        assert find_duplicates(lib).groups == []


def test_redirects_follow_later_merges_and_purged_items_leave_no_rows(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", autotag=False) as lib:
        a, b, c = (lib.save_item(_item("Senescence escape in breast cancer cells", y)).key
                   for y in ("2020", "2020", "2021"))
        merge_duplicates(lib, [a, b], master=a)
        merge_duplicates(lib, [c, a], master=c)
        assert lib.resolve_key(b) == c and lib.resolve_key(a) == c
        lib.empty_trash()
        left = lib.db.conn.execute("SELECT COUNT(*) FROM dup_profiles").fetchone()[0]
        assert left == 1
        assert lib.resolve_key(b) == c  # the key still names the work once the Trash is emptied
