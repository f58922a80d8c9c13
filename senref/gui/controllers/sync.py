"""Sync from the window: "Keep in Sync…" dialogs, the panel's Add/Edit, and conflicts the user sees without the dock.

A conflict raises a status-bar message, a persistent status-bar button ("N sync conflicts") that opens the
conflict dialog, and the Sync dock, raised with its title flagged; all three go once nothing is left open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget, QStatusBar, QToolButton, QWidget

from senref.core.library import Collection
from senref.gui.sync_panel import SyncPanel
from senref.gui.sync_service import SyncService
from senref.sync.targets import Scope, Target, TargetError

if TYPE_CHECKING:
    # The dialogs load when first opened: the window's start-up paints none of them.
    from senref.gui.dialogs.sync_conflicts_dialog import SyncConflictsDialog
    from senref.gui.dialogs.sync_target_dialog import SyncTargetDialog

#: How long the status-bar message about new conflicts stays (the button stays until they are decided).
MESSAGE_MS = 10_000


class SyncController(QObject):
    """Opens the target and conflict dialogs over one SyncService and keeps the conflict notice current."""

    def __init__(self, service: SyncService, panel: SyncPanel, *, dock: QDockWidget, status: QStatusBar,
                 collections: Callable[[], list[Collection]], subcollection_items: Callable[[], bool],
                 dialog_parent: QWidget, parent: Any = None) -> None:
        super().__init__(parent)
        self.service, self.panel, self.dock, self.status = service, panel, dock, status
        self.collections, self.subcollection_items = collections, subcollection_items
        self.dialog_parent = dialog_parent
        self.dock_title = dock.windowTitle()
        self.dialog: SyncTargetDialog | None = None
        self.conflicts_dialog: SyncConflictsDialog | None = None
        self.notice = QToolButton(status)
        self.notice.setObjectName("syncConflictNotice")
        self.notice.setAutoRaise(True)
        self.notice.clicked.connect(self.open_conflicts)
        self.notice.hide()
        status.addPermanentWidget(self.notice)
        panel.add_requested.connect(lambda: self.open_new_target(Scope()))
        panel.edit_requested.connect(self.open_edit_target)
        panel.conflicts_requested.connect(self.open_conflicts)
        service.conflicts_found.connect(self.on_conflicts_found)
        service.conflicts_changed.connect(self.update_notice)
        service.problem.connect(lambda message: status.showMessage(message, MESSAGE_MS))
        self.update_notice()  # conflicts left open by an earlier session or by the CLI

    # -- scopes of the places "Keep in Sync…" is offered ---------------------------------------
    def collection_scope(self, key: str) -> Scope:
        """A collection as its table shows it: with subcollections only under View > Show Items from Subcollections."""
        return Scope("collection", key, self.subcollection_items())

    # -- target dialogs ------------------------------------------------------------------------
    def open_new_target(self, scope: Scope, base_name: str = "") -> SyncTargetDialog:
        """The Keep in Sync dialog pre-filled with *scope*; OK keeps the target and writes it at once."""
        from senref.gui.dialogs.sync_target_dialog import SyncTargetDialog

        dialog = SyncTargetDialog(self.collections(), scope=scope, start_dir=Path.home(),
                                  base_name=_file_name(base_name or self._scope_name(scope)),
                                  parent=self.dialog_parent)
        dialog.submit = self._add
        return self._show(dialog)

    def open_edit_target(self, target_id: str) -> SyncTargetDialog | None:
        from senref.gui.dialogs.sync_target_dialog import SyncTargetDialog

        target = next((t for t in self.service.targets() if t.id == target_id), None)
        if target is None:
            return None
        dialog = SyncTargetDialog(self.collections(), start_dir=target.file.parent, existing=target,
                                  parent=self.dialog_parent)
        dialog.submit = lambda changed: self._edit(target_id, changed)
        return self._show(dialog)

    def keep_export_in_sync(self, target: Target) -> str:
        """The Export dialog's "Keep this file in sync": the target's first write is the export."""
        return self._add(target)

    def _show(self, dialog: SyncTargetDialog) -> SyncTargetDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add(self, target: Target) -> str:
        try:
            added = self.service.add_target(target)
        except TargetError as exc:
            return str(exc)
        self.status.showMessage(f"Keeping {added.file.name} in sync; writing it now…", MESSAGE_MS)
        return ""

    def _edit(self, target_id: str, changed: Target) -> str:
        try:
            self.service.edit_target(target_id, changed)
        except TargetError as exc:
            return str(exc)
        return ""

    def _scope_name(self, scope: Scope) -> str:
        if scope.kind == "collection":
            return next((c.name for c in self.collections() if c.key == scope.value), "collection")
        return scope.value if scope.kind in ("tag", "search") else "library"

    # -- conflicts -----------------------------------------------------------------------------
    def on_conflicts_found(self, target_id: str, count: int) -> None:
        target = next((t for t in self.service.targets() if t.id == target_id), None)
        name = target.file.name if target is not None else target_id
        self.status.showMessage(f"{count} sync conflict{'s' if count != 1 else ''} in {name}: "
                                "the file is left as it is until you decide", MESSAGE_MS)
        self.dock.show()
        self.dock.raise_()
        self.update_notice()

    def update_notice(self) -> None:
        count = len(self.service.open_conflicts())
        had = self.notice.isVisibleTo(self.status)
        self.notice.setVisible(count > 0)
        text = f"⚠ {count} sync conflict{'s' if count != 1 else ''}"
        self.notice.setText(text)
        self.notice.setToolTip("Decide which side to keep")
        self.dock.setWindowTitle(f"{self.dock_title} ({text[2:]})" if count else self.dock_title)
        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.refresh()
        if had and not count:
            self.status.showMessage("All sync conflicts decided", MESSAGE_MS)

    def open_conflicts(self) -> SyncConflictsDialog:
        if self.conflicts_dialog is None:
            from senref.gui.dialogs.sync_conflicts_dialog import SyncConflictsDialog

            self.conflicts_dialog = SyncConflictsDialog(self.service.open_conflicts, self.service.resolve,
                                                        self._describe_target, self.dialog_parent)
        self.conflicts_dialog.refresh()
        self.conflicts_dialog.open()
        return self.conflicts_dialog

    def _describe_target(self, target_id: str) -> str:
        target = next((t for t in self.service.targets() if t.id == target_id), None)
        return str(target.file) if target is not None else target_id


def _file_name(label: str) -> str:
    """A file name from a collection, tag or search: no path separators, no leading dots."""
    cleaned = "".join("_" if ch in '/\\:*?"<>|' else ch for ch in label)
    return cleaned.strip(" .") or "library"
