"""Which Zotero library a senref library syncs with, and where its API key is kept.

The account (server, `users/<id>` or `groups/<id>`, who the key belongs to, what it may do) is
`<library>/zotero/account.json`; it never holds the key. The key goes to the system keychain
(keyring) when one is there and SENREF_HOME is not set; else to `zotero-keys.json` in senref's
config folder, readable by the user only (0600). SENREF_HOME means "everything under this folder",
the key included, so tests and portable installs never touch the user's keychain.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from senref.core.atomic import atomic_write
from senref.paths import get_paths

ACCOUNT_FILE = Path("zotero") / "account.json"
KEYRING_SERVICE = "senref-zotero"
KEYS_FILE = "zotero-keys.json"


@dataclass
class Account:
    base_url: str
    prefix: str  # users/<id> | groups/<id>
    user_id: int
    username: str = ""
    #: the key's rights on this library, from /keys/current: library, notes, write, files
    access: dict[str, bool] = field(default_factory=dict)
    #: the user's own WebDAV server for attachment files (personal libraries only), and its user name
    webdav_url: str = ""
    webdav_user: str = ""

    @property
    def webdav_key_name(self) -> str:
        return f"webdav {self.webdav_url} {self.webdav_user}"

    @property
    def key_name(self) -> str:
        return f"{self.base_url} users/{self.user_id}"

    @property
    def can_write(self) -> bool:
        return bool(self.access.get("write"))

    def describe(self) -> str:
        rights = ", ".join(name for name in ("library", "notes", "write", "files") if self.access.get(name)) or "none"
        files = f"; files on {self.webdav_url}" if self.webdav_url else ""
        return f"{self.prefix} on {self.base_url} (key of {self.username or self.user_id}; may: {rights}){files}"


def access_for(info: dict[str, Any], prefix: str) -> dict[str, bool]:
    """The rights a /keys/current answer gives on *prefix*."""
    access = info.get("access") or {}
    if prefix.startswith("users/"):
        user = access.get("user") or {}
        return {name: bool(user.get(name)) for name in ("library", "notes", "write", "files")}
    groups = access.get("groups") or {}
    group = groups.get(prefix.split("/", 1)[1]) or groups.get("all") or {}
    return {"library": bool(group.get("library")), "notes": bool(group.get("library")),
            "write": bool(group.get("write")), "files": bool(group.get("write"))}


def load_account(library_folder: Path) -> Account | None:
    path = Path(library_folder) / ACCOUNT_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Account(**raw)


def save_account(library_folder: Path, account: Account) -> None:
    with atomic_write(Path(library_folder) / ACCOUNT_FILE) as out:
        json.dump(asdict(account), out, indent=2)


# -- the key -----------------------------------------------------------------------------------
def _keyring() -> Any | None:
    if os.environ.get("SENREF_HOME"):
        return None
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - a dependency, but a frozen build may leave it out
        return None
    backend = keyring.get_keyring()
    return None if isinstance(backend, fail.Keyring) else keyring


def _keys_file() -> Path:
    return get_paths().config / KEYS_FILE


def store_key(name: str, key: str) -> str:
    """Keep *key* under *name*; returns where ("the system keychain" or the file)."""
    ring = _keyring()
    if ring is not None:
        ring.set_password(KEYRING_SERVICE, name, key)
        return "the system keychain"
    path = _keys_file()
    keys = _read_keys(path)
    keys[name] = key
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 before anything is written to it.
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(keys, out)
    os.replace(path.with_suffix(".tmp"), path)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    return str(path)


def read_key(name: str) -> str | None:
    ring = _keyring()
    if ring is not None:
        value = ring.get_password(KEYRING_SERVICE, name)
        return str(value) if value else None
    return _read_keys(_keys_file()).get(name)


def forget_key(name: str) -> None:
    ring = _keyring()
    if ring is not None:
        with contextlib.suppress(Exception):
            ring.delete_password(KEYRING_SERVICE, name)
        return
    path = _keys_file()
    keys = _read_keys(path)
    if keys.pop(name, None) is not None:
        store_all = dict(keys)
        path.unlink(missing_ok=True)
        for other, value in store_all.items():
            store_key(other, value)


def _read_keys(path: Path) -> dict[str, str]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
