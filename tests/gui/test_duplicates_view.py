"""Duplicate Items: the tree row and its count, the groups with their reasons, master and per-field picks passed to
the merge, undo with the merge's token, Not Duplicates, the scan as a job; no action runs on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from senref.actions import duplicates as duplicate_actions
from senref.actions.duplicates import DuplicateGroup, DuplicatesReport, FieldDifference, MergeReport
from senref.actions.progress import Progress, Report
from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.gui.models.collection_tree import DUPLICATES, LIBRARY
from senref.gui.models.duplicates_model import COL_ITEMS, COL_REASONS, ComparisonModel, DuplicateGroupsModel, ItemSummary
from senref.gui.workers.processes import ProcessWorker
from tests.gui.conftest import SAMPLE, _open, add_items, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

#: two records of one paper as an import and a fetch would leave them (our own, written for this test)
LOOKALIKES = [
    {"title": "Senescence-associated secretory phenotypes reveal cell-nonautonomous functions",
     "date": "2008", "publicationTitle": "PLoS Biol", "creators": ["Coppé", "Patil", "Rodier"]},
    {"title": "Senescence-Associated Secretory Phenotypes Reveal Cell-Nonautonomous Functions",
     "date": "2009", "publicationTitle": "PLoS Biology", "pages": "e301", "creators": ["Coppe", "Patil", "Rodier"]},
]


class FakeActions:
    """Stand-ins for `senref.actions.duplicates` with its dataclasses; each call notes whether it ran on the GUI thread."""

    def __init__(self, groups: list[DuplicateGroup]) -> None:
        self.groups = groups
        self.calls: list[tuple[Any, ...]] = []
        self.on_gui_thread: list[str] = []
        self.dismissed: set[frozenset[str]] = set()
        self.scan_may_finish = threading.Event()
        self.scan_may_finish.set()
        self.merge_error: Exception | None = None

    def _called(self, *call: Any) -> None:
        self.calls.append(call)
        if threading.current_thread() is threading.main_thread():
            self.on_gui_thread.append(str(call[0]))

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeActions:
        for name in ("list_duplicates", "find_duplicates", "merge_duplicates", "undo_merge", "dismiss_duplicates"):
            monkeypatch.setattr(duplicate_actions, name, getattr(self, name))
        return self

    def calls_named(self, name: str) -> list[tuple[Any, ...]]:
        return [call for call in self.calls if call[0] == name]

    def list_duplicates(self, library: Library) -> DuplicatesReport:
        self._called("list")
        return DuplicatesReport(groups=[g for g in self.groups if frozenset(g.keys) not in self.dismissed], scanned=5)

    def find_duplicates(self, library: Library, *, progress: Any = None, should_stop: Any = None) -> DuplicatesReport:
        self._called("find")
        progress(Progress(1, 2, "compared titles"))
        self.scan_may_finish.wait(10)
        progress(Progress(2, 2, "compared creators"))
        return self.list_duplicates(library)

    def merge_duplicates(self, library: Library, keys: list[str], *, master: str | None = None,
                         choices: dict[str, str] | None = None) -> MergeReport:
        self._called("merge", list(keys), master, dict(choices or {}))
        if self.merge_error is not None:
            raise self.merge_error
        merged = [key for key in keys if key != master]
        return MergeReport(master=master or keys[0], merged=merged, undo_token=f"undo-{len(self.calls)}")

    def undo_merge(self, library: Library, token: str) -> MergeReport:
        self._called("undo", token)
        return MergeReport(master="", merged=[])

    def dismiss_duplicates(self, library: Library, keys: list[str]) -> Report:
        self._called("dismiss", list(keys))
        self.dismissed.add(frozenset(keys))
        return Report()


def lookalike_group(a: str, b: str) -> DuplicateGroup:
    return DuplicateGroup(
        keys=(a, b), score=0.93, master=a,
        reasons=("title 98 % alike", "same first author (Coppé)", "year 2008 vs 2009"),
        differences=(FieldDifference("date", {a: "2008", b: "2009"}),
                     FieldDifference("pages", {a: "", b: "e301"}),
                     FieldDifference("publicationTitle", {a: "PLoS Biol", b: "PLoS Biology"})))


@pytest.fixture
def keys(gui_library: Library) -> list[str]:
    add_items(gui_library, SAMPLE)
    return add_items(gui_library, LOOKALIKES)


@pytest.fixture
def fake(keys: list[str], monkeypatch: pytest.MonkeyPatch) -> FakeActions:
    return FakeActions([lookalike_group(*keys)]).install(monkeypatch)


@pytest.fixture
def win(qtbot: Any, gui_library: Library, fake: FakeActions) -> Iterator[Any]:
    yield from _open(qtbot, gui_library)
    assert fake.on_gui_thread == []  # every action ran on a worker thread


def open_duplicates(qtbot: Any, win: Any) -> Any:
    """Click the Duplicate Items row of the tree, as the user does; the view on show, its groups read."""
    tree = win.collection_view
    index = win.collection_model.find(DUPLICATES)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center())
    view = win.duplicates_view
    qtbot.waitUntil(lambda: win.pages.currentWidget() is view)
    wait_idle(qtbot, win)
    return view


def click_cell(qtbot: Any, table: Any, index: QModelIndex) -> None:
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def test_tree_row_counts_groups_and_opens_the_view(qtbot: Any, win: Any, keys: list[str]) -> None:
    row = win.collection_model.find(DUPLICATES)
    qtbot.waitUntil(lambda: row.data() == "Duplicate Items (1)")
    view = open_duplicates(qtbot, win)
    assert not win.pane.isVisible()  # the comparison stands in for the item pane
    model = view.groups_model
    assert model.rowCount() == 1
    assert "title 98 % alike" in model.index(0, COL_REASONS).data()
    assert "year 2008 vs 2009" in model.index(0, COL_REASONS).data()
    items = model.index(0, COL_ITEMS).data().splitlines()
    assert items == ["Senescence-associated secretory phenotypes reveal cell-nonautonomous functions (2008) — Coppé",
                     "Senescence-Associated Secretory Phenotypes Reveal Cell-Nonautonomous Functions (2009) — Coppe"]
    assert view.merge_button.text() == "Merge 2 Items"
    assert view.comparison_model.rowCount() == 3
    win.collection_controller.select_collection(LIBRARY)
    qtbot.waitUntil(lambda: win.pages.currentWidget() is win.centre)
    assert win.pane.isVisible() and win.centre.currentWidget() is win.table


def test_merge_passes_master_and_picked_values_then_undo_uses_the_token(qtbot: Any, win: Any, fake: FakeActions,
                                                                        keys: list[str]) -> None:
    a, b = keys
    view = open_duplicates(qtbot, win)
    view.master_button(b).click()
    comparison = view.comparison
    date_row = next(r for r in range(3) if view.comparison_model.rows[r].name == "date")
    empty_pages = view.comparison_model.index(next(r for r in range(3) if view.comparison_model.rows[r].name == "pages"), 0)
    click_cell(qtbot, comparison, view.comparison_model.index(date_row, 0))  # keep A's year
    click_cell(qtbot, comparison, empty_pages)  # A has no pages: nothing to pick there
    assert view.comparison_model.index(date_row, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    with qtbot.waitSignal(win.duplicates_controller.merged):
        view.merge_button.click()
    assert fake.calls_named("merge") == [("merge", [a, b], b, {"date": a})]
    token = f"undo-{fake.calls.index(fake.calls_named('merge')[0]) + 1}"
    assert "Ctrl+Z" in win.statusBar().currentMessage()
    assert win.undo_stack.undoText() == "Merge 2 Items" and view.undo_button.isEnabled()
    with qtbot.waitSignal(win.duplicates_controller.merge_undone) as undone:
        view.undo_button.click()
    assert undone.args[0] is not None
    assert fake.calls_named("undo") == [("undo", token)]
    assert not view.undo_button.isEnabled()
    with qtbot.waitSignal(win.duplicates_controller.merged):
        win.undo_stack.redo()  # Edit ▸ Redo merges again, with the same choices
    assert fake.calls_named("merge")[-1] == fake.calls_named("merge")[0]
    wait_idle(qtbot, win)


def test_not_duplicates_dismisses_the_group(qtbot: Any, win: Any, fake: FakeActions, keys: list[str]) -> None:
    view = open_duplicates(qtbot, win)
    with qtbot.waitSignal(win.duplicates_controller.dismissed):
        view.dismiss_button.click()
    assert fake.calls_named("dismiss") == [("dismiss", keys)]
    qtbot.waitUntil(lambda: view.groups_model.rowCount() == 0)
    assert win.collection_model.find(DUPLICATES).data() == "Duplicate Items"
    assert view.message.isVisible() and not view.merge_button.isEnabled()
    wait_idle(qtbot, win)


def test_scan_runs_as_a_job_in_a_worker_process_with_progress(qtbot: Any, win: Any, fake: FakeActions) -> None:
    """The scan is the real one, in a worker process (where this test's stand-ins do not reach)."""
    view = open_duplicates(qtbot, win)
    with qtbot.waitSignal(win.jobs.job_finished, timeout=30_000) as finished:
        view.scan_button.click()
        assert not view.scan_button.isEnabled()
    job = finished.args[0]
    assert job.title == "Find duplicates" and job.state == "done", job.status_text
    assert isinstance(job.worker, ProcessWorker)
    assert job.total > 0 and job.done == job.total  # the real scan's progress reached the window
    assert not fake.calls_named("find")
    assert not view.progress.isVisible() and view.scan_button.isEnabled()
    wait_idle(qtbot, win)


def test_a_failed_merge_is_shown_and_leaves_nothing_to_undo(qtbot: Any, win: Any, fake: FakeActions) -> None:
    fake.merge_error = RuntimeError("the library is locked by another program")
    view = open_duplicates(qtbot, win)
    with qtbot.waitSignal(win.duplicates_controller.problem_found) as problem:
        view.merge_button.click()
    assert problem.args == ["Cannot merge these items", "the library is locked by another program"]
    assert view.message.isVisible() and view.message.property("problem")
    assert any("locked" in box.text() for box in win.error_boxes)
    assert not win.undo_stack.canUndo() and view.merge_button.isEnabled()
    wait_idle(qtbot, win)


def test_a_failed_listing_says_so_in_the_view(qtbot: Any, win: Any, fake: FakeActions,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(library: Library) -> DuplicatesReport:
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(duplicate_actions, "list_duplicates", broken)
    with qtbot.waitSignal(win.duplicates_controller.problem_found):
        open_duplicates(qtbot, win)
    assert "Input/output error" in win.duplicates_view.message.text()
    assert win.collection_model.find(DUPLICATES).data() == "Duplicate Items"


def test_models_pass_the_model_tester(qtmodeltester: Any, keys: list[str]) -> None:
    a, b = keys
    group = lookalike_group(a, b)
    summaries = {a: ItemSummary(a, "One", "2008", "Coppé"), b: ItemSummary(b, "One", "2009", "Coppe")}
    groups = DuplicateGroupsModel()
    groups.set_groups([group], summaries)
    qtmodeltester.check(groups)
    comparison = ComparisonModel()
    comparison.set_group(group, summaries)
    qtmodeltester.check(comparison)
    assert comparison.choices() == {}  # nothing picked yet: the action's rules apply
    # What the merge keeps by default: the master's value, else the first other item's.
    assert [comparison.chosen(row) for row in range(3)] == [a, b, a]
    assert not comparison.pick(comparison.index(1, 0))  # no value to keep
    assert comparison.pick(comparison.index(0, 1)) and comparison.choices() == {"date": b}
    with_doi = DuplicateGroup((a, b), 1.0, ("same DOI",), a, "doi",
                              (FieldDifference("identifier:doi", {a: "10.1/x", b: "10.1/y"}),))
    comparison.set_group(with_doi, summaries)
    qtmodeltester.check(comparison)
    assert comparison.headerData(0, Qt.Orientation.Vertical) == "DOI"
    assert not comparison.pick(comparison.index(0, 1)) and comparison.choices() == {}  # every identifier is kept
    assert comparison.headerData(0, Qt.Orientation.Horizontal) == f"Coppé 2008 · {a}\n(master)"


@pytest.fixture
def real_win(qtbot: Any, gui_library: Library, keys: list[str]) -> Iterator[Any]:
    yield from _open(qtbot, gui_library)


def test_real_actions_scan_merge_and_undo(qtbot: Any, real_win: Any, gui_library: Library, keys: list[str]) -> None:
    """The real `senref.actions.duplicates` over a real library: the two look-alikes are found, merged, restored."""
    a, b = keys
    view = open_duplicates(qtbot, real_win)
    with qtbot.waitSignal(real_win.jobs.job_finished, timeout=30_000) as finished:
        view.scan_button.click()
    assert finished.args[0].state == "done", finished.args[0].summary
    qtbot.waitUntil(lambda: view.groups_model.row_of([a, b]) >= 0)
    view.groups_table.selectRow(view.groups_model.row_of([a, b]))
    assert view.groups_model.index(view.groups_model.row_of([a, b]), COL_REASONS).data()  # reasons are shown
    comparison = view.comparison_model
    view.master_button(b).click()
    date_row = next(r for r, d in enumerate(comparison.rows) if d.name == "date")
    click_cell(qtbot, view.comparison, comparison.index(date_row, comparison.keys.index(a)))  # keep 2008
    before = gui_library.count(ItemQuery())
    with qtbot.waitSignal(real_win.duplicates_controller.merged):
        view.merge_button.click()
    assert gui_library.count(ItemQuery()) == before - 1
    assert gui_library.get_item(a).deleted and gui_library.get_item(b).fields["date"] == "2008"
    assert gui_library.get_item(b).fields["pages"] == "e301"
    with qtbot.waitSignal(real_win.duplicates_controller.merge_undone):
        view.undo_button.click()
    assert gui_library.count(ItemQuery()) == before
    assert not gui_library.get_item(a).deleted and gui_library.get_item(b).fields["date"] == "2009"
    wait_idle(qtbot, real_win)
