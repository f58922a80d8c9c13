"""Where the Zotero key is kept: never in the library, 0600 under SENREF_HOME, rights read from /keys/current."""

from __future__ import annotations

import stat
from pathlib import Path

from senref.paths import get_paths
from senref.zotero.account import Account, access_for, forget_key, load_account, read_key, save_account, store_key


def test_under_senref_home_the_key_is_a_file_only_the_user_can_read(senref_home: Path) -> None:
    where = store_key("https://api.zotero.org users/1", "abc123")
    path = get_paths().config / "zotero-keys.json"
    assert where == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key("https://api.zotero.org users/1") == "abc123"
    store_key("https://api.zotero.org users/2", "def456")
    forget_key("https://api.zotero.org users/1")
    assert read_key("https://api.zotero.org users/1") is None
    assert read_key("https://api.zotero.org users/2") == "def456"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_account_file_never_holds_the_key(tmp_path: Path) -> None:
    account = Account("https://api.zotero.org", "groups/5", 7, "lab", {"library": True, "write": False})
    save_account(tmp_path, account)
    assert "abc123" not in (tmp_path / "zotero" / "account.json").read_text()
    assert load_account(tmp_path) == account
    assert not account.can_write and "groups/5" in account.describe()


def test_rights_per_library_from_keys_current() -> None:
    info = {"userID": 7, "access": {"user": {"library": True, "notes": True, "write": True, "files": False},
                                    "groups": {"all": {"library": True, "write": False},
                                               "42": {"library": True, "write": True}}}}
    assert access_for(info, "users/7") == {"library": True, "notes": True, "write": True, "files": False}
    assert access_for(info, "groups/42")["write"] is True
    assert access_for(info, "groups/9")["write"] is False  # "all" applies
    assert access_for({"access": {}}, "groups/9")["library"] is False
