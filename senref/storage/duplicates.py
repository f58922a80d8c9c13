"""Duplicate lookups for a record being saved: the live item it is provably the same work as (a shared
DOI, HAL id, PMID, PMCID or arXiv id, see `senref.core.dupscore.proof`), and, once stored, the
likely duplicates it meets through the blocking keys (stored for the user to decide, never merged).
"""

from __future__ import annotations

import sqlite3
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from senref.core import dupscore
from senref.core.dupscore import Profile, profile
from senref.core.merge import merge_items, restore, snapshot
from senref.core.model import Item, now_iso
from senref.storage import dupstore
from senref.storage import items as rows


class ImportProfiles(dupstore.ProfileCache):
    """An import's profile cache, plus, for each mate it had to read from the database, the profile without
    its titles, creators and container: what decides whether a pair can be likely at all
    (`dupscore.may_reach`). At 100,000 records a blocking key holds up to a hundred items, most of them
    long out of the cache; reading each one's profile again for every record that meets it made the
    import quadratic. A mate that cannot reach "likely" is now turned away by what was kept of it; one
    that can is read whole, as before. These light profiles are forgotten with the cache (`sync`,
    `sync_lost`) and replaced when the import rewrites their item (`meet`).
    """

    def __init__(self, limit: int = 10_000, light_limit: int = 250_000) -> None:
        super().__init__(limit)
        self.light_limit = light_limit  # about 250 bytes each: beyond it, mates are read whole as before
        self._light: dict[int, tuple[Any, ...]] = {}

    def sync(self, conn: sqlite3.Connection) -> None:
        seen = self._seen
        super().sync(conn)
        if self._seen != seen:
            self._light.clear()

    def sync_lost(self) -> None:
        super().sync_lost()
        self._light.clear()

    def forget(self, rid: int) -> None:
        self._light.pop(rid, None)

    def light(self, rid: int) -> Profile | None:
        kept = self._light.get(rid)
        if kept is None:
            return None
        item_type, year, page, day, numbers, strong, isbn = kept
        return Profile(key="", item_type=item_type, year=year, page=page, day=day, numbers=dict(numbers),
                       strong=dict(strong), isbn=isbn, rank=rid)

    def keep_light(self, prof: Profile) -> None:
        if len(self._light) < self.light_limit:
            # A tuple, not a Profile: a quarter of the memory, for a profile built again in a microsecond.
            self._light[prof.rank] = (sys.intern(prof.item_type), prof.year, prof.page, prof.day,
                                      tuple(prof.numbers.items()), tuple(prof.strong.items()), prof.isbn)


@dataclass
class Meeting:
    """What a stored item met: likely duplicates (stored) and its preprint/published versions (to link)."""

    likely: list[tuple[str, float, list[str]]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    #: likely pairs not known before
    new: int = 0


def find_duplicate(conn: sqlite3.Connection, item: Item, ours: Profile | None = None) -> tuple[str, str] | None:
    """(key, proof) of the oldest live item that *item* is provably the same work as, or None.

    *ours*: *item*'s profile when the caller already made it.
    """
    ours = ours or profile(item)
    if not ours.strong:
        return None
    for theirs in sorted(_identifier_mates(conn, item, ours).values(), key=lambda p: p.rank):
        proof = dupscore.proof(theirs, ours)
        if proof:
            return theirs.key, proof
    return None


def _identifier_mates(conn: sqlite3.Connection, item: Item, ours: Profile) -> dict[str, Profile]:
    """Profiles of the live items sharing one of *item*'s unique identifiers (profiled afresh if stale)."""
    keys: list[str] = []
    for scheme in dupscore.STRONG_SCHEMES:
        value = item.identifiers.get(scheme)
        if value:
            keys += rows_with_identifier(conn, scheme, value, item.key)
    if "arxiv" in ours.strong:  # the same preprint under its DataCite DOI
        keys += rows_with_identifier(conn, "doi", f"10.48550/arXiv.{ours.strong['arxiv']}", item.key)
    found = dupstore.live_profiles_of(conn, keys)
    for key in set(keys) - found.keys():
        stored = rows.read_item(conn, key)
        rid = rows.item_id(conn, key)
        if stored is not None and rid is not None:
            found[key] = profile(stored, rank=rid)
    return found


def rows_with_identifier(conn: sqlite3.Connection, scheme: str, value: str, exclude_key: str = "") -> list[str]:
    """Keys of every live item carrying *scheme*:*value* (DOIs whatever their case), oldest first."""
    match = "d.value = ? COLLATE NOCASE" if scheme == "doi" else "d.value = ?"
    return [str(r[0]) for r in conn.execute(
        "SELECT i.key FROM identifiers d JOIN items i ON i.id = d.item_id "
        f"WHERE d.scheme = ? AND {match} AND i.deleted = 0 AND i.key != ? ORDER BY i.id", (scheme, value, exclude_key))]


def meet(conn: sqlite3.Connection, item: Item, known: Profile | None = None,
         cache: dupstore.ProfileCache | None = None) -> Meeting:
    """Index the stored *item* and store the likely duplicates its blocking keys bring up.

    *known*: *item*'s profile made before it was stored (whatever its key and rank then were);
    *cache*: the profiles of the run of writes this is part of (see `dupstore.ProfileCache`).
    """
    rid = rows.item_id(conn, item.key)
    meeting = Meeting()
    if rid is None:
        return meeting
    ours = dupstore.index_item(conn, rid, item, known, cache)
    mates = {r for r, _key, _size in dupstore.block_mates(conn, dupscore.blocking_keys(ours), rid, dupscore.MAX_BLOCK)}
    kept = cache if isinstance(cache, ImportProfiles) else None
    unread: set[int] = set()
    if kept is not None:
        kept.forget(rid)  # rewritten: what was kept of it is no more
        for r in [r for r in mates if kept.get(r) is None]:
            light = kept.light(r)
            if light is None:
                unread.add(r)
            elif not dupscore.may_reach(light, ours, dupscore.LIKELY):
                mates.discard(r)  # neither linkable nor likely, whatever its title and creators
    for theirs in dupstore.profiles_by_ids(conn, mates, cache):
        if kept is not None and theirs.rank in unread:
            kept.keep_light(theirs)
        if dupscore.linkable(theirs, ours):
            meeting.links.append(theirs.key)
            continue
        total, reasons = dupscore.score(theirs, ours, reach=dupscore.LIKELY)
        if total < dupscore.LIKELY:
            continue
        meeting.likely.append((theirs.key, total, reasons))
        if dupstore.store_candidate(conn, theirs.key, item.key, score=dupscore.probability(total),
                                    reasons=reasons, proof=dupscore.proof(theirs, ours)):
            meeting.new += 1
    return meeting


# -- a whole-library scan ------------------------------------------------------------------------
def reindex_stale(conn: sqlite3.Connection, should_stop: Callable[[], bool] | None = None) -> int:
    """Profile the live items edited since they were profiled (or never were); returns how many."""
    stale = dupstore.stale_items(conn)
    for start in range(0, len(stale), 500):
        if should_stop and should_stop():
            break
        for item in rows.read_items_by_ids(conn, stale[start:start + 500]):
            rid = rows.item_id(conn, item.key)
            if rid is not None:
                dupstore.index_item(conn, rid, item)
    return len(stale)


def scan(conn: sqlite3.Connection, should_stop: Callable[[], bool] | None = None) -> int:
    """Compare every live item with the items sharing a blocking key with it; replace the stored likely
    pairs by what is found (dismissed pairs stay dismissed). Returns how many items were scanned."""
    reindex_stale(conn, should_stop)
    profiles = list(dupstore.live_profiles(conn))
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, prof in enumerate(profiles):
        for key in dupscore.blocking_keys(prof):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2 or (len(members) > dupscore.MAX_BLOCK and not key.startswith("id:")):
            continue
        pairs.update(combinations(members, 2))
    dupstore.clear_candidates(conn)
    for first, second in sorted(pairs):
        if should_stop and should_stop():
            break
        a, b = profiles[first], profiles[second]
        if dupscore.linkable(a, b):
            continue
        total, reasons = dupscore.score(a, b, reach=dupscore.LIKELY)
        if total >= dupscore.LIKELY:
            dupstore.store_candidate(conn, a.key, b.key, score=dupscore.probability(total), reasons=reasons,
                                     proof=dupscore.proof(a, b))
    return len(profiles)


# -- merging on request, and its undo ------------------------------------------------------------
def merge_group(conn: sqlite3.Connection, master_key: str, other_keys: list[str], *, choices: dict[str, str],
                version: int, token: str) -> list[str]:
    """Merge the live items *other_keys* into *master_key* (see `senref.core.merge.merge_items`): the
    others go to the Trash, their keys redirect to the master, and what the merge changed is kept
    under *token* for `undo_merge`. Returns the changes; raises KeyError/ValueError on bad keys."""
    master = _live(conn, master_key)
    others = [_live(conn, key) for key in other_keys]
    if master_key in other_keys or len(set(other_keys)) != len(other_keys) or not others:
        raise ValueError("a merge needs a master and at least one other, distinct item")
    saved = {"master": snapshot(master), "others": [snapshot(o) for o in others], "version": version}
    changes = merge_items(master, others, choices)
    when = now_iso()
    for other in others:  # first: the notes and attachments they give up are then free for the master
        other.deleted = True
        other.version, other.date_modified = version, when
        rows.write_item(conn, other)
    master.version, master.date_modified = version, when
    rows.write_item(conn, master)
    for other in others:
        dupstore.add_redirect(conn, other.key, master.key, token)
    dupstore.forget_candidates(conn, other_keys)
    dupstore.save_merge(conn, token, master.key, other_keys, saved)
    meet(conn, master)
    return changes


def undo_merge(conn: sqlite3.Connection, token: str, version: int) -> tuple[str, list[str]]:
    """Put back the master and the merged-away items of merge *token* as they were; (master, others).

    Refused (ValueError) once the master was edited after the merge: the undo would lose that edit.
    """
    found = dupstore.load_merge(conn, token)
    if found is None:
        raise KeyError(token)
    master_key, other_keys, saved = found
    current = rows.read_item(conn, master_key)
    if current is None or current.version != saved["version"]:
        raise ValueError(f"{master_key} was changed after the merge; undo it by hand")
    master = restore(_mapping(saved["master"]))
    master.version = version
    rows.write_item(conn, master)  # first: the children it got back to the others are then free
    raw_others = saved["others"]
    for data in raw_others if isinstance(raw_others, list) else []:
        other = restore(_mapping(data))
        other.version = version
        rows.write_item(conn, other)
        meet(conn, other)
    meet(conn, master)
    dupstore.remove_redirects(conn, token)
    dupstore.mark_undone(conn, token)
    return master_key, other_keys


def _live(conn: sqlite3.Connection, key: str) -> Item:
    item = rows.read_item(conn, key)
    if item is None or item.deleted:
        raise KeyError(key)
    return item


def _mapping(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("damaged merge record")
    return value
