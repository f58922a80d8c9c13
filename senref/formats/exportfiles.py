"""Attachment paths in exports: a relative `files/<key>/<name>` copy beside the export, or the library file."""

from __future__ import annotations

import shutil
from pathlib import Path

from senref.core.model import Attachment
from senref.formats.base import ExportContext, attachment_file


def exported_path(att: Attachment, ctx: ExportContext, export_dir: Path) -> str:
    """Where an export should point for *att*'s file ("" when it has none).

    With `ctx.with_files` the file is copied to `<export dir>/files/<attachment key>/<name>` (Zotero's
    "Export Files" layout) and the relative path is returned; otherwise the absolute library path.
    """
    source = attachment_file(att, ctx.library_dir)
    if source is None:
        return ""
    if not ctx.with_files:
        return str(source)
    rel = Path("files") / att.key / source.name
    target = export_dir / rel
    if not (target.exists() and target.stat().st_size == source.stat().st_size):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return rel.as_posix()
