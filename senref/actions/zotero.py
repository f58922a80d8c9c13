"""Zotero sync as user operations: connect a library, sync it, list and decide conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.library import Library
from senref.core.settings import Settings
from senref.zotero.account import Account, access_for, load_account, read_key, save_account, store_key
from senref.zotero.client import WebApiClient, ZoteroError
from senref.zotero.files import FileStore
from senref.zotero.state import Conflict, SyncState, load_state, save_state
from senref.zotero.sync import ZoteroSync, ZoteroSyncReport, apply_choice


@dataclass
class ConnectReport(Report):
    account: Account | None = None
    stored_in: str = ""

    def summary(self) -> str:
        if self.account is None:
            return "not connected"
        return f"connected to {self.account.describe()}; key kept in {self.stored_in}"


@dataclass
class ZoteroReport(Report):
    result: ZoteroSyncReport | None = None
    conflicts: list[Conflict] = field(default_factory=list)

    def summary(self) -> str:
        return self.result.summary() if self.result is not None else ""


def connect(library: Library, settings: Settings, key: str, *, group: int | None = None) -> ConnectReport:
    """Check *key* with the server, map *library* to the user's library (or *group*), keep the key."""
    report = ConnectReport()
    base = settings.url("zotero_api")
    probe = WebApiClient(base, key, "")
    try:
        info = probe.key_info()
    except ZoteroError as exc:
        report.problems.append(f"the Zotero server refused the key: {exc}")
        return report
    user_id = int(info.get("userID") or 0)
    prefix = f"groups/{group}" if group is not None else f"users/{user_id}"
    access = access_for(info, prefix)
    if not access.get("library"):
        report.problems.append(f"this key may not read {prefix}")
        return report
    existing = load_state(library.folder)
    if existing is not None and (existing.base_url, existing.prefix) != (base, prefix):
        report.problems.append(f"this library already syncs with {existing.prefix} on {existing.base_url}; "
                               f"a library syncs with one Zotero library")
        return report
    account = Account(base, prefix, user_id, str(info.get("username") or ""), access)
    report.stored_in = store_key(account.key_name, key)
    save_account(library.folder, account)
    if existing is None:
        save_state(library.folder, SyncState(base_url=base, prefix=prefix))
    if not account.can_write:
        report.warnings.append("the key may not write: changes made here stay here")
    report.account = account
    return report


def use_webdav(library: Library, url: str, username: str, password: str) -> Report:
    """Keep attachment files on the user's WebDAV server instead of Zotero storage (personal libraries)."""
    from senref.zotero.webdav import WebDavStore

    report = Report()
    account = load_account(library.folder)
    if account is None:
        report.problems.append("connect to Zotero first: senref zotero connect --key KEY")
        return report
    if not account.prefix.startswith("users/"):
        report.problems.append("a group library keeps its files in Zotero storage; WebDAV is for your own library")
        return report
    try:
        WebDavStore(url, username, password).check()
    except ZoteroError as exc:
        report.problems.append(str(exc))
        return report
    account.webdav_url, account.webdav_user = url.rstrip("/"), username
    store_key(account.webdav_key_name, password)
    save_account(library.folder, account)
    return report


def _file_store(account: Account) -> FileStore | None:
    if not account.webdav_url:
        return None
    from senref.zotero.webdav import WebDavStore

    password = read_key(account.webdav_key_name)
    if password is None:
        raise ZoteroError("the WebDAV password is not kept any more: senref zotero webdav URL --user NAME again")
    return WebDavStore(account.webdav_url, account.webdav_user, password)


def sync(library: Library, settings: Settings, *, progress: ProgressSink = no_progress,
         should_stop: ShouldStop = never_stop) -> ZoteroReport:
    """One sync with the connected Zotero library (upload, download, merge)."""
    report = ZoteroReport()
    account = load_account(library.folder)
    key = read_key(account.key_name) if account is not None else None
    if account is None or key is None:
        report.problems.append("this library is not connected to Zotero: senref zotero connect --key KEY")
        return report
    state = load_state(library.folder) or SyncState(base_url=account.base_url, prefix=account.prefix)
    client = WebApiClient(account.base_url, key, account.prefix)
    try:
        store = _file_store(account)
        runner = ZoteroSync(library, client, state, save=lambda s: save_state(library.folder, s),
                            progress=lambda message: progress(Progress(message=message)), should_stop=should_stop,
                            file_store=store)
        result = runner.run()
    except ZoteroError as exc:
        save_state(library.folder, state)
        report.problems.append(str(exc))
        return report
    report.result = result
    report.problems.extend(result.problems)
    report.conflicts = list(state.conflicts)
    report.cancelled = should_stop()
    return report


def conflicts(library: Library) -> list[Conflict]:
    state = load_state(library.folder)
    return list(state.conflicts) if state is not None else []


def resolve(library: Library, conflict_id: str, keep: str) -> Conflict:
    """Keep the local or the server's value; the next sync sends the choice. KeyError: no such conflict."""
    state = load_state(library.folder)
    if state is None:
        raise KeyError(conflict_id)
    conflict = apply_choice(library, state, conflict_id, keep)
    save_state(library.folder, state)
    return conflict
