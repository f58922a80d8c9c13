"""Attachment files through Zotero storage (or the user's WebDAV server): upload what changed here, download what changed there.

Both sides' last agreed copy is known by its md5 (the state's `files`). A file changed here only is
uploaded (If-Match the agreed md5, If-None-Match: * when the server never had one); changed there
only, downloaded into the same attachment; changed on both sides, the server's copy is kept as a
second attachment of the item ("… (Zotero copy)"): neither is lost.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Protocol

from senref.core.library import Library
from senref.zotero.client import FileChanged, WebApiClient, ZoteroError, download_file, upload_file
from senref.zotero.state import SyncState


class FileStore(Protocol):
    """Where attachment files live: Zotero storage (the default) or the user's WebDAV server."""

    def upload(self, client: WebApiClient, key: str, data: bytes, *, filename: str, mtime_ms: int,
               known_md5: str | None) -> str: ...

    def download(self, client: WebApiClient, key: str, *, limit: int) -> bytes: ...


class ZoteroStorage:
    def upload(self, client: WebApiClient, key: str, data: bytes, *, filename: str, mtime_ms: int,
               known_md5: str | None) -> str:
        return upload_file(client, key, data, filename=filename, mtime_ms=mtime_ms, known_md5=known_md5)

    def download(self, client: WebApiClient, key: str, *, limit: int) -> bytes:
        return download_file(client, key, limit=limit)

#: The largest file a sync downloads.
MAX_FILE_BYTES = 500 * (1 << 20)


def local_md5(state: SyncState, att_key: str, path: Path) -> str | None:
    """The md5 of a stored file, hashed again only when its size or mtime changed."""
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = [st.st_size, st.st_mtime_ns]
    entry = state.files.setdefault(att_key, {})
    if entry.get("stamp") == stamp and entry.get("local_md5"):
        return str(entry["local_md5"])
    digest = hashlib.md5()  # Zotero's file checksum
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    entry["stamp"], entry["local_md5"] = stamp, digest.hexdigest()
    return digest.hexdigest()


def server_md5(state: SyncState, att_key: str) -> str | None:
    synced = state.items.get(att_key)
    value = synced.data.get("md5") if synced is not None else None
    return str(value) if value else None


def push_files(library: Library, client: WebApiClient, state: SyncState, problems: list[str],
               store: FileStore | None = None) -> int:
    """Upload every stored file that changed here since both sides agreed; returns how many."""
    store = store or ZoteroStorage()
    sent = 0
    written: list[dict[str, Any]] = []
    for _item_key, att_key, rel in library.stored_files():
        if att_key not in state.items:
            continue  # its attachment item is not on the server yet: the next pass
        path = library.folder / rel
        mine = local_md5(state, att_key, path)
        agreed = state.files.get(att_key, {}).get("md5")
        if mine is None or mine == agreed:
            continue
        theirs = server_md5(state, att_key)
        if theirs and theirs != agreed and agreed is not None:
            continue  # changed on both sides: the download keeps both
        try:
            mtime_ms = int(path.stat().st_mtime * 1000)
            md5 = store.upload(client, att_key, path.read_bytes(), filename=path.name, mtime_ms=mtime_ms,
                               known_md5=theirs or agreed)
        except FileChanged:
            continue  # the server's copy moved on: the pull reads it, then both are kept
        except (OSError, ZoteroError) as exc:
            problems.append(f"file {path.name}: {exc}")
            continue
        state.files[att_key]["md5"] = md5
        state.items[att_key].data["md5"] = md5
        if not isinstance(store, ZoteroStorage):
            written.append({"key": att_key, "version": state.items[att_key].remote, "md5": md5, "mtime": mtime_ms})
        sent += 1
    if written:
        _announce(client, state, written, problems)
    return sent


def _announce(client: WebApiClient, state: SyncState, objects: list[dict[str, Any]], problems: list[str]) -> None:
    """With WebDAV the client itself writes the new md5/mtime on the attachment items (personal libraries)."""
    from senref.zotero.client import BATCH

    for start in range(0, len(objects), BATCH):
        batch = objects[start:start + BATCH]
        try:
            result = client.write("items", batch, state.version)
        except ZoteroError as exc:
            problems.append(f"telling Zotero about the uploaded files: {exc}")
            return
        for index, saved in result.successful.items():
            synced = state.items.get(batch[index]["key"])
            if synced is not None:
                synced.remote = int(saved.get("version", result.version))
                synced.data.update(md5=batch[index]["md5"], mtime=batch[index]["mtime"])
        state.version = result.version


def pull_files(library: Library, client: WebApiClient, state: SyncState, problems: list[str],
               store: FileStore | None = None) -> int:
    """Download every file the server holds a newer copy of; returns how many."""
    store = store or ZoteroStorage()
    stored = {att_key: (item_key, rel) for item_key, att_key, rel in library.stored_files()}
    got = 0
    for att_key, synced in list(state.items.items()):
        data: dict[str, Any] = synced.data
        theirs = data.get("md5")
        parent = data.get("parentItem")
        if not theirs or not parent or data.get("linkMode") not in ("imported_file", "imported_url"):
            continue
        agreed = state.files.get(att_key, {}).get("md5")
        if theirs == agreed:
            continue
        where = stored.get(att_key)
        mine = local_md5(state, att_key, library.folder / where[1]) if where else None
        if mine == theirs:
            state.files.setdefault(att_key, {})["md5"] = theirs
            continue
        try:
            content = store.download(client, att_key, limit=MAX_FILE_BYTES)
        except ZoteroError as exc:
            problems.append(f"file of {att_key}: {exc}")
            continue
        if hashlib.md5(content).hexdigest() != theirs:
            problems.append(f"file of {att_key}: the download does not match its md5; not kept")
            continue
        filename = str(data.get("filename") or "file")
        try:
            if where is None or mine is None or mine == agreed:
                if where is None:
                    _attach_new(library, str(parent), att_key, content, filename)
                else:
                    library.replace_file(str(parent), att_key, content, filename=filename)
            else:  # changed here too: the server's copy goes beside ours
                stem, dot, ext = filename.rpartition(".")
                copy_name = f"{stem} (Zotero copy).{ext}" if dot else f"{filename} (Zotero copy)"
                library.store_file(str(parent), content, filename=copy_name, source="zotero",
                                   title=f"{data.get('title') or filename} (Zotero copy)")
        except (OSError, KeyError, ValueError) as exc:
            problems.append(f"file {filename}: {exc}")
            continue
        entry = state.files.setdefault(att_key, {})
        entry["md5"] = theirs
        entry.pop("stamp", None)
        got += 1
    return got


def _attach_new(library: Library, parent: str, att_key: str, content: bytes, filename: str) -> None:
    """The attachment item arrived without its file (first download): store it under the attachment's key."""
    item = library.get_item(parent)
    if any(a.key == att_key for a in item.attachments):
        library.replace_file(parent, att_key, content, filename=filename)
