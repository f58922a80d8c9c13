"""Two-way sync with the Zotero desktop app on this machine through its local write API (Zotero 10+).

The same loop as the Web API sync (`senref.zotero.sync`), against `<local>/api/users/0` with a local
key the user allows in Zotero (`POST /api/local/authorize`) and the `Zotero-Server-ID` the app
names, sent on every request: the local API's versions are that installation's own, so they live in a
state of their own (`zotero/desktop-state.json`), never mixed with the Web API's.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

from senref.core.atomic import atomic_write
from senref.zotero.client import WebApiClient, ZoteroError

ACCOUNT_FILE = Path("zotero") / "desktop-account.json"
SERVER_ID = "Zotero-Server-ID"
APP_NAME = "senref"


@dataclass
class DesktopAccount:
    base_url: str
    server_id: str

    @property
    def key_name(self) -> str:
        return f"zotero-desktop {self.base_url} {self.server_id}"


def authorize(base_url: str, *, timeout: float = 120.0) -> tuple[str, str]:
    """Ask the running Zotero for a local key (the user clicks Allow there); (key, server id)."""
    try:
        response = requests.post(f"{base_url.rstrip('/')}/api/local/authorize", json={"appName": APP_NAME},
                                 timeout=timeout)
    except requests.RequestException as exc:
        raise ZoteroError(f"Zotero is not answering at {base_url}: {exc}") from exc
    if response.status_code == 403:
        raise ZoteroError("Zotero did not allow senref (or its local API is off: Settings → Advanced)", 403)
    if response.status_code in (404, 501):
        raise ZoteroError("this Zotero has no local write API (Zotero 10 or newer has it)", response.status_code)
    if response.status_code >= 400:
        raise ZoteroError(f"Zotero answered {response.status_code} to the authorization", response.status_code)
    try:
        key = str(response.json()["key"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ZoteroError("Zotero's answer to the authorization has no key") from exc
    server_id = response.headers.get(SERVER_ID, "")
    if not server_id:
        raise ZoteroError("Zotero did not name itself (no Zotero-Server-ID): is this Zotero 10?")
    return key, server_id


def desktop_client(account: DesktopAccount, key: str) -> WebApiClient:
    client = WebApiClient(f"{account.base_url.rstrip('/')}/api", key, "users/0")
    client.session.headers[SERVER_ID] = account.server_id
    return client


def load_desktop_account(library_folder: Path) -> DesktopAccount | None:
    try:
        raw = json.loads((Path(library_folder) / ACCOUNT_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return DesktopAccount(**raw)


def save_desktop_account(library_folder: Path, account: DesktopAccount) -> None:
    with atomic_write(Path(library_folder) / ACCOUNT_FILE) as out:
        json.dump(asdict(account), out, indent=2)
