"""Reading a target back: the user's edits to a file senref wrote, merged into the library first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from senref.core import checkpoints
from senref.core.model import Item
from senref.sync.conflicts import Conflict, ConflictStore
from senref.sync.content import Content
from senref.sync.entries import Layout
from senref.sync.exporter import Exporter, SyncFailure, describe_os_error, signature
from senref.sync.journal import Imported, ImportJournal
from senref.sync.manifest import Manifest
from senref.sync.merge import MergePlan, UnreadableFile, apply_unit, plan_merge
from senref.sync.outcome import SyncOutcome
from senref.sync.targets import Target, TargetStore

if TYPE_CHECKING:
    from senref.core.library import Library


@dataclass
class ReadBack:
    """What reading the file back left for the write: the user's layout, and the bytes that were read."""

    layout: Layout | None
    current: bytes | None


class FileReadBack:
    """Merges a changed target into the library, or files the conflicts the user must answer."""

    def __init__(self, lib: Library, targets: TargetStore, conflicts: ConflictStore, journal: ImportJournal) -> None:
        self.lib = lib
        self.targets = targets
        self.conflicts = conflicts
        self.journal = journal

    def read(self, target: Target, fmt: Any, exporter: Exporter, *, previous: Manifest | None,
             previous_bytes: Content | None, stored: list[Conflict], outcome: SyncOutcome) -> ReadBack | None:
        """The file changed since senref wrote it: merge it. None when the write must not go ahead."""
        whole_file = Conflict(id=Conflict.make_id(target.id, "file", "", ""), target_id=target.id, kind="file",
                              title=str(target.file),
                              library_value="overwrite the file with the library's records",
                              file_value="keep the file as it is (the target is paused)")
        decided = next((c for c in stored if c.id == whole_file.id and c.resolution), None)
        if decided is not None:
            if decided.resolution == "file":
                self.targets.set_paused(target.id, True)
                outcome.state = "paused"
                self.conflicts.clear(target.id)
                return None
            return ReadBack(None, None)  # keep library: overwrite
        if not target.two_way or previous is None or previous.signature != signature(target):
            # Not a file senref can merge entry by entry (or not one it wrote): ask, never clobber.
            self.conflicts.save(target.id, [whole_file])
            outcome.conflicts = [whole_file]
            outcome.state = "conflict"
            return None
        current = target.file.read_bytes()
        journal = self.journal.load(target.id)

        def render(items: list[Item]) -> list[bytes | None]:
            return exporter.render_items(target, items)
        try:
            plan = plan_merge(self.lib, fmt, exporter.codec, target_id=target.id, manifest=previous,
                              base=previous_bytes, current=current, render=render, resolved=stored, journal=journal)
        except UnreadableFile as exc:
            # Nothing merged, nothing written: the file waits, byte for byte, for the user's fix.
            raise SyncFailure(str(exc)) from None
        outcome.problems.extend(plan.problems)
        if plan.imports:
            # Before the import: a rerun after a kill, or after the user answers a conflict, must
            # find these entries already imported, under the keys chosen here.
            self._save_journal(target, _joined(journal, plan.imports))
            checkpoints.reached("sync_after_journal")
        renamed = self._apply(target, plan, outcome)
        if renamed:
            # Imported entries merged into items the library already had: follow them.
            self._save_journal(target, [_rekeyed(e, renamed) for e in _joined(journal, plan.imports)])
            if plan.layout is not None:
                plan.layout = Layout([(renamed.get(k, k), t) for k, t in plan.layout.blocks],
                                     [renamed.get(k, k) for k in plan.layout.order])
        checkpoints.reached("sync_after_merge")
        if plan.open_conflicts:
            self.conflicts.save(target.id, plan.conflicts)
            outcome.conflicts = plan.open_conflicts
            outcome.state = "conflict"
            return None
        return ReadBack(plan.layout, current)

    def _apply(self, target: Target, plan: MergePlan, outcome: SyncOutcome) -> dict[str, str]:
        """Merge the file's edits and new entries into the library (each a normal, undoable edit).

        Returns planned key -> saved key for new entries the library merged into an item it had.
        """
        updates = plan.updates

        def change(item: Item) -> bool:
            file_item, take = updates[item.key]
            for unit in take:
                apply_unit(item, file_item, unit)
            return bool(take)
        if updates:
            outcome.merged += len(self.lib.edit_items(list(updates), change))
        scope = target.scope
        renamed: dict[str, str] = {}
        for item in plan.new_items:
            if self.lib.has_item(item.key):
                continue  # imported by an earlier run that did not get to write the file
            collections = [scope.value] if scope.kind == "collection" else []
            if scope.kind == "tag":
                item.add_tag(scope.value)
            planned = item.key
            saved = self.lib.save_item(item, collections=collections, source=f"sync:{target.format}")
            if saved.key != planned:
                renamed[planned] = saved.key
            outcome.imported += 1
        if plan.removals:
            if scope.kind == "collection":
                self.lib.remove_from_collection(scope.value, plan.removals)
            elif scope.kind == "tag":
                for key in plan.removals:
                    self.lib.remove_tags(key, [scope.value])
            else:
                self.lib.trash(plan.removals)
        return renamed

    def _save_journal(self, target: Target, entries: list[Imported]) -> None:
        try:
            self.journal.save(target.id, entries)
        except OSError as exc:
            raise SyncFailure(f"the sync record could not be saved ({describe_os_error(exc, target.file)}); "
                              "nothing was imported") from exc


def _joined(journal: list[Imported], added: list[Imported]) -> list[Imported]:
    keys = {e.key for e in added}
    return [e for e in journal if e.key not in keys] + added


def _rekeyed(entry: Imported, renamed: dict[str, str]) -> Imported:
    return Imported(renamed.get(entry.key, entry.key), entry.citekey, entry.hash, entry.text)

