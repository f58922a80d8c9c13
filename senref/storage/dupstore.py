"""Duplicate tables: comparison profiles and blocking keys, likely pairs, dismissals, redirects, merges."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Iterator

from senref.core.dupscore import Candidate, Profile, blocking_keys, profile
from senref.core.model import Item, now_iso
from senref.storage import compact

#: SQLite's default limit on host parameters is 999 (older builds): stay under it.
_CHUNK = 900


def key_code(key: str) -> int:
    """The stored form of a blocking key (schema 9): 64 bits of its BLAKE2b digest, an eighth of its text.

    Two keys of one code (about one pair in 10^8 at a million keys) only make two items meet, and a
    meeting decides nothing: the pair is then scored on the items themselves.
    """
    import hashlib  # here: the window loads this module and needs no libcrypto until it writes

    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class ProfileCache:
    """The profiles one run of writes (an import) has stored or read, by row id, so that the mates a
    record meets are not read and decoded again for every record that meets them.

    It only ever answers what the database would: `sync` at the start of each transaction forgets
    everything when another connection has committed since (SQLite's data_version), and `index_item`
    replaces what it rewrites. The writes that use it trash nothing, so a cached profile is live.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._profiles: dict[int, Profile] = {}
        self._seen: int | None = None

    def sync(self, conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if version != self._seen:
            self._profiles.clear()
            self._seen = version

    def sync_lost(self) -> None:
        """Forget everything: a transaction that stored some of these rolled back."""
        self._profiles.clear()
        self._seen = None

    def put(self, rid: int, prof: Profile) -> None:
        if self.limit <= 0:
            return
        self._profiles.pop(rid, None)
        if len(self._profiles) >= self.limit:
            del self._profiles[next(iter(self._profiles))]  # the oldest: an import meets recent records most
        self._profiles[rid] = prof

    def get(self, rid: int) -> Profile | None:
        return self._profiles.get(rid)


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# -- profiles and blocking keys ------------------------------------------------------------------
def index_item(conn: sqlite3.Connection, rid: int, item: Item, known: Profile | None = None,
               cache: ProfileCache | None = None) -> Profile:
    """Store *item*'s profile and blocking keys (replacing older ones); returns the profile.

    *known*: the profile of *item* as it is, made before it had its row (only key and rank change).
    """
    prof = profile(item, rank=rid) if known is None else dataclasses.replace(known, key=item.key, rank=rid)
    conn.execute("INSERT OR REPLACE INTO dup_profiles (item_id, version, profile) VALUES (?, ?, ?)",
                 (rid, item.version, compact.encode_profile(prof.to_json())))
    conn.execute("DELETE FROM dup_keys WHERE item_id = ?", (rid,))
    conn.executemany("INSERT OR IGNORE INTO dup_keys (key, item_id) VALUES (?, ?)",
                     [(key_code(key), rid) for key in blocking_keys(prof)])
    if cache is not None:
        cache.put(rid, prof)
    return prof


def stale_items(conn: sqlite3.Connection) -> list[int]:
    """Live items whose profile is missing or older than the item (edited since, or from before v5)."""
    return [int(r[0]) for r in conn.execute(
        "SELECT i.id FROM items i LEFT JOIN dup_profiles p ON p.item_id = i.id "
        "WHERE i.deleted = 0 AND (p.version IS NULL OR p.version != i.version) ORDER BY i.id")]


def live_profiles(conn: sqlite3.Connection) -> Iterator[Profile]:
    for rid, text in conn.execute("SELECT p.item_id, p.profile FROM dup_profiles p JOIN items i ON i.id = p.item_id "
                                  "WHERE i.deleted = 0 ORDER BY p.item_id"):
        yield Profile.from_json(compact.decode_profile(text), rank=int(rid))


def live_profiles_of(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, Profile]:
    """Current profiles of the live items among *keys* (computed afresh where stale)."""
    found: dict[str, Profile] = {}
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ",".join("?" for _ in chunk)
        for rid, key, text, fresh in conn.execute(
                "SELECT i.id, i.key, p.profile, p.version = i.version FROM items i "
                f"LEFT JOIN dup_profiles p ON p.item_id = i.id WHERE i.deleted = 0 AND i.key IN ({marks})", chunk):
            if text and fresh:
                found[str(key)] = Profile.from_json(compact.decode_profile(text), rank=int(rid))
    return found


def block_mates(conn: sqlite3.Connection, keys: list[str], rid: int, limit: int) -> list[tuple[int, str, int]]:
    """(row id, blocking key, block size) of live items sharing a blocking key with item *rid*."""
    found: list[tuple[int, str, int]] = []
    for key in keys:
        code = key_code(key)
        size = conn.execute("SELECT COUNT(*) FROM dup_keys WHERE key = ?", (code,)).fetchone()[0]
        if size > limit and not key.startswith("id:"):
            continue
        found.extend((int(r[0]), key, int(size)) for r in conn.execute(
            "SELECT item_id FROM dup_keys WHERE key = ? AND item_id != ? LIMIT ?", (code, rid, limit)))
    return found


def profiles_by_ids(conn: sqlite3.Connection, ids: Iterable[int], cache: ProfileCache | None = None) -> list[Profile]:
    """The stored profiles of the live items among *ids*, in row-id order."""
    wanted = sorted(set(ids))
    found: dict[int, Profile] = {}
    if cache is not None:
        for rid in wanted:
            hit = cache.get(rid)
            if hit is not None:
                found[rid] = hit
        missing = [rid for rid in wanted if rid not in found]
    else:
        missing = wanted
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start:start + _CHUNK]
        marks = ",".join("?" for _ in chunk)
        for rid, text in conn.execute(f"SELECT p.item_id, p.profile FROM dup_profiles p JOIN items i ON i.id = p.item_id "
                                      f"WHERE i.deleted = 0 AND p.item_id IN ({marks})", chunk):
            found[int(rid)] = prof = Profile.from_json(compact.decode_profile(text), rank=int(rid))
            if cache is not None:
                cache.put(int(rid), prof)
    return [found[rid] for rid in sorted(found)]


# -- likely pairs and dismissals -----------------------------------------------------------------
def store_candidate(conn: sqlite3.Connection, a: str, b: str, *, score: float, reasons: list[str],
                    proof: str | None) -> bool:
    """Remember a likely pair (not when dismissed); True when it was not known before."""
    first, second = pair(a, b)
    if is_dismissed(conn, first, second):
        return False
    known = conn.execute("SELECT 1 FROM dup_candidates WHERE a = ? AND b = ?", (first, second)).fetchone()
    conn.execute("INSERT OR REPLACE INTO dup_candidates (a, b, score, reasons, proof, found) VALUES (?,?,?,?,?,?)",
                 (first, second, score, json.dumps(reasons, ensure_ascii=False), proof, now_iso()))
    return known is None


def forget_candidates(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    for key in keys:
        conn.execute("DELETE FROM dup_candidates WHERE a = ? OR b = ?", (key, key))


def clear_candidates(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM dup_candidates")


def live_candidates(conn: sqlite3.Connection) -> list[Candidate]:
    """Stored pairs whose two items are both live and not dismissed, best first."""
    return [Candidate(str(a), str(b), float(s), tuple(json.loads(r)), p) for a, b, s, r, p in conn.execute(
        # CROSS JOIN keeps the (small) pairs table outermost: a plain JOIN let the planner scan every item,
        # which also filled the page cache with the whole items table.
        "SELECT c.a, c.b, c.score, c.reasons, c.proof FROM dup_candidates c "
        "CROSS JOIN items x ON x.key = c.a AND x.deleted = 0 CROSS JOIN items y ON y.key = c.b AND y.deleted = 0 "
        "WHERE NOT EXISTS (SELECT 1 FROM dup_dismissed d WHERE d.a = c.a AND d.b = c.b) "
        "ORDER BY c.score DESC, c.a, c.b")]


def candidates_touching(conn: sqlite3.Connection, keys: Iterable[str]) -> int:
    """How many live, undismissed stored pairs involve one of *keys*."""
    wanted = set(keys)
    return sum(1 for c in live_candidates(conn) if c.a in wanted or c.b in wanted)


def dismiss(conn: sqlite3.Connection, keys: list[str]) -> int:
    """Remember every pair among *keys* as "not duplicates"; returns how many pairs that is."""
    pairs = {pair(a, b) for i, a in enumerate(keys) for b in keys[i + 1:] if a != b}
    conn.executemany("INSERT OR IGNORE INTO dup_dismissed (a, b) VALUES (?, ?)", sorted(pairs))
    conn.executemany("DELETE FROM dup_candidates WHERE a = ? AND b = ?", sorted(pairs))
    return len(pairs)


def is_dismissed(conn: sqlite3.Connection, a: str, b: str) -> bool:
    first, second = pair(a, b)
    return conn.execute("SELECT 1 FROM dup_dismissed WHERE a = ? AND b = ?", (first, second)).fetchone() is not None


# -- redirects and merge records -----------------------------------------------------------------
def add_redirect(conn: sqlite3.Connection, old_key: str, new_key: str, token: str) -> None:
    conn.execute("INSERT OR REPLACE INTO dup_redirects (old_key, new_key, token) VALUES (?, ?, ?)",
                 (old_key, new_key, token))


def redirect_of(conn: sqlite3.Connection, key: str) -> str | None:
    """The item *key* was merged into, following later merges of that item too; None if never merged."""
    seen = {key}
    current: str | None = None
    while True:
        row = conn.execute("SELECT new_key FROM dup_redirects WHERE old_key = ?", (current or key,)).fetchone()
        if row is None or str(row[0]) in seen:
            return current
        current = str(row[0])
        seen.add(current)


def remove_redirects(conn: sqlite3.Connection, token: str) -> None:
    conn.execute("DELETE FROM dup_redirects WHERE token = ?", (token,))


def save_merge(conn: sqlite3.Connection, token: str, master: str, merged: list[str],
               snapshot: dict[str, object]) -> None:
    conn.execute("INSERT INTO dup_merges (token, master, merged, snapshot, date) VALUES (?, ?, ?, ?, ?)",
                 (token, master, json.dumps(merged), json.dumps(snapshot, ensure_ascii=False), now_iso()))


def load_merge(conn: sqlite3.Connection, token: str) -> tuple[str, list[str], dict[str, object]] | None:
    """(master, merged keys, snapshot) of a merge not yet undone."""
    row = conn.execute("SELECT master, merged, snapshot FROM dup_merges WHERE token = ? AND undone = 0",
                       (token,)).fetchone()
    if row is None:
        return None
    return str(row[0]), list(json.loads(row[1])), dict(json.loads(row[2]))


def mark_undone(conn: sqlite3.Connection, token: str) -> None:
    conn.execute("UPDATE dup_merges SET undone = 1 WHERE token = ?", (token,))
