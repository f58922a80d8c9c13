"""Duplicates: find the likely ones (scored, with reasons), merge a group on request (undoable), or dismiss it.

Automatic merges happen only on proof (a shared DOI, HAL id, PMID, PMCID or arXiv id; see
`senref.storage.duplicates`); everything else that looks alike is listed here for the user to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.dupscore import Candidate
from senref.core.library import Library, LibraryError
from senref.core.model import Item


@dataclass(frozen=True)
class FieldDifference:
    """One field whose values differ inside a group: field name -> {item key: value}."""

    name: str
    values: dict[str, str]


@dataclass(frozen=True)
class DuplicateGroup:
    """Items that are probably one work, best-scored pair first.

    `score` is in [0, 1]; `reasons` are short phrases a person can check ("same DOI", "title 97 % alike",
    "same first author", "year 2021 vs 2022"); `proof` names the shared identifier scheme when there is one.
    `master` is the suggested item to keep (the oldest, unless another has clearly more data).
    """

    keys: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]
    master: str
    proof: str | None = None
    differences: tuple[FieldDifference, ...] = ()


@dataclass
class DuplicatesReport(Report):
    groups: list[DuplicateGroup] = field(default_factory=list)
    scanned: int = 0

    def summary(self) -> str:
        return f"{len(self.groups)} possible duplicate group(s) among {self.scanned} item(s)"


@dataclass
class MergeReport(Report):
    master: str = ""
    merged: list[str] = field(default_factory=list)
    #: pass to `undo_merge` to put everything back as it was
    undo_token: str = ""

    #: what changed on the master ("title", "tag:x", "children", ...)
    changes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"merged {len(self.merged)} item(s) into {self.master}" if self.master else "nothing merged"


#: Fields shown side by side when they differ inside a group, besides the item type and creators.
_COMPARED = ("title", "date", "publicationTitle", "bookTitle", "proceedingsTitle", "volume", "issue", "pages",
             "publisher", "edition", "url", "extra")


def find_duplicates(library: Library, *, progress: ProgressSink | None = None,
                    should_stop: ShouldStop | None = None) -> DuplicatesReport:
    """Scan the whole library for likely duplicates, store what is found, and return the groups."""
    sink, stop = progress or no_progress, should_stop or never_stop
    sink(Progress(0, 0, "looking for likely duplicates"))
    scanned = library.scan_duplicates(stop)
    report = list_duplicates(library)
    report.scanned = scanned
    report.cancelled = stop()
    sink(Progress(scanned, scanned, report.summary()))
    return report


def list_duplicates(library: Library) -> DuplicatesReport:
    """The stored likely-duplicate groups (found while adding/importing or by the last scan), minus dismissed ones."""
    candidates = library.duplicate_candidates()
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key
    for c in candidates:
        parent[root(c.a)] = root(c.b)
    members: dict[str, list[str]] = {}
    for key in list(parent):
        members.setdefault(root(key), []).append(key)
    best: dict[str, Candidate] = {}
    for c in candidates:  # best first: the first pair seen of a group is its best
        best.setdefault(root(c.a), c)
    groups: list[DuplicateGroup] = []
    for top, keys in members.items():
        items = [library.get_item(key) for key in keys]
        items.sort(key=lambda i: (i.date_added, i.key))
        pair = best[top]
        groups.append(DuplicateGroup(keys=tuple(i.key for i in items), score=float(pair.score),
                                     reasons=tuple(pair.reasons), master=suggest_master(items).key,
                                     proof=pair.proof, differences=differences(items)))
    groups.sort(key=lambda g: (-g.score, g.keys))
    return DuplicatesReport(groups=groups, scanned=library.count())


def suggest_master(items: list[Item]) -> Item:
    """The oldest item, unless another holds clearly more (three more fields, identifiers, children)."""
    def richness(item: Item) -> int:
        return (sum(1 for v in item.fields.values() if v) + 2 * len(item.identifiers) + len(item.creators)
                + len(item.notes) + len(item.attachments))
    oldest = min(items, key=lambda i: (i.date_added, i.key))
    richest = max(items, key=richness)
    return richest if richness(richest) >= richness(oldest) + 3 else oldest


def differences(items: list[Item]) -> tuple[FieldDifference, ...]:
    """The fields whose values differ inside a group (item type and creators included)."""
    found: list[FieldDifference] = []
    rows: dict[str, dict[str, str]] = {
        "itemType": {i.key: i.item_type for i in items},
        "creators": {i.key: "; ".join(c.display for c in i.creators) for i in items},
    }
    names = list(dict.fromkeys([*_COMPARED, *(n for i in items for n in i.fields)]))
    for name in names:
        rows[name] = {i.key: i.fields.get(name, "") for i in items}
    schemes = sorted({s for i in items for s in i.identifiers})
    for scheme in schemes:
        rows[f"identifier:{scheme}"] = {i.key: i.identifiers.get(scheme, "") for i in items}
    for name, values in rows.items():
        if len(set(values.values())) > 1:
            found.append(FieldDifference(name, values))
    return tuple(found)


def merge_duplicates(library: Library, keys: list[str], *, master: str | None = None,
                     choices: dict[str, str] | None = None) -> MergeReport:
    """Merge *keys* into *master* (default: the group's suggested master).

    *choices* maps a field name to the key of the item whose value the merged item keeps. The master keeps
    every identifier, tag, collection, note, attachment and relation of all; the others go to the Trash with
    a `dc:replaces` relation on the master, and their keys resolve to the master from then on.
    """
    report = MergeReport()
    wanted = list(dict.fromkeys(k.strip().upper() for k in keys if k.strip()))
    missing = [k for k in wanted if not _live(library, k)]
    if master and master.strip().upper() not in wanted:
        wanted.append(master.strip().upper())
    if missing or len(wanted) < 2:
        report.problems.append(f"no such item (or in the Trash): {', '.join(missing)}" if missing
                               else "a merge needs at least two items")
        return report
    chosen = master.strip().upper() if master else suggest_master([library.get_item(k) for k in wanted]).key
    others = [k for k in wanted if k != chosen]
    try:
        token, changes = library.merge_duplicates(chosen, others, choices)
    except (KeyError, ValueError, LibraryError) as exc:
        report.problems.append(str(exc))
        return report
    report.master, report.merged, report.undo_token, report.changes = chosen, others, token, changes
    return report


def undo_merge(library: Library, token: str) -> MergeReport:
    """Put the master back as it was before the merge and restore the merged-away items."""
    report = MergeReport()
    try:
        master, others = library.undo_duplicate_merge(token)
    except KeyError:
        report.problems.append(f"no merge {token} to undo")
        return report
    except ValueError as exc:
        report.problems.append(str(exc))
        return report
    report.master, report.merged = master, others
    return report


def dismiss_duplicates(library: Library, keys: list[str]) -> Report:
    """Mark *keys* as "not duplicates": the group is never offered again."""
    report = Report()
    wanted = list(dict.fromkeys(k.strip().upper() for k in keys if k.strip()))
    missing = [k for k in wanted if not library.has_item(k)]
    if missing or len(wanted) < 2:
        report.problems.append(f"no such item: {', '.join(missing)}" if missing else "dismiss needs two items or more")
        return report
    library.dismiss_duplicates(wanted)
    return report


def possible_duplicates(library: Library, keys: Iterable[str]) -> int:
    """How many stored likely pairs involve *keys*: the "3 possible duplicates" of an add or import job."""
    return library.count_duplicate_candidates(keys)


def _live(library: Library, key: str) -> bool:
    try:
        return not library.get_item(key).deleted
    except KeyError:
        return False
