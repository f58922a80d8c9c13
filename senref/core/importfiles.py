"""Which files an imported record may bring in: only those inside the imported file's folder (or a
folder the user named), after resolving symlinks; every other path is skipped and reported.

A .bib or .rdf file passed around a lab is data from outside. Its `file` fields and attachment
paths must never make senref read `/etc/shadow` or `~/.ssh/id_rsa` into the library, where an
export with files would then publish it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from senref.core.confine import allowed_file
from senref.core.model import Attachment, Item


@dataclass(frozen=True)
class FileRoots:
    """Where the files named by an imported file may come from."""

    #: the imported file's folder: relative paths are resolved against it
    base: Path
    #: further folders the user allowed (`senref import --files-from DIR`)
    extra: tuple[Path, ...] = ()

    @property
    def allowed(self) -> tuple[Path, ...]:
        return (self.base, *self.extra)


@dataclass
class Admitted:
    """An attachment of an imported record whose file may be read, and that file (resolved)."""

    attachment: Attachment
    source: Path


def admit_attachments(item: Item, roots: FileRoots | None) -> tuple[list[Admitted], list[str]]:
    """Sort the attachments of an imported *item*: files to take in, and warnings for those skipped.

    URL links stay. An attachment with a path (whatever link mode the file claims: a stored path
    of another library means nothing here) is taken only when the path names a regular file inside
    *roots*; otherwise it is dropped (kept as a URL link if it has a URL) and named in a warning.
    With *roots* None no file is read at all.
    """
    admitted: list[Admitted] = []
    warnings: list[str] = []
    kept: list[Attachment] = []
    for att in item.attachments:
        if att.link_mode == "linked_url" or not att.path:
            if att.url:
                att.link_mode, att.path = "linked_url", ""
                kept.append(att)
            continue
        source, why = _source(att.path, roots)
        if source is None:
            warnings.append(f"attachment skipped ({why}): {_shown(att.path)}")
            if att.url:
                att.link_mode, att.path = "linked_url", ""
                kept.append(att)
            continue
        admitted.append(Admitted(att, source))
        kept.append(att)
    item.attachments = kept
    return admitted, warnings


def _source(raw: str, roots: FileRoots | None) -> tuple[Path | None, str]:
    if roots is None:
        return None, "files named in imported records are not read here"
    if "\x00" in raw:
        return None, "the path holds a NUL byte"
    path = Path(raw)
    if not path.is_absolute():
        path = roots.base / path
    return allowed_file(path, roots.allowed)


def _shown(path: str) -> str:
    """The path as the user should see it in a one-line report (bounded, control characters escaped)."""
    text = path if len(path) <= 300 else f"{path[:150]}…{path[-100:]}"
    return text.encode("unicode_escape").decode("ascii") if any(ord(c) < 32 for c in text) else text
