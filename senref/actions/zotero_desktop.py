"""Zotero desktop on this machine as user operations: is it running, import its library, send items to it,
and import a Zotero data directory (for users who move to senref)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.importfiles import FileRoots
from senref.core.library import Library
from senref.core.settings import Settings
from senref.zotero.children import STORED_MODES
from senref.zotero.datadir import DataDirError, read_data_directory
from senref.zotero.desktop import (
    DesktopClient,
    DesktopError,
    DesktopStatus,
    PdfFile,
    ZoteroRecords,
    records_from_api,
)
from senref.zotero.mapping import STANDALONE

#: Provenance of fields imported from Zotero (as `senref import` writes `import:<format>`).
SOURCE = "import:zotero"


@dataclass
class StatusReport(Report):
    status: DesktopStatus | None = None
    #: why the local API cannot be read ("" when it can)
    local_api: str = ""

    def summary(self) -> str:
        if self.status is None or not self.status.running:
            return self.status.message if self.status else "Zotero is not running"
        return f"{self.status.message}; local API: {self.local_api or 'enabled'}"


@dataclass
class ZoteroImportReport(Report):
    created: int = 0
    merged: int = 0
    trashed: int = 0
    keys: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.created} added, {self.merged} merged into existing items"
        text += f", {self.trashed} put in the Trash" if self.trashed else ""
        return text + (" (cancelled)" if self.cancelled else "")


@dataclass
class SendReport(Report):
    sent: int = 0
    files: int = 0

    def summary(self) -> str:
        return f"{self.sent} items and {self.files} files sent to Zotero"


def _client(settings: Settings) -> DesktopClient:
    return DesktopClient(settings.url("zotero_local"), timeout=settings.request_deadline)


def desktop_status(settings: Settings) -> StatusReport:
    client = _client(settings)
    report = StatusReport(status=client.ping())
    if report.status is not None and report.status.running:
        report.local_api = client.local_api_problem()
    return report


def import_from_desktop(library: Library, settings: Settings, *, progress: ProgressSink = no_progress,
                        should_stop: ShouldStop = never_stop) -> ZoteroImportReport:
    """Import the running Zotero's library (collections, items, notes, tags, files) through its local API."""
    report = ZoteroImportReport()
    client = _client(settings)
    try:
        progress(Progress(message="reading Zotero's library"))
        found = client.read_library()
        records = records_from_api(found.collections, found.items)
        _locate_files(client, records)
    except DesktopError as exc:
        report.problems.append(str(exc))
        return report
    return _import(library, records, report, progress, should_stop)


def _locate_files(client: DesktopClient, records: ZoteroRecords) -> None:
    """Point stored attachments at Zotero's files; only a file in a `storage/<its key>/` folder is taken."""
    for record in records.records:
        item = record.item
        for att in item.attachments:
            if att.link_mode not in STORED_MODES:
                continue
            key = item.key if item.extras.get(STANDALONE) == "attachment" else att.key
            path = client.file_path(key)
            att.path = ""
            if path is None or path.parent.name != key or path.parent.parent.name != "storage":
                records.warnings.append(f"the file of attachment {key} was not found in Zotero's storage")
                continue
            att.path = str(path)
            if path.parent.parent not in records.roots:
                records.roots.append(path.parent.parent)


def import_data_directory(library: Library, folder: Path | str, *, progress: ProgressSink = no_progress,
                          should_stop: ShouldStop = never_stop) -> ZoteroImportReport:
    """Import a Zotero data directory (zotero.sqlite read from a copy, files from storage/)."""
    report = ZoteroImportReport()
    try:
        progress(Progress(message=f"reading {folder}"))
        records = read_data_directory(Path(folder))
    except DataDirError as exc:
        report.problems.append(str(exc))
        return report
    return _import(library, records, report, progress, should_stop)


def _import(library: Library, found: ZoteroRecords, report: ZoteroImportReport, progress: ProgressSink,
            should_stop: ShouldStop) -> ZoteroImportReport:
    report.warnings.extend(found.warnings)
    proposed = [record.item.key for record in found.records]
    roots = FileRoots(found.roots[0], tuple(found.roots[1:])) if found.roots else None
    total = len(found.records)
    saved = library.import_records(
        found.records, source=SOURCE, file_roots=roots, should_stop=should_stop,
        progress=lambda done: progress(Progress(done=done, total=total, message=f"{done} of {total} imported")))
    report.created, report.merged, report.keys = saved.created, saved.merged, list(saved.keys)
    report.warnings.extend(f"item {line}: {message}" if line else message for line, message in saved.warnings)
    report.problems.extend(f"item {line}: {message}" for line, message in saved.problems)
    # Zotero's trash goes to senref's Trash; an item merged into one already here stays where it is.
    doomed = [key for wanted, record, key in zip(proposed, found.records, saved.keys, strict=False)
              if wanted in found.trashed and record.item.key == key]
    report.trashed = len(library.trash(doomed)) if doomed else 0
    report.cancelled = should_stop()
    return report


def send_to_desktop(library: Library, settings: Settings, keys: Iterable[str]) -> SendReport:
    """Create the items *keys* (with notes, tags and stored files) in the collection selected in Zotero."""
    report = SendReport()
    items = [library.get_item(library.resolve_key(key)) for key in keys]
    pdfs: dict[str, list[PdfFile]] = {}
    for item in items:
        for att in item.attachments:
            path = library.attachment_path(att) if att.link_mode in STORED_MODES else None
            if path is not None and path.is_file():
                pdfs.setdefault(item.key, []).append(PdfFile(path, att.title or path.name,
                                                             att.content_type or "application/pdf", att.url))
            elif att.link_mode in STORED_MODES:
                report.warnings.append(f"{item.key}: the file {att.title or att.key} is missing here, not sent")
    client = _client(settings)
    status = client.ping()
    if not status.running:
        report.problems.append(f"{status.message}: start Zotero, then send again")
        return report
    try:
        result = client.save_items(items, pdfs)
    except DesktopError as exc:
        report.problems.append(str(exc))
        return report
    report.sent, report.files = result.sent, result.files
    report.warnings.extend(result.warnings)
    return report


@dataclass
class DesktopSyncReport(Report):
    result: Any = None
    connected: str = ""

    def summary(self) -> str:
        if self.connected:
            return self.connected
        return self.result.summary() if self.result is not None else ""


def connect_desktop_sync(library: Library, settings: Settings) -> DesktopSyncReport:
    """Ask the Zotero running here for a local key (Zotero 10+: the user allows it there) and keep it."""
    from senref.zotero.account import store_key
    from senref.zotero.client import ZoteroError
    from senref.zotero.desktop_sync import DesktopAccount, authorize, save_desktop_account
    from senref.zotero.state import DESKTOP_STATE_FILE, SyncState, load_state, save_state

    report = DesktopSyncReport()
    base = settings.url("zotero_local")
    try:
        key, server_id = authorize(base)
    except ZoteroError as exc:
        report.problems.append(str(exc))
        return report
    account = DesktopAccount(base, server_id)
    where = store_key(account.key_name, key)
    save_desktop_account(library.folder, account)
    state = load_state(library.folder, DESKTOP_STATE_FILE)
    if state is None or state.base_url != f"{base} {server_id}":
        # Another installation (or a first connection): its versions start again from 0.
        save_state(library.folder, SyncState(base_url=f"{base} {server_id}", prefix="users/0"), DESKTOP_STATE_FILE)
    report.connected = f"connected to the Zotero running at {base} (server {server_id}); key kept in {where}"
    return report


def sync_desktop(library: Library, settings: Settings, *, progress: ProgressSink = no_progress,
                 should_stop: ShouldStop = never_stop) -> DesktopSyncReport:
    """Two-way sync with the Zotero running here, through its local write API."""
    from senref.zotero.account import read_key
    from senref.zotero.client import ZoteroError
    from senref.zotero.desktop_sync import desktop_client, load_desktop_account
    from senref.zotero.state import DESKTOP_STATE_FILE, load_state, save_state
    from senref.zotero.sync import ZoteroSync

    report = DesktopSyncReport()
    account = load_desktop_account(library.folder)
    key = read_key(account.key_name) if account is not None else None
    state = load_state(library.folder, DESKTOP_STATE_FILE)
    if account is None or key is None or state is None:
        report.problems.append("not connected to a Zotero on this machine: senref zotero-desktop connect")
        return report
    runner = ZoteroSync(library, desktop_client(account, key), state,
                        save=lambda s: save_state(library.folder, s, DESKTOP_STATE_FILE),
                        progress=lambda message: progress(Progress(message=message)), should_stop=should_stop)
    try:
        report.result = runner.run()
    except ZoteroError as exc:
        save_state(library.folder, state, DESKTOP_STATE_FILE)
        report.problems.append(str(exc))
        return report
    report.problems.extend(report.result.problems)
    return report
