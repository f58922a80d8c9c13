"""`senref check`: SQLite integrity, foreign keys, full-text index in step, stored files present,
intact and accounted for; `--repair` moves what no row points to into `lost+found/`, never deleting.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from senref.core.confine import real_dir, stored_folder
from senref.core.digest import file_sha256
from senref.core.model import is_key
from senref.storage import checks
from senref.storage import items as rows

if TYPE_CHECKING:
    from senref.core.library import Library


@dataclass(frozen=True)
class Finding:
    """One problem: its kind (integrity, foreign-key, search-index, path, missing, changed, orphan)."""

    kind: str
    message: str
    #: for orphans: the path under files/ that no row points to
    orphan: str = ""


def check_library(lib: Library, *, verify_hashes: bool = False, full: bool = False) -> list[str]:
    """Problems found, one line each; an empty list means the library is healthy."""
    return [finding.message for finding in inspect_library(lib, verify_hashes=verify_hashes, full=full)]


def inspect_library(lib: Library, *, verify_hashes: bool = False, full: bool = False) -> list[Finding]:
    """Every problem found. The database is checked with SQLite's quick_check (every page, every b-tree's
    structure), or with *full* its integrity_check (each index read back against its table too)."""
    conn = lib._conn
    findings = _database(conn, full=full)
    findings += _search_index(conn)
    findings += _stored_files(lib, verify_hashes)
    findings += _orphans(lib)
    return findings


def repair_library(lib: Library) -> tuple[list[str], list[Finding]]:
    """Mend what can be mended without losing anything; returns (what was done, what is left).

    Orphan files go to `lost+found/<time>/`; the search index is brought in step. Damage to the
    database itself, missing files and changed files are only reported: the cure for those is a
    backup (`senref backup restore`) or the user's own copy, never a guess.
    """
    done: list[str] = []
    with lib.db.transaction() as conn:
        settled = lib._settle_files(conn)
        if settled:
            done.append(f"removed {len(settled)} folder(s) left by an interrupted import or Empty Trash")
        orphans = [f.orphan for f in _orphans(lib)]
        moved_to = lib.files.move_to_lost_and_found(orphans, lib.folder)
        if moved_to is not None:
            done.append(f"moved {len(orphans)} file(s) no item points to into {moved_to}")
        fixed = checks.mend_search_index(conn)
        if fixed:
            done.append(f"search index: {fixed} entries brought in step")
    return done, inspect_library(lib)


def _database(conn: sqlite3.Connection, *, full: bool) -> list[Finding]:
    findings: list[Finding] = []
    result = checks.integrity(conn, full=full)
    if result != ["ok"]:
        findings += [Finding("integrity", f"integrity: {line}") for line in result[:20]]
    for table, rowid, parent in checks.foreign_key_problems(conn):
        row = "a row" if rowid is None else f"row {rowid}"
        findings.append(Finding("foreign-key", f"foreign key: table {table} {row} points at a missing {parent}"))
    return findings


def _search_index(conn: sqlite3.Connection) -> list[Finding]:
    findings: list[Finding] = []
    missing, orphan = checks.search_index_gaps(conn)
    if missing:
        findings.append(Finding("search-index", f"search index: {missing} items are not indexed"))
    if orphan:
        findings.append(Finding("search-index", f"search index: {orphan} entries point at deleted items"))
    error = checks.search_index_error(conn)
    if error:
        findings.append(Finding("search-index", f"search index: {error}"))
    return findings


def _stored_files(lib: Library, verify_hashes: bool) -> list[Finding]:
    findings: list[Finding] = []
    for item_key, att_key, rel, sha, size in rows.stored_attachments(lib._conn):
        if not rel:
            continue
        if stored_folder(lib.files_dir, att_key, rel) is None:
            findings.append(Finding("path", f"item {item_key}: attachment {att_key} is not stored in its own folder "
                                            f"(files/{att_key}/): {rel!r}"))
            continue
        target = lib.files_dir / att_key / Path(rel).name
        if target.is_symlink() or not target.is_file():
            findings.append(Finding("missing", f"item {item_key}: file missing: {rel}"))
        elif size is not None and target.stat().st_size != size:
            findings.append(Finding("changed", f"item {item_key}: file changed on disk (size differs): {rel}"))
        elif verify_hashes and sha and file_sha256(target) != sha:
            findings.append(Finding("changed", f"item {item_key}: file changed on disk (sha256 differs): {rel}"))
    return findings


def _orphans(lib: Library) -> list[Finding]:
    """Entries of files/ that no attachment row accounts for (folders, stray files, links, temp files)."""
    wanted = {att_key: Path(rel).name for _item, att_key, rel, _sha, _size in rows.stored_attachments(lib._conn)}
    findings: list[Finding] = []
    for entry in lib.files.entries():
        folder = lib.files_dir / entry
        if not is_key(entry) or entry not in wanted or not real_dir(folder):
            findings.append(Finding("orphan", f"files/{entry}: no item points to it", orphan=entry))
            continue
        for inner in sorted(folder.iterdir()):
            if inner.name != wanted[entry]:
                findings.append(Finding("orphan", f"files/{entry}/{inner.name}: no item points to it",
                                        orphan=f"{entry}/{inner.name}"))
    return findings

