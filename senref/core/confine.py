"""Path containment: which files a record from outside may name, and safe places under `files/`.

Paths found in imported files, and paths stored in the database, are data from outside: they are
only ever turned into file operations through these functions, which resolve symlinks (a loop or
an unreadable link counts as "outside") and compare against the allowed roots.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")


def safe_filename(name: str) -> str:
    """A file name that is safe on every platform (no separators, control or reserved characters).

    >>> safe_filename("../a:b?.pdf")
    '_a_b_.pdf'
    """
    cleaned = re.sub(r"\.{2,}", ".", _UNSAFE_FILENAME.sub("_", name)).strip(" .")
    return cleaned[:150]


def resolved(path: Path) -> Path | None:
    """*path* with every symlink resolved, or None when it cannot be (a loop, a bad link, an odd name)."""
    try:
        return Path(os.path.realpath(path, strict=False)) if "\x00" not in str(path) else None
    except (OSError, RuntimeError, ValueError):
        return None


def within(path: Path, root: Path) -> bool:
    """True when the resolved *path* lies inside the resolved *root* (not the root itself).

    >>> within(Path("/srv/lib/files/A/x.pdf"), Path("/srv/lib/files"))
    True
    >>> within(Path("/srv/lib/files/../secret"), Path("/srv/lib/files"))
    False
    """
    target, base = resolved(path), resolved(root)
    return target is not None and base is not None and base in target.parents


def allowed_file(path: Path, roots: Iterable[Path]) -> tuple[Path | None, str]:
    """(the resolved regular file, "") when *path* names one inside a root, else (None, why not).

    Only regular files pass: a FIFO would hang the reader, a device could be endless.
    """
    target = resolved(path)
    if target is None:
        return None, "the path cannot be resolved"
    if not any(within(target, root) for root in roots):
        return None, "outside the imported file's folder"
    try:
        info = target.stat()
    except OSError:
        return None, "not found"
    if not stat.S_ISREG(info.st_mode):
        return None, "not a regular file"
    return target, ""


def real_dir(path: Path) -> bool:
    """True for a directory that is not a symlink (writes and deletes never go through a link)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def own_folder_path(rel: str, key: str, files_name: str = "files") -> bool:
    """True when a stored path has the one shape senref writes: `files/<its own key>/<name>`.

    >>> own_folder_path("files/ABCD2345/paper.pdf", "ABCD2345")
    True
    >>> own_folder_path("files/WXYZ6789/paper.pdf", "ABCD2345")
    False
    """
    parts = Path(rel).parts
    return len(parts) == 3 and parts[0] == files_name and parts[1] == key and parts[2] not in ("", ".", "..")


def stored_folder(files_dir: Path, key: str, rel: str) -> Path | None:
    """The folder `files/<key>/` that holds a stored attachment, when it is safe to write or delete.

    *rel* is the attachment's stored path (`files/<key>/<name>`); anything of another shape, a
    symlinked folder or one that resolves elsewhere is refused, so that one attachment's row can
    never make senref touch another attachment's files.
    """
    if not own_folder_path(rel, key, files_dir.name):
        return None
    folder = files_dir / key
    if not real_dir(files_dir) or (os.path.lexists(folder) and not real_dir(folder)):
        return None
    return folder
