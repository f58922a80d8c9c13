"""Attachment paths in exports: a relative `files/<key>/<name>` copy beside the export, or the library file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from senref.core.atomic import atomic_write
from senref.core.confine import safe_filename
from senref.core.digest import file_sha256
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
    if not Path(os.path.realpath(target)).is_relative_to(os.path.realpath(folder)):
        return ""  # a `files` link beside the export points elsewhere: nothing is copied out of its folder
    copy_attachment(source, target, att.sha256)
    return rel.as_posix()


def copy_attachment(source: Path, target: Path, sha256: str = "") -> bool:
    """Copy a stored file beside an export, atomically; returns False when *target* was current.

    A copy is current when its bytes hash to the library's (*sha256*, else the source's own hash):
    a size alone would keep a truncated or edited copy forever. The copy is never a link, so a
    reader annotating the exported PDF can never change the library's file, and a link planted at
    the target is replaced, not written through.
    """
    expected = sha256 or file_sha256(source)
    if target.is_file() and not target.is_symlink() and target.stat().st_size == source.stat().st_size \
            and file_sha256(target) == expected:
        return False
    if target.is_symlink():
        target.unlink()
    with atomic_write(target, "wb") as out, source.open("rb") as handle:
        shutil.copyfileobj(handle, out, 1 << 20)
    return True

