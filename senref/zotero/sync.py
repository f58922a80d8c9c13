"""Two-way sync of a senref library with one Zotero library, in the loop Zotero documents.

Upload local changes first, with the library version we last saw; a 412 means the server moved on:
pull what changed since that version (versions, then objects by key, 50 at a time, then deletions),
merge, and upload again. The library version is stored only after a pass in which every listing
answered with the same version (no one else wrote meanwhile).

Collections are objects of their own; an item travels with its notes and attachments (separate
objects on the server, children of the item in senref).
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from senref.core.library import Library
from senref.core.model import Creator
from senref.zotero import files, mapping
from senref.zotero.client import BATCH, Stale, WebApiClient
from senref.zotero.merge import merge_items
from senref.zotero.state import Conflict, Synced, SyncState

#: How often the state is saved while objects are written or read.
SAVE_EVERY_S = 1.0
#: Passes before the sync gives up on a server that keeps changing under it (it is resumable).
MAX_PASSES = 6

Progress = Callable[[str], None]


class Restart(Exception):
    """Another client wrote while we listed: list again."""


@dataclass
class ZoteroSyncReport:
    uploaded: int = 0
    downloaded: int = 0
    deleted_here: int = 0
    deleted_there: int = 0
    version: int = 0
    new_conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.uploaded} uploaded", f"{self.downloaded} downloaded",
                 f"{self.deleted_there + self.deleted_here} deleted"]
        if self.new_conflicts:
            parts.append(f"{len(self.new_conflicts)} conflict{'s' if len(self.new_conflicts) != 1 else ''}")
        return ", ".join(parts) + f" (library version {self.version})"


class ZoteroSync:
    """One sync of *library* with the library *client* reaches; *state* is updated and saved as it goes."""

    def __init__(self, library: Library, client: WebApiClient, state: SyncState, *,
                 save: Callable[[SyncState], None], progress: Progress | None = None,
                 should_stop: Callable[[], bool] | None = None, file_store: files.FileStore | None = None) -> None:
        self.library, self.client, self.state = library, client, state
        self.file_store = file_store
        self.save = save
        self.progress = progress or (lambda message: None)
        self.should_stop = should_stop or (lambda: False)
        self.report = ZoteroSyncReport()
        self._saved_at = time.monotonic()

    def run(self) -> ZoteroSyncReport:
        for attempt in range(MAX_PASSES):
            if self.should_stop():
                break
            try:
                if self._local_changes_pending():
                    self.push()
                else:
                    self.pull()
                    if not self._local_changes_pending():
                        break
            except (Stale, Restart):
                self.progress("the server changed meanwhile: reading its changes first")
                self.client.sleep(min(0.1 * 2 ** attempt, 5.0))
                self.pull_quietly()
        self.report.version = self.state.version
        self.save(self.state)
        return self.report

    def pull_quietly(self) -> None:
        with contextlib.suppress(Restart):  # the next pass lists again
            self.pull()

    # -- local changes -------------------------------------------------------------------------
    def _changed_items(self) -> list[str]:
        out = []
        for key, version in self.library.item_versions().items():
            synced = self.state.items.get(key)
            if synced is not None and synced.local == version:
                continue
            if synced is None and self.state.remote_deleted.get(key) == version:
                continue  # the server deleted it; it waits in the Trash, untouched
            out.append(key)
        return out

    def _changed_collections(self) -> list[str]:
        return [key for key, version in self.library.collection_versions().items()
                if (synced := self.state.collections.get(key)) is None or synced.local != version]

    def _deleted_here(self, kind: str) -> list[str]:
        present = self.library.item_versions() if kind == "items" else self.library.collection_versions()
        table = self.state.table(kind)
        return [key for key, synced in table.items()
                if key not in present and not (kind == "items" and synced.data.get("parentItem"))]

    def _local_changes_pending(self) -> bool:
        return bool(self._changed_items() or self._changed_collections() or self._deleted_here("items")
                    or self._deleted_here("collections"))

    # -- upload --------------------------------------------------------------------------------
    def push(self) -> None:
        self._push_collections()
        self._push_items()
        self.report.uploaded += files.push_files(self.library, self.client, self.state, self.report.problems,
                                                 self.file_store)
        for kind in ("items", "collections"):
            self._push_deletions(kind)
        self.save(self.state)

    def _push_collections(self) -> None:
        keys = self._changed_collections()
        if not keys:
            return
        by_key = {c.key: c for c in self.library.list_collections()}
        versions = self.library.collection_versions()
        ordered = _parents_first(keys, lambda k: by_key[k].parent_key if k in by_key else None)
        objects = [mapping.collection_to_api(k, by_key[k].name, by_key[k].parent_key) for k in ordered if k in by_key]
        self._write("collections", objects, {obj["key"]: versions[obj["key"]] for obj in objects})

    def _children_index(self) -> dict[str, list[str]]:
        """parent key -> the keys of its children as last synced (built once per step: N items, not N²)."""
        index: dict[str, list[str]] = {}
        for key, synced in self.state.items.items():
            parent = synced.data.get("parentItem")
            if parent:
                index.setdefault(str(parent), []).append(key)
        return index

    def _push_items(self) -> None:
        keys = self._changed_items()
        if not keys:
            return
        versions = self.library.item_versions()
        children_of = self._children_index()
        objects: list[dict[str, Any]] = []
        local_version: dict[str, int] = {}
        for key in keys:
            item = self.library.get_item(key)
            unit = mapping.item_to_api(item)
            for obj in unit:
                local_version[obj["key"]] = versions[key]
                if obj.get("itemType") == "attachment":
                    # Set by the file upload only (a write naming an old md5 would undo a newer upload).
                    obj.pop("md5", None)
                    obj.pop("mtime", None)
            objects.extend(unit)
            # Children the item no longer has: deleted here, deleted there too.
            held = {obj["key"] for obj in unit}
            gone = [k for k in children_of.get(key, []) if k not in held]
            if gone:
                self._delete("items", gone)
        self._write("items", objects, local_version)

    def _write(self, kind: str, objects: list[dict[str, Any]], local_version: dict[str, int]) -> None:
        table = self.state.table(kind)
        for start in range(0, len(objects), BATCH):
            if self.should_stop():
                return
            batch = objects[start:start + BATCH]
            for obj in batch:
                synced = table.get(obj["key"])
                obj["version"] = synced.remote if synced is not None else 0
            result = self.client.write(kind, batch, self.state.version,
                                       new_only=all(obj["version"] == 0 for obj in batch))
            for index, saved in result.successful.items():
                sent = batch[index]
                table[sent["key"]] = Synced(int(saved.get("version", result.version)), local_version[sent["key"]],
                                            _pristine(saved.get("data", sent)))
                self.report.uploaded += 1
            for index, key in result.unchanged.items():
                previous = table.get(key)
                table[key] = Synced(previous.remote if previous else result.version, local_version[key],
                                    _pristine(batch[index]))
            for index, failure in result.failed.items():
                self.report.problems.append(f"{kind} {batch[index]['key']}: {failure.get('message', failure)}")
            self.state.version = result.version
            self._save_soon()
            self.progress(f"uploaded {min(start + BATCH, len(objects))} of {len(objects)} {kind}")

    def _push_deletions(self, kind: str) -> None:
        keys = self._deleted_here(kind)
        if kind == "items" and keys:
            children_of = self._children_index()
            keys += [child for key in keys for child in children_of.get(key, [])]
        self._delete(kind, keys)

    def _delete(self, kind: str, keys: list[str]) -> None:
        table = self.state.table(kind)
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            self.state.version = self.client.delete(kind, chunk, self.state.version)
            for key in chunk:
                table.pop(key, None)
            self.report.deleted_there += len(chunk)
            self._save_soon()

    # -- download ------------------------------------------------------------------------------
    def pull(self) -> None:
        since = self.state.version
        collections, first, unchanged = self.client.versions("collections", since)
        if unchanged:
            return
        items, second, _ = self.client.versions("items", since)
        self._pull_collections(collections)
        self._pull_items(items)
        self.report.downloaded += files.pull_files(self.library, self.client, self.state, self.report.problems,
                                                   self.file_store)
        deleted, third = self.client.deleted(since)
        self._apply_deletions(deleted)
        if not first == second == third:
            raise Restart()
        self.state.version = third
        self.save(self.state)

    def _pull_collections(self, versions: dict[str, int]) -> None:
        wanted = [k for k, v in versions.items() if (s := self.state.collections.get(k)) is None or s.remote != v]
        fetched = [obj for batch, _v in self.client.objects("collections", wanted) for obj in batch]
        data = {obj["key"]: obj for obj in fetched}
        local = self.library.collection_versions()
        by_key = {c.key: c for c in self.library.list_collections()}
        for key in _parents_first(list(data), lambda k: mapping.api_to_collection(data[k]["data"])[2]):
            obj = data[key]
            _key, name, parent = mapping.api_to_collection(obj["data"])
            synced = self.state.collections.get(key)
            mine = by_key.get(key)
            if mine is not None and synced is not None and local.get(key) != synced.local:
                base = mapping.api_to_collection(synced.data)
                if name != mine.name and mine.name != base[1] and name != base[1]:
                    self._conflict("collections", key, "name", local=mine.name, remote=name, title=mine.name)
                    name = mine.name
                elif mine.name != base[1]:
                    name = mine.name
                if mine.parent_key != base[2] and parent == base[2]:
                    parent = mine.parent_key
            version = self.library.put_collection(key, name, parent)
            self.state.collections[key] = Synced(int(obj["version"]), version, _pristine(obj["data"]))
            self.report.downloaded += 1

    def _pull_items(self, versions: dict[str, int]) -> None:
        wanted = [k for k, v in versions.items() if (s := self.state.items.get(k)) is None or s.remote != v]
        fetched: dict[str, dict[str, Any]] = {}
        for batch, _v in self.client.objects("items", wanted):
            for obj in batch:
                fetched[obj["key"]] = obj
        parents: dict[str, None] = {}
        for key, obj in fetched.items():
            parent = obj["data"].get("parentItem") or None
            parents[parent or key] = None
        missing = [p for p in parents if p not in fetched and p not in self.state.items]
        for batch, _v in self.client.objects("items", missing):
            for obj in batch:
                fetched[obj["key"]] = obj
        local_versions = self.library.item_versions()
        children_of = self._children_index()
        fetched_children: dict[str, list[str]] = {}
        for child_key, obj in fetched.items():
            if obj["data"].get("parentItem"):
                fetched_children.setdefault(str(obj["data"]["parentItem"]), []).append(child_key)
        for parent_key in parents:
            if self.should_stop():
                return
            known = {k: self.state.items[k].data for k in children_of.get(parent_key, [])}
            known.update({k: fetched[k]["data"] for k in fetched_children.get(parent_key, [])})
            self._apply_item(parent_key, fetched, local_versions.get(parent_key), known, children_of)
            self._save_soon()

    def _apply_item(self, key: str, fetched: dict[str, dict[str, Any]], local_version: int | None,
                    children: dict[str, dict[str, Any]], children_of: dict[str, list[str]]) -> None:
        synced = self.state.items.get(key)
        parent_obj = fetched.get(key)
        parent_data = parent_obj["data"] if parent_obj else (synced.data if synced else None)
        if parent_data is None:
            self.report.problems.append(f"item {key}: its parent is not on the server")
            return
        remote = mapping.api_to_item(parent_data, list(children.values()))
        remote.key = key
        if local_version is not None and (synced is None or synced.local != local_version):
            # No agreed copy (an upload the server took before a crash cut the sync short): every
            # difference is kept as a conflict, never overwritten.
            agreed = [self.state.items[k].data for k in children_of.get(key, [])]
            base = mapping.api_to_item(synced.data, agreed) if synced is not None else None
            merged = merge_items(base, self.library.get_item(key), remote)
            for clash in merged.clashes:
                self._conflict("items", key, clash.field, local=clash.local, remote=clash.remote, title=merged.item.title)
            item, still_local = merged.item, True
        elif local_version is None and synced is not None:
            self._conflict("items", key, "deleted", local="deleted here", remote="edited on the server",
                           title=remote.title)
            item, still_local = remote, False
        else:
            item, still_local = remote, False
        version = self.library.put_item(item)
        # A merged item keeps its old local version in the state: the next upload sends the merge.
        local = (synced.local if synced is not None else -1) if still_local else version
        remote_version = int(parent_obj["version"]) if parent_obj else (synced.remote if synced else 0)
        self.state.items[key] = Synced(remote_version, local, _pristine(parent_data))
        for child_key, data in children.items():
            obj = fetched.get(child_key)
            prior = self.state.items.get(child_key)
            child_version = int(obj["version"]) if obj else (prior.remote if prior else 0)
            self.state.items[child_key] = Synced(child_version, local, _pristine(data))
        self.state.remote_deleted.pop(key, None)
        self.report.downloaded += 1

    def _apply_deletions(self, deleted: dict[str, list[str]]) -> None:
        local_items = self.library.item_versions()
        for key in deleted.get("items", []):
            synced = self.state.items.pop(key, None)
            if synced is None:
                continue
            parent = synced.data.get("parentItem")
            if parent:
                self._drop_child(parent, key)
                continue
            version = local_items.get(key)
            if version is None:
                continue
            if version != synced.local:
                self._conflict("items", key, "deleted", local="edited here", remote="deleted on the server",
                               title=self.library.get_item(key).title)
                continue  # kept, and sent again as a new item
            self.library.trash([key])
            self.state.remote_deleted[key] = self.library.item_versions()[key]
            self.report.deleted_here += 1
        local_collections = self.library.collection_versions()
        gone = []
        for key in deleted.get("collections", []):
            synced = self.state.collections.pop(key, None)
            if synced is not None and local_collections.get(key) == synced.local:
                gone.append(key)
        if gone:
            self.report.deleted_here += len(self.library.remove_collections(gone))

    def _drop_child(self, parent: str, key: str) -> None:
        try:
            item = self.library.get_item(parent)
        except KeyError:
            return
        before = len(item.notes) + len(item.attachments)
        item.notes = [n for n in item.notes if n.key != key]
        item.attachments = [a for a in item.attachments if a.key != key]
        if len(item.notes) + len(item.attachments) != before:
            synced = self.state.items.get(parent)
            unchanged = synced is not None and synced.local == self.library.item_versions().get(parent)
            version = self.library.put_item(item)
            if synced is not None and unchanged:
                synced.local = version
            self.report.deleted_here += 1

    def _save_soon(self) -> None:
        """Save the state at most once a second while a step runs (it is saved whole; at 10,000 objects each
        save is megabytes). A kill loses at most that second: the objects are sent again, the server's 412
        says it has them, and the pull reads them back."""
        now = time.monotonic()
        if now - self._saved_at >= SAVE_EVERY_S:
            self.save(self.state)
            self._saved_at = now

    def _conflict(self, kind: str, key: str, name: str, *, local: Any, remote: Any, title: str = "") -> None:
        conflict = Conflict(secrets.token_hex(4), kind, key, name, _plain(local), _plain(remote), title)
        self.state.conflicts = [c for c in self.state.conflicts if (c.kind, c.key, c.field) != (kind, key, name)]
        self.state.conflicts.append(conflict)
        self.report.new_conflicts.append(conflict)


def _plain(value: Any) -> Any:
    """A conflict's value as JSON (creators as Zotero writes them)."""
    if isinstance(value, list):
        return [v.to_json() if hasattr(v, "to_json") else v for v in value]
    return value


def _pristine(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "version"}


def _parents_first(keys: list[str], parent_of: Callable[[str], str | None]) -> list[str]:
    wanted, out, placed = set(keys), [], set()

    def place(key: str, depth: int = 0) -> None:
        if key in placed or depth > 64:
            return
        parent = parent_of(key)
        if parent in wanted:
            place(parent, depth + 1)
        placed.add(key)
        out.append(key)
    for key in keys:
        place(key)
    return out


def apply_choice(library: Library, state: SyncState, conflict_id: str, keep: str) -> Conflict:
    """Decide a conflict: *keep* "local" (the default already sent) or "remote" (the server's value, sent next)."""
    conflict = next((c for c in state.conflicts if c.id == conflict_id), None)
    if conflict is None:
        raise KeyError(conflict_id)
    if keep not in ("local", "remote"):
        raise ValueError("keep is local or remote")
    if keep == "remote" and conflict.kind == "items":
        _take_remote(library, conflict)
    state.conflicts.remove(conflict)
    return conflict


def _take_remote(library: Library, conflict: Conflict) -> None:
    if conflict.field == "deleted":
        if conflict.remote == "deleted on the server":
            library.trash([conflict.key])
        return
    item = library.get_item(conflict.key)
    if conflict.field == "creators":
        item.creators = [Creator.from_json(c) for c in conflict.remote]
    elif conflict.field == "itemType":
        item.item_type = str(conflict.remote)
    elif conflict.field in item.identifiers or conflict.field in ("doi", "hal", "pmid", "pmcid", "arxiv", "isbn"):
        item.identifiers[conflict.field] = str(conflict.remote)
    else:
        item.fields[conflict.field] = str(conflict.remote or "")
    library.update_item(item, tag=False)

