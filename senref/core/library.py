"""The library: the one service API that the CLI and the GUI call (items, tags, collections, trash, files).

Built in layers, one file each: library_base (open, close, read), library_writes (save, edit,
import), library_organising (tags, collections) and, here, trash, notes, stored files and checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from senref.core import checkpoints
from senref.core.confine import own_folder_path, safe_filename
from senref.core.digest import bytes_sha256, file_sha256
from senref.core.library_base import (
    DB_NAME,
    FILES_DIR,
    Collection,
    ImportReport,
    LibraryError,
    SaveResult,
    Tagger,
)
from senref.core.library_organising import LibraryOrganising
from senref.core.model import Attachment, Item, Note
from senref.storage import items as rows
from senref.storage import tags as tag_rows

__all__ = ["DB_NAME", "FILES_DIR", "Collection", "ImportReport", "Library", "LibraryError", "SaveResult", "Tagger",
           "safe_filename"]


class Library(LibraryOrganising):
    """A library folder: `library.sqlite` plus `files/` with the stored attachments."""

    # -- trash ---------------------------------------------------------------------------------
    def trash(self, keys: Iterable[str]) -> list[str]:
        return self._set_deleted(keys, True)

    def restore(self, keys: Iterable[str]) -> list[str]:
        return self._set_deleted(keys, False)

    def _set_deleted(self, keys: Iterable[str], deleted: bool) -> list[str]:
        def change(item: Item) -> bool:
            if item.deleted == deleted:
                return False
            item.deleted = deleted
            return True
        changed = self.edit_items(list(keys), change)
        if changed:
            self.events.emit("collections_changed")
        return changed

    def empty_trash(self) -> int:
        """Delete trashed items for good, with their stored files.

        A file is deleted only through its own attachment's folder (`files/<key>/`): a stored path
        that points elsewhere (another item's folder, a link) never makes senref delete it.
        """
        with self.db.transaction() as conn:
            self._settle_files(conn)
            doomed = rows.trashed(conn)
            stored = rows.trashed_stored_files(conn)
            # A folder is removed only by its own attachment (a link there is unlinked, not followed).
            folders = [key for key, rel in stored if own_folder_path(rel, key, self.files_dir.name)]
            # Named before the rows go: a kill after the commit leaves folders the next open removes.
            self.files.mark(folders)
            rows.purge_trashed(conn, [rid for rid, _key in doomed])
            tag_rows.forget_unused(conn)
        checkpoints.reached("empty_trash_after_commit")
        for key in folders:
            self.files.delete_folder(key)
        self.files.unmark(folders)
        if doomed:
            self.events.emit("items_removed", [key for _rid, key in doomed])
            self.events.emit("collections_changed")
        return len(doomed)

    # -- notes and files -----------------------------------------------------------------------
    def add_note(self, item_key: str, html: str) -> Note:
        note = Note(html=html)

        def change(item: Item) -> bool:
            item.notes.append(note)
            return True
        self.edit_items([item_key], change)
        return note

    def store_file(self, item_key: str, src: Path | bytes, *, filename: str, content_type: str = "",
                   url: str = "", source: str = "", title: str = "") -> Attachment:
        """Copy a file into `files/<attachment key>/<filename>` atomically and attach it to the item.

        The same content (sha256) already attached to the item is not stored twice.
        """
        sha = file_sha256(src) if isinstance(src, Path) else bytes_sha256(src)
        for att in self.get_item(item_key).attachments:
            if att.sha256 == sha:
                return att
        attachment = Attachment(title=title or filename, link_mode="imported_file", content_type=content_type,
                                url=url, source=source)
        name = safe_filename(filename) or "file"

        def change(item: Item) -> bool:
            item.attachments.append(attachment)
            return True
        with self.db.transaction() as conn:
            self._settle_files(conn)
            self.files.mark([attachment.key])
            try:
                attachment.path, attachment.sha256, attachment.size = self.files.write(attachment.key, name, src)
                self.edit_items([item_key], change)
            except BaseException:
                self.files.delete_folder(attachment.key)
                self.files.unmark([attachment.key])
                raise
        self.files.unmark([attachment.key])
        return attachment

    def replace_file(self, item_key: str, attachment_key: str, data: bytes, *, filename: str) -> Attachment:
        """Store *data* as the file of the item's attachment *attachment_key* (a sync brought a newer copy).

        The new copy is written beside the old one first (`files/<key>/`, atomically), the attachment
        then points at it; the old file goes once the item is saved.
        """
        item = self.get_item(item_key)
        attachment = next((a for a in item.attachments if a.key == attachment_key), None)
        if attachment is None:
            raise LibraryError(f"item {item_key} has no attachment {attachment_key}")
        old = self.attachment_path(attachment)
        name = safe_filename(filename) or "file"
        path, sha, size = self.files.write(attachment_key, name, data)

        def change(current: Item) -> bool:
            for att in current.attachments:
                if att.key == attachment_key:
                    att.path, att.sha256, att.size, att.link_mode = path, sha, size, "imported_file"
            return True
        self.edit_items([item_key], change)
        if old is not None and old.name != name and old.parent.name == attachment_key:
            old.unlink(missing_ok=True)
        attachment.path, attachment.sha256, attachment.size = path, sha, size
        return attachment

    def attachment_path(self, attachment: Attachment) -> Path | None:
        """Absolute path of a stored or linked file (None for URL links or paths escaping the library)."""
        if attachment.link_mode == "linked_url" or not attachment.path:
            return None
        if attachment.link_mode == "linked_file":
            return Path(attachment.path)
        return self._inside_files(attachment.path)

    def _inside_files(self, rel: str) -> Path | None:
        """The stored file at *rel*, resolved, when it lies inside `files/` (a symlink loop is outside)."""
        from senref.core.confine import resolved, within

        target = resolved(self.folder / rel)
        return target if target is not None and within(target, self.files_dir) else None

    # -- maintenance ---------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Integrity and consistency problems (an empty list means healthy)."""
        from senref.core.check import check_library

        return check_library(self)
