"""Attachment paths in exports: a relative `files/<key>/<name>` copy beside the export, or the library file."""

from __future__ import annotations

import shutil
from pathlib import Path

from senref.core.model import Attachment, is_key
from senref.formats.base import ExportContext, attachment_file

#: The folder beside an export that holds its attachments (Zotero's "Export Files" layout).
FILES_FOLDER = "files"


def placed_path(att: Attachment) -> str:
    """Where a caller that places files itself puts *att*'s stored file, relative to the export ("" if nowhere).

    Only files stored in the library are placed: a linked file lives outside the library and is
    referenced where it is. Sync's file mirror and the writers both use this one rule.

    >>> placed_path(Attachment(key="ABCD2345", link_mode="imported_file", path="files/ABCD2345/a:b.pdf"))
    'files/ABCD2345/a_b.pdf'
    >>> placed_path(Attachment(key="ABCD2345", link_mode="linked_file", path="/elsewhere/a.pdf"))
    ''
    """
    from senref.core.library import safe_filename

    if att.link_mode not in ("imported_file", "imported_url") or not att.path or not is_key(att.key):
        return ""
    name = safe_filename(Path(att.path).name) or "file"
    return f"{FILES_FOLDER}/{att.key}/{name}"


def exported_path(att: Attachment, ctx: ExportContext, export_dir: Path | None = None) -> str:
    """Where an export should point for *att*'s file ("" when it has none).

    With `ctx.with_files` the file is copied to `<export dir>/files/<attachment key>/<name>` (Zotero's
    "Export Files" layout) and the relative path is returned; with `ctx.files_placed` as well, the
    caller has placed it there already and nothing is copied. Otherwise the absolute library path.
    """
    source = attachment_file(att, ctx.library_dir)
    if source is None:
        return ""
    if not ctx.with_files:
        return str(source)
    if ctx.files_placed:
        return placed_path(att) or str(source)
    folder = export_dir or ctx.export_dir
    if folder is None:
        raise ValueError("an export with files needs the folder it is written to (ExportContext.export_dir)")
    rel = Path(FILES_FOLDER) / att.key / source.name
    target = folder / rel
    if not (target.exists() and target.stat().st_size == source.stat().st_size):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return rel.as_posix()
