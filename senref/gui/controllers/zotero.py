"""Zotero sync from the window: File > Connect to Zotero…, the toolbar's Sync with Zotero, the optional
interval ([zotero] sync_minutes), and the conflicts a sync leaves for the user.

The sync runs as a job in a worker process (`remote_jobs.zotero_sync`), so the jobs panel shows its
progress and cancels it; connecting and reading the account run on the reads runner (network, keychain),
decisions on the writes runner, in order with the user's edits. A decision waits while a sync runs: both
write the sync state, and the sync would put a decided conflict back.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar, QToolButton, QWidget

from senref.core.library import Library
from senref.core.settings import Settings
from senref.gui.workers import remote_jobs
from senref.gui.workers.jobs import Job, JobManager
from senref.gui.workers.remote import RemoteJob, remote_job, user_message
from senref.gui.workers.tasks import TaskRunner
from senref.zotero.account import Account, load_account, read_key
from senref.zotero.state import Conflict, load_state

if TYPE_CHECKING:
    # senref.actions.zotero loads on the first connect, sync or decision (it brings the Web API client and
    # requests, ~0.5 s, which the start-up's read of the conflicts never needs); the dialogs when first opened.
    from senref.actions import zotero as zotero_actions
    from senref.gui.dialogs.zotero_conflicts_dialog import ZoteroConflictsDialog
    from senref.gui.dialogs.zotero_connect_dialog import ZoteroConnectDialog

MESSAGE_MS = 10_000
#: How often the interval is checked (the interval itself is whole minutes).
TICK_MS = 30_000
SYNC_TITLE = "Sync with Zotero"
WAIT_FOR_SYNC = "Wait for the running sync to finish before deciding."


def sync_minutes(settings: Settings) -> int:
    """`[zotero] sync_minutes` of settings.toml: minutes between automatic syncs, 0 (the default) for none."""
    return max(0, settings.zotero_sync_minutes)


def is_zotero_sync(job: Job) -> bool:
    return isinstance(job.fn, RemoteJob) and job.fn.call.fn is remote_jobs.zotero_sync


def _connection(library: Library) -> tuple[Account | None, list[Conflict]]:
    """The account, if its key can be read (a keychain may take a while: never on the GUI thread), and the open conflicts."""
    account = load_account(library.folder)
    if account is not None and read_key(account.key_name) is None:
        account = None
    state = load_state(library.folder)  # what senref.actions.zotero.conflicts reads
    return account, list(state.conflicts) if state is not None else []


class ZoteroController(QObject):
    """Owns the Zotero actions, dialogs, interval timer and conflict notice of one window."""

    def __init__(self, library: Library, settings: Settings, *, jobs: JobManager, reads: TaskRunner,
                 writes: TaskRunner, status: QStatusBar, dialog_parent: QWidget, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.settings, self.jobs, self.reads, self.writes = library, settings, jobs, reads, writes
        self.status, self.dialog_parent = status, dialog_parent
        self.account: Account | None = None
        self.conflicts: list[Conflict] = []
        self.connect_dialog: ZoteroConnectDialog | None = None
        self.conflicts_dialog: ZoteroConflictsDialog | None = None
        #: decisions sent to the write thread and not yet written (a sync waits for them)
        self.deciding = 0
        self.last_sync = time.monotonic()
        self.connect_action = QAction("Connect to Zotero…", self)
        self.connect_action.setStatusTip("Sync this library with your Zotero library or a group's")
        self.connect_action.triggered.connect(self.open_connect)
        self.sync_action = QAction(SYNC_TITLE, self)
        self.sync_action.setObjectName("zoteroSyncAction")
        self.sync_action.triggered.connect(self.sync_now)
        self.notice = QToolButton(status)
        self.notice.setObjectName("zoteroConflictNotice")
        self.notice.setAutoRaise(True)
        self.notice.clicked.connect(self.open_conflicts)
        self.notice.hide()
        status.addPermanentWidget(self.notice)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.on_tick)
        jobs.job_changed.connect(self.on_job_changed)
        jobs.job_finished.connect(self.on_job_finished)
        self._update_actions()

    def actions(self) -> tuple[QAction, QAction]:
        return self.connect_action, self.sync_action

    def start(self) -> None:
        """Read the connection and the conflicts left by an earlier session (or the CLI); start the interval."""
        self.reload()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def reload(self) -> None:
        library = self.library
        self.reads.run(lambda: _connection(library), self._on_connection, name="zotero-connection")

    def _on_connection(self, answer: tuple[Account | None, list[Conflict]]) -> None:
        self.account, conflicts = answer
        self._update_actions()
        if self.connect_dialog is not None:
            self.connect_dialog.set_current(self.account.describe() if self.account is not None else "")
        if not self.sync_running():
            self.set_conflicts(conflicts)

    # -- connecting ----------------------------------------------------------------------------
    def open_connect(self) -> ZoteroConnectDialog:
        if self.connect_dialog is None:
            from senref.gui.dialogs.zotero_connect_dialog import ZoteroConnectDialog

            self.connect_dialog = ZoteroConnectDialog(self.account.describe() if self.account else "",
                                                      self.dialog_parent)
            self.connect_dialog.connect_requested.connect(self.on_connect_requested)
        self.connect_dialog.open()
        return self.connect_dialog

    def on_connect_requested(self, key: str, group: int | None) -> None:
        library, settings = self.library, self.settings

        def check() -> tuple[zotero_actions.ConnectReport | None, str]:
            from senref.actions import zotero as zotero_actions

            try:
                return zotero_actions.connect(library, settings, key, group=group), ""
            except (OSError, ValueError) as exc:  # the key file or the sync state could not be written
                return None, user_message(exc)
        self.reads.run(check, self._on_connected)

    def _on_connected(self, answer: tuple[zotero_actions.ConnectReport | None, str]) -> None:
        report, problem = answer
        dialog = self.connect_dialog
        if report is None or report.problems or report.account is None:
            if dialog is not None:
                dialog.show_problem(problem or "; ".join(report.problems if report else []) or "not connected")
            return
        self.account = report.account
        self._update_actions()
        self.status.showMessage(f"Connected to Zotero: {report.account.prefix}", MESSAGE_MS)
        if dialog is not None:
            dialog.set_current(report.account.describe())
            dialog.show_result(report.summary(), report.warnings)

    # -- syncing -------------------------------------------------------------------------------
    def sync_running(self) -> bool:
        return any(is_zotero_sync(job) for job in self.jobs.active_jobs())

    def sync_now(self) -> Job | None:
        if self.account is None or self.sync_running() or self.deciding:
            return None
        self.last_sync = time.monotonic()
        job = self.jobs.submit(SYNC_TITLE, remote_job(self.library, remote_jobs.zotero_sync, settings=self.settings))
        self._update_actions()
        return job

    def on_tick(self) -> None:
        minutes = sync_minutes(self.settings)
        if minutes and time.monotonic() - self.last_sync >= minutes * 60:
            self.sync_now()

    def on_job_changed(self, job: Job) -> None:
        if is_zotero_sync(job):
            self._update_actions()

    def on_job_finished(self, job: Job) -> None:
        if not is_zotero_sync(job):
            return
        self.last_sync = time.monotonic()  # the interval counts from the end of the last sync
        self._update_actions()
        result = job.result
        from senref.actions import zotero as zotero_actions

        if isinstance(result, zotero_actions.ZoteroReport) and result.result is not None:
            before = {c.id for c in self.conflicts}
            self.set_conflicts(result.conflicts)
            new = [c for c in result.conflicts if c.id not in before]
            if new:
                self.status.showMessage(f"Zotero sync: {len(new)} new conflict{'s' if len(new) != 1 else ''}; "
                                        "your values stay until you decide", MESSAGE_MS)
        elif not self.sync_running():
            self.reload()  # a failed or cancelled sync may still have saved conflicts on the way

    def _update_actions(self) -> None:
        connected = self.account is not None
        running = self.sync_running()
        self.sync_action.setEnabled(connected and not running and not self.deciding)
        tip = (f"Sync with {self.account.prefix} on Zotero" if self.account is not None
               else "Connect to Zotero first (File ▸ Connect to Zotero…)")
        self.sync_action.setToolTip(tip)
        self.sync_action.setStatusTip(tip)
        if self.conflicts_dialog is not None:
            self.conflicts_dialog.set_waiting(WAIT_FOR_SYNC if running else "")

    # -- conflicts -----------------------------------------------------------------------------
    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.conflicts = list(conflicts)
        if self.conflicts_dialog is not None:
            self.conflicts_dialog.set_conflicts(self.conflicts)
        self.update_notice()

    def update_notice(self) -> None:
        count = len(self.conflicts)
        self.notice.setText(f"⚠ {count} Zotero conflict{'s' if count != 1 else ''} — Show")
        self.notice.setToolTip("Changes made both here and in Zotero: decide which to keep")
        self.notice.setVisible(count > 0)

    def open_conflicts(self) -> ZoteroConflictsDialog:
        if self.conflicts_dialog is None:
            from senref.gui.dialogs.zotero_conflicts_dialog import ZoteroConflictsDialog

            self.conflicts_dialog = ZoteroConflictsDialog(self.dialog_parent)
            self.conflicts_dialog.keep_requested.connect(self.on_keep_requested)
        self.conflicts_dialog.set_conflicts(self.conflicts)
        self.conflicts_dialog.set_waiting(WAIT_FOR_SYNC if self.sync_running() else "")
        self.conflicts_dialog.open()
        return self.conflicts_dialog

    def on_keep_requested(self, conflict_id: str, keep: str) -> None:
        if self.sync_running():
            if self.conflicts_dialog is not None:
                self.conflicts_dialog.decision_failed(conflict_id)
            return
        library = self.library

        def decide() -> tuple[Conflict | None, str]:
            from senref.actions import zotero as zotero_actions

            try:
                return zotero_actions.resolve(library, conflict_id, keep), ""
            except KeyError:
                return None, ""  # decided meanwhile (the CLI, or another window): nothing left to do
            except Exception as exc:  # the count of pending decisions must come down whatever happened
                return None, user_message(exc)
        self.deciding += 1
        self._update_actions()
        self.writes.run(decide, lambda answer: self._on_decided(conflict_id, keep, *answer))

    def _on_decided(self, conflict_id: str, keep: str, conflict: Conflict | None, problem: str) -> None:
        self.deciding -= 1
        self._update_actions()
        if problem:
            if self.conflicts_dialog is not None:
                self.conflicts_dialog.decision_failed(conflict_id)
            self.status.showMessage(f"Cannot keep that value: {problem}", MESSAGE_MS)
            return
        if self.conflicts_dialog is not None:
            self.conflicts_dialog.remove_conflict(conflict_id)
        self.set_conflicts([c for c in self.conflicts if c.id != conflict_id])
        if conflict is not None:
            from senref.gui.dialogs.zotero_conflicts_dialog import describe_field

            side = "your" if keep == "local" else "Zotero's"
            self.status.showMessage(f"Kept {side} {describe_field(conflict)} of “{conflict.title or conflict.key}”; "
                                    "the next sync sends it", MESSAGE_MS)
