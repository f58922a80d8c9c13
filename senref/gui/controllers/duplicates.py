"""Duplicate Items: the tree row and its count, the view's groups read off the GUI thread, the scan as a job,
merges (undoable) and dismissals on the write queue. The rules live in `senref.actions.duplicates`."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QStackedWidget, QStatusBar, QWidget

from senref.actions import duplicates as duplicate_actions
from senref.actions.duplicates import DuplicateGroup, MergeReport
from senref.actions.progress import Report
from senref.core.dupscore import Candidate
from senref.core.library import Library
from senref.gui.controllers.collections import CurrentView
from senref.gui.models.collection_tree import DUPLICATES, CollectionTreeModel
from senref.gui.models.duplicates_model import ItemSummary
from senref.gui.views.duplicates_view import DuplicatesView
from senref.gui.workers import remote_jobs
from senref.gui.workers.jobs import CANCELLED, DONE, Job, JobManager
from senref.gui.workers.remote import remote_job, user_message
from senref.gui.workers.tasks import TaskRunner

log = logging.getLogger(__name__)

REFRESH_DELAY_MS = 400  # a batch of saves re-counts the duplicates once


@dataclass
class Failure:
    """An action that raised or reported problems, as the user is told about it."""

    message: str
    details: str = ""


@dataclass
class LoadedGroups:
    groups: list[DuplicateGroup]
    summaries: dict[str, ItemSummary] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: set when only the groups were counted (the view not on show): *groups* is then empty
    count: int | None = None

    @property
    def group_count(self) -> int:
        return len(self.groups) if self.count is None else self.count


def attempt(fn: Callable[[], Any]) -> Callable[[], Any]:
    """*fn* for a worker thread, its exception or a report's problems handed back as a Failure."""
    def run() -> Any:
        try:
            result = fn()
        except Exception as exc:  # shown to the user by the slot that receives it
            log.exception("duplicates action failed")
            return Failure(user_message(exc), traceback.format_exc())
        if isinstance(result, Report) and result.failed:
            return Failure("; ".join(result.problems))
        return result
    return run


def load_groups(library: Library, with_items: bool) -> LoadedGroups:
    """The stored groups, and (for the view) a summary of each of their items; runs on a worker thread.

    Without the view on show only the tree's count is needed: the pairs alone give it, where the groups
    read every member item in full (at start-up, a second of a thread).
    """
    if not with_items:
        return LoadedGroups([], count=count_groups(library.duplicate_candidates()))
    report = duplicate_actions.list_duplicates(library)
    summaries: dict[str, ItemSummary] = {}
    if with_items:
        for group in report.groups:
            for key in group.keys:
                if key not in summaries:
                    try:
                        summaries[key] = ItemSummary.of(library.get_item(key))
                    except KeyError:
                        summaries[key] = ItemSummary.missing(key)
    return LoadedGroups(list(report.groups), summaries, report.problems + report.warnings)


def count_groups(pairs: Iterable[Candidate]) -> int:
    """How many groups `list_duplicates` makes of *pairs*: pairs sharing an item are one group."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key
    for pair in pairs:
        parent[root(pair.a)] = root(pair.b)
    return len({root(key) for key in list(parent)})


class MergeCommand(QUndoCommand):
    """A merge already written (pushed once it succeeded); undo runs `undo_merge` with its token."""

    def __init__(self, controller: DuplicatesController, keys: list[str], master: str, choices: dict[str, str],
                 token: str) -> None:
        super().__init__(f"Merge {len(keys)} Items")
        self.controller, self.keys, self.master, self.choices, self.token = controller, keys, master, choices, token
        self._written = True

    def redo(self) -> None:
        if self._written:
            self._written = False  # QUndoStack.push redoes at once: that merge has just been written
            return
        self.controller.run_merge(self.keys, self.master, self.choices, self)

    def undo(self) -> None:
        token, self.token = self.token, ""
        self.controller.run_undo(token)


class DuplicatesController(QObject):
    """Shows the Duplicate Items view in place of the table when its tree row is chosen, and runs its requests.

    Signals:
        problem_found(str, str): title and message of a failure the user must see.
        groups_loaded(int): the groups were read (their number).
        merged(object): a MergeReport, after a merge (or its redo) was written.
        merge_undone(object): the MergeReport of `undo_merge` (None when there was nothing to undo).
        dismissed(object): the keys just marked as not duplicates.
    """

    problem_found = Signal(str, str)
    groups_loaded = Signal(int)
    merged = Signal(object)
    merge_undone = Signal(object)
    dismissed = Signal(object)

    def __init__(self, library: Library, view: DuplicatesView, *, tree: CollectionTreeModel, current_view: CurrentView,
                 pages: QStackedWidget, pane: QWidget | None, jobs: JobManager, reads: TaskRunner, writes: TaskRunner,
                 undo_stack: QUndoStack, status: QStatusBar, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.view, self.tree, self.current_view = library, view, tree, current_view
        self.pages, self.pane, self.jobs, self.reads, self.writes = pages, pane, jobs, reads, writes
        self.undo_stack, self.status = undo_stack, status
        self.scan: Job | None = None
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        view.scan_requested.connect(self.on_scan_requested)
        view.merge_requested.connect(self.on_merge_requested)
        view.dismiss_requested.connect(self.on_dismiss_requested)
        view.undo_requested.connect(self.on_undo_requested)
        jobs.job_changed.connect(self.on_job_changed)
        jobs.job_finished.connect(self.on_job_finished)
        undo_stack.indexChanged.connect(self.on_undo_index_changed)

    @property
    def showing(self) -> bool:
        return self.current_view()[0] == DUPLICATES

    def stop(self) -> None:
        """No more refreshes; and the undo stack, cleared as the window is destroyed, is no longer followed."""
        self.refresh_timer.stop()
        self.undo_stack.indexChanged.disconnect(self.on_undo_index_changed)

    # -- the tree row and the view -------------------------------------------------------------
    def on_view_changed(self) -> None:
        showing = self.showing
        # The stack's first page is what the view stands in for (the table or the welcome page).
        self.pages.setCurrentIndex(self.pages.indexOf(self.view) if showing else 0)
        if self.pane is not None:
            self.pane.setVisible(not showing)  # the comparison is the item pane of this view
        if showing:
            self.refresh()

    def on_library_changed(self, *_args: Any) -> None:
        if not self.refresh_timer.isActive():
            self.refresh_timer.start()

    def refresh(self) -> None:
        """Re-read the groups: their count for the tree, and their items too when the view is on show."""
        self.refresh_timer.stop()
        library, with_items = self.library, self.showing
        self.reads.run(attempt(lambda: load_groups(library, with_items)), self.on_groups_loaded, name="duplicates")

    def on_groups_loaded(self, result: LoadedGroups | Failure) -> None:
        if isinstance(result, Failure):
            self.tree.set_duplicate_count(None)
            self.view.show_message(f"Cannot list the duplicates: {result.message}", problem=True)
            if self.showing:  # asked for; a failed count at start-up waits until the user looks
                self.problem_found.emit("Cannot list the duplicates", result.message)
            return
        self.tree.set_duplicate_count(result.group_count)
        if self.showing and result.count is None:  # a count read before the view was shown: its own read follows
            self.view.set_groups(result.groups, result.summaries)
            if result.warnings:
                self.view.show_message("; ".join(result.warnings), problem=True)
        self.groups_loaded.emit(result.group_count)

    # -- scanning ------------------------------------------------------------------------------
    def on_scan_requested(self) -> None:
        if self.scan is not None and self.scan.active:
            return
        library = self.library
        self.scan = self.jobs.submit("Find duplicates", remote_job(library, remote_jobs.find_duplicates))
        self.view.set_scanning(True)
        self.view.show_message("Scanning the library for likely duplicates…")

    def on_job_changed(self, job: Job) -> None:
        if job is self.scan and job.active:
            self.view.set_scanning(True, job.done, job.total)

    def on_job_finished(self, job: Job) -> None:
        if job is not self.scan:
            return
        self.view.set_scanning(False)
        if job.state == DONE and isinstance(job.result, Report) and job.result.failed:
            message = "; ".join(job.result.problems)
            self.view.show_message(f"The scan did not finish: {message}", problem=True)
            self.problem_found.emit("The duplicate scan did not finish", message)
        elif job.state == DONE:
            self.view.show_message("")
            self.status.showMessage(f"Find duplicates: {job.summary}", 8000)
        elif job.state == CANCELLED:
            self.view.show_message("Scan cancelled; the groups below are from before it.")
        else:  # failed: the job status shows the error box; the view says it too
            self.view.show_message(f"The scan failed: {job.summary}", problem=True)
        self.refresh()

    # -- merging -------------------------------------------------------------------------------
    def on_merge_requested(self, keys: list[str], master: str, choices: dict[str, str]) -> None:
        self.run_merge(list(keys), master, dict(choices), None)

    def run_merge(self, keys: list[str], master: str, choices: dict[str, str], command: MergeCommand | None) -> None:
        library = self.library
        self.view.set_busy(True)
        self.writes.run(attempt(lambda: duplicate_actions.merge_duplicates(library, keys, master=master, choices=choices)),
                        lambda result: self.on_merge_written(result, keys, master, choices, command))

    def on_merge_written(self, result: MergeReport | Failure, keys: list[str], master: str, choices: dict[str, str],
                         command: MergeCommand | None) -> None:
        self.view.set_busy(False)
        if isinstance(result, Failure):
            self.view.show_message(f"Cannot merge these items: {result.message}", problem=True)
            self.problem_found.emit("Cannot merge these items", result.message)
            return
        if command is None:
            self.undo_stack.push(MergeCommand(self, keys, master, choices, result.undo_token))
        else:
            command.token = result.undo_token
        self.status.showMessage(f"{result.summary().capitalize()} (Ctrl+Z or Undo Merge to undo)", 10_000)
        self.on_undo_index_changed()
        self.merged.emit(result)
        self.refresh()

    def on_undo_requested(self) -> None:
        if self.last_merge_on_top():
            self.undo_stack.undo()

    def last_merge_on_top(self) -> bool:
        index = self.undo_stack.index()
        return index > 0 and isinstance(self.undo_stack.command(index - 1), MergeCommand)

    def on_undo_index_changed(self, *_args: Any) -> None:
        self.view.set_undo_available(self.last_merge_on_top())

    def run_undo(self, token: str) -> None:
        if not token:
            self.status.showMessage("Nothing to undo: that merge was not written", 6000)
            self.merge_undone.emit(None)
            return
        library = self.library
        self.writes.run(attempt(lambda: duplicate_actions.undo_merge(library, token)), self.on_undo_written)

    def on_undo_written(self, result: MergeReport | Failure) -> None:
        if isinstance(result, Failure):
            self.view.show_message(f"Cannot undo the merge: {result.message}", problem=True)
            self.problem_found.emit("Cannot undo the merge", result.message)
            return
        self.status.showMessage("Merge undone: the merged items are back", 6000)
        self.merge_undone.emit(result)
        self.refresh()

    # -- not duplicates ------------------------------------------------------------------------
    def on_dismiss_requested(self, keys: list[str]) -> None:
        library, keys = self.library, list(keys)
        self.view.set_busy(True)
        self.writes.run(attempt(lambda: duplicate_actions.dismiss_duplicates(library, keys)),
                        lambda result: self.on_dismiss_written(result, keys))

    def on_dismiss_written(self, result: Report | Failure, keys: list[str]) -> None:
        self.view.set_busy(False)
        if isinstance(result, Failure):
            self.view.show_message(f"Cannot mark these items as not duplicates: {result.message}", problem=True)
            self.problem_found.emit("Cannot mark these items as not duplicates", result.message)
            return
        self.status.showMessage(f"{len(keys)} items marked as not duplicates: they will not be offered again", 6000)
        self.dismissed.emit(keys)
        self.refresh()
