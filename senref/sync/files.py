"""Attachments beside a target: `files/<attachment key>/<name>`, hard-linked when possible, else copied.

Relative paths let Zotero import the PDFs with the records and let the folder move between
machines. Only stored files inside the library are placed; a path escaping the library is skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from senref.core.atomic import atomic_write
from senref.core.model import Attachment, Item
from senref.formats.exportfiles import placed_path


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
    """Hard-link *src* at *dest* (instant, no extra space), or copy it atomically across devices."""
    if dest.exists():
        with contextlib.suppress(OSError):
            s, d = src.stat(), dest.stat()
            if (s.st_ino, s.st_dev) == (d.st_ino, d.st_dev) or s.st_size == d.st_size:
                return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.link")
    with contextlib.suppress(OSError):
        tmp.unlink()
    try:
        os.link(src, tmp)
        os.replace(tmp, dest)
        return
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
    with atomic_write(dest, "wb") as out, src.open("rb") as handle:
        shutil.copyfileobj(handle, out, 1 << 20)


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
