"""Attachments beside a target: `files/<attachment key>/<name>`, copied atomically and checked by hash.

Relative paths let Zotero import the PDFs with the records and let the folder move between
machines. Only stored files inside the library are placed; a path escaping the library is skipped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from senref.core.model import Attachment, Item
from senref.formats.exportfiles import copy_attachment, placed_path


class AttachmentSource(Protocol):
    def attachment_path(self, attachment: Attachment) -> Path | None: ...


def wanted_files(source: AttachmentSource, item: Item) -> dict[str, Path]:
    """Relative destination ("files/KEY/name.pdf") -> source file, for the item's stored files.

    The destination is the formats' `placed_path`, the path the writers reference when told the
    files are already placed, so the entry and the file beside it can never disagree.
    """
    out: dict[str, Path] = {}
    for att in item.attachments:
        rel = placed_path(att)
        if not rel:
            continue
        src = source.attachment_path(att)
        if src is None or not src.is_file():
            continue
        out[rel] = src
    return out


def place(src: Path, dest: Path) -> None:
    """Copy *src* to *dest* atomically unless an identical copy is there (never a hard link: a PDF
    annotated beside the export must not change the library's own file)."""
    copy_attachment(src, dest)


def remove(target_dir: Path, rel_paths: Iterable[str]) -> None:
    """Remove files senref placed earlier (and their emptied folders); never anything else."""
    root = (target_dir / "files").resolve()
    for rel in rel_paths:
        path = (target_dir / rel).resolve()
        if root not in path.parents:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # only succeeds when empty
