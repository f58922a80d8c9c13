"""Notes and attachments <-> Zotero Web API child objects (`itemType` note / attachment).

senref's Note and Attachment hold what senref uses; the rest of a child's API data (its version,
tags, relations, md5, mtime, charset, access date...) is kept per child key in
`item.extras[CHILD_DATA]` and put back on the way out, so a child survives a sync unchanged.
"""

from __future__ import annotations

import posixpath
from typing import Any

from senref.core.model import Attachment, Note

#: item.extras key: {child key: API fields senref's Note/Attachment have no slot for}.
CHILD_DATA = "zoteroChildData"

_EMPTY: tuple[Any, ...] = ("", None, [], {}, False)
_NOTE_OWN = frozenset({"key", "itemType", "parentItem", "note", "dateAdded", "dateModified"})
_ATTACHMENT_OWN = frozenset({"key", "itemType", "parentItem", "linkMode", "title", "url", "contentType",
                             "path", "dateAdded"})
#: Link modes whose file lives in the library's storage (ours: `files/<key>/<name>`).
STORED_MODES = frozenset({"imported_file", "imported_url"})


def _leftovers(data: dict[str, Any], own: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in own and v not in _EMPTY}


def note_from_api(data: dict[str, Any]) -> tuple[Note, dict[str, Any]]:
    """The note and the API fields kept beside it."""
    note = Note.from_json(data)
    return note, _leftovers(data, _NOTE_OWN)


def note_to_api(note: Note, parent_key: str | None, kept: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"key": note.key, "version": 0, "itemType": "note", "note": note.html,
                           "tags": [], "relations": {}, "dateAdded": note.date_added,
                           "dateModified": note.date_modified}
    if parent_key:
        out["parentItem"] = parent_key
    out.update(kept)
    return out


def attachment_from_api(data: dict[str, Any], files: dict[str, Any]) -> tuple[Attachment, dict[str, Any]]:
    """The attachment and the API fields kept beside it; *files* is senref's per-key hash/size/source."""
    att = Attachment.from_json(data)
    kept = _leftovers(data, _ATTACHMENT_OWN)
    filename = str(data.get("filename") or "")
    if att.link_mode in STORED_MODES:
        att.path = ""  # a server-side path means nothing here; the stored file is ours to place
        if filename and "/" not in filename:
            att.path = f"files/{att.key}/{filename}"
            kept.pop("filename", None)
    if kept.get("dateModified") == att.date_added:
        kept.pop("dateModified")
    ours = files.get(att.key)
    if isinstance(ours, dict):
        att.sha256 = str(ours.get("sha256") or "")
        att.source = str(ours.get("source") or "")
        size = ours.get("size")
        att.size = size if isinstance(size, int) and not isinstance(size, bool) else None
    return att, kept


def attachment_to_api(att: Attachment, parent_key: str | None, kept: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"key": att.key, "version": 0, "itemType": "attachment", "linkMode": att.link_mode,
                           "title": att.title, "accessDate": "", "url": att.url, "note": "",
                           "contentType": att.content_type, "charset": ""}
    if parent_key:
        out["parentItem"] = parent_key
    if att.link_mode in STORED_MODES:
        # Before its file is uploaded Zotero sends md5 and mtime as null (the file API fills them in).
        out.update(filename=posixpath.basename(att.path), md5=None, mtime=None)
    elif att.link_mode == "linked_file":
        out["path"] = att.path
    out.update(tags=[], relations={}, dateAdded=att.date_added, dateModified=att.date_added)
    out.update(kept)
    return out


def attachment_files(att: Attachment) -> dict[str, Any]:
    """senref's own data about the file (not Zotero's), carried in the parent's Extra."""
    return {k: v for k, v in (("sha256", att.sha256), ("size", att.size), ("source", att.source)) if v}
