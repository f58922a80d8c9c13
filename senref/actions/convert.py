"""Convert a bibliography file to another format without a library (`senref convert`, JabRef's `-i … -o …`).

The records go through the import readers and the export writers, so a converted file carries
exactly what an import followed by an export would, with three differences that make it a
conversion and not a library round trip: no duplicate is merged, no topic tag is suggested, and
no file is copied into a library. Attached files are named only when they lie inside the input's
folder (or a folder the user allowed), the rule an import follows; any other path is dropped with a
warning and its file never read. They are named where they are, except in Zotero RDF, whose files
always sit beside it (`files/<key>/<name>`, Zotero's layout), where they are copied. Records
stream from reader to writer, so a 100,000-entry file never sits in memory, and the output is
written atomically: a failure leaves it as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from senref.actions.export import ExportCancelled, ExportError, choose_format, export_options
from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.importfiles import FileRoots, admit_attachments
from senref.core.model import Attachment, Item, Note, is_key, new_key
from senref.core.records import ImportProblem, ImportRecord
from senref.core.sanitize import clean_item
from senref.core.settings import Settings
from senref.formats.exportfiles import FILES_FOLDER

if TYPE_CHECKING:
    from senref.formats.base import ExportContext, Format


class ConvertError(ValueError):
    """The input cannot be read or the output cannot be chosen; nothing was written (shown as is)."""


@dataclass
class ConvertReport(Report):
    """How many records went out, from which format to which."""

    source: Path = Path()
    path: Path = Path()
    count: int = 0
    from_label: str = ""
    to_label: str = ""
    #: the writer's name (`ris`), for a caller that names the other writers it could have meant
    to_format: str = ""

    def summary(self, where: str = "") -> str:
        """One line; *where* names the output as the user gave it (" to out.ris")."""
        if self.cancelled:
            return "cancelled; nothing written"
        skipped = len(self.problems)
        if not self.count and skipped:
            return f"nothing converted: every entry was skipped ({skipped}); nothing was written"
        text = f"{self.count} item{'' if self.count == 1 else 's'} converted from {self.from_label} to {self.to_label}"
        text += where
        text += f", {skipped} entr{'y' if skipped == 1 else 'ies'} skipped" if skipped else ""
        return text


def convert_file(source: Path, target: Path, settings: Settings, *, to_format: str | None = None,
                 from_format: str | None = None, unicode: bool = False, files_from: Sequence[Path] = (),
                 progress: ProgressSink = no_progress, should_stop: ShouldStop = never_stop) -> ConvertReport:
    """Write the records of *source* to *target* in *to_format* (else the one *target*'s extension names).

    *from_format* skips detection from the content. Raises ConvertError, before anything is
    written, for a missing, oversized or unreadable input, an unknown format, a target that is
    the input itself or no regular file, and when the input cannot be read to its end. Entries the
    reader cannot take are skipped and named in `problems`; when none could be taken, *target*
    is left as it was. Files a writer copies beside *target* (Zotero RDF) go when the write fails.
    """
    reader = _reader(source, settings, from_format)
    try:
        writer = choose_format(to_format, target if to_format is None else None)
    except ExportError as exc:
        raise ConvertError(str(exc)) from exc
    _check_target(source, target)
    report = ConvertReport(source=source, path=target, from_label=reader.label, to_label=writer.label,
                           to_format=writer.name)
    ctx = _context(target, settings, unicode, lambda n: progress(Progress(n, 0)))
    roots = FileRoots(Path(os.path.abspath(source)).parent, tuple(files_from))  # noqa: PTH100 - as named
    progress(Progress(0, 0, f"converting {source.name} ({reader.label}) to {target.name} ({writer.label})"))
    placed: list[Path] = []  # folders beside the target that this conversion makes for copied files
    items = _items(_read(reader, source), ctx, roots, report, should_stop, guard=_Guard(source, target, placed))
    try:
        report.count = writer.write(items, target, ctx)
    except ExportCancelled:
        report.cancelled = True
        _remove(placed)
    except _NothingRead:
        _remove(placed)
    except BaseException:
        _remove(placed)
        raise
    return report


class _NothingRead(Exception):
    """Every entry was skipped: the writer gives up and the target stays as it was."""


def _read(reader: Format, source: Path) -> Iterator[ImportRecord | ImportProblem]:
    """The reader's records; a file that cannot be read to its end is a refusal naming it."""
    try:
        yield from reader.read(source)
    except OSError as exc:
        raise ConvertError(f"{source}: cannot be read ({exc.strerror or exc})") from exc


def _reader(source: Path, settings: Settings, name: str | None) -> Format:
    from senref.actions.imports import UNKNOWN_FORMAT
    from senref.formats import registry

    try:
        if not source.exists():
            raise ConvertError(f"{source}: no such file")
        if source.is_dir():
            raise ConvertError(f"{source} is a folder; give a bibliography file")
        if not source.is_file():
            raise ConvertError(f"{source} is not a regular file (a pipe or a device); give a bibliography file")
        refused = registry.too_large(source, settings.max_import_mb)
        if refused:
            raise ConvertError(f"{source}: {refused}")
        fmt = registry.get(name) if name else registry.sniff(source)
    except OSError as exc:
        raise ConvertError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    if name and (fmt is None or not fmt.can_read):
        known = ", ".join(f.name for f in registry.all() if f.can_read)
        raise ConvertError(f"senref does not read {name!r}; it reads: {known}")
    if fmt is None:
        raise ConvertError(f"{source}: {UNKNOWN_FORMAT}")
    return fmt


def _check_target(source: Path, target: Path) -> None:
    """Refuse a target that is the input (by any spelling or link) or that is no file to replace."""
    if _same_file(source, target):
        raise ConvertError(f"{target} is the input file; convert writes a new file and never over its input")
    if target.is_dir():
        raise ConvertError(f"{target} is a folder; give the name of the file to write")
    if target.exists() and not target.is_file():
        raise ConvertError(f"{target} is not a regular file (a pipe or a device); give a file to write")


def _same_file(source: Path, target: Path) -> bool:
    """True when writing *target* would replace *source*: the same file, or the same path once resolved."""
    try:
        if target.exists() and source.samefile(target):
            return True
    except OSError:
        pass
    # `missing/../in.bib` names the input once its missing folder is made: judge the resolved path.
    return os.path.realpath(target) == os.path.realpath(source)


class _Guard:
    """Where a writer would copy an attachment beside the target: never over the input, never out of
    the target's folder (a `files` link pointing elsewhere), and folders made by this run noted."""

    def __init__(self, source: Path, target: Path, placed: list[Path]) -> None:
        self.source = os.path.realpath(source)
        self.folder = Path(os.path.realpath(Path(os.path.abspath(target)).parent))  # noqa: PTH100
        self.files = Path(os.path.abspath(target)).parent / FILES_FOLDER  # noqa: PTH100
        self.placed = placed

    def admit(self, key: str, source: Path) -> str:
        """Why the copy of *source* under *key* may not be made ("" when it may)."""
        copy = self.files / key / source.name
        resolved = Path(os.path.realpath(copy))
        if str(resolved) == self.source:
            return "its copy beside the output would replace the input"
        if not resolved.is_relative_to(self.folder):
            return "its copy would land outside the output's folder"
        if not copy.parent.exists():
            self.placed.append(copy.parent)
        return ""


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.parent.rmdir()  # files/ too, when this run made it and left it empty


def _context(target: Path, settings: Settings, unicode: bool, progress: Callable[[int], None]) -> ExportContext:
    from senref.formats.base import ExportContext

    options = export_options(settings)
    if unicode:
        options["bibtex_unicode"] = "true"
    # No library: stored paths resolve against the output's folder, where nothing of ours is kept.
    return ExportContext(library_dir=Path(os.path.abspath(target)).parent,  # noqa: PTH100
                         options=options, progress=progress)


def _items(records: Iterator[ImportRecord | ImportProblem], ctx: ExportContext, roots: FileRoots,
           report: ConvertReport, should_stop: ShouldStop, *, guard: _Guard) -> Iterator[Item]:
    """The readable records as items ready for a writer; problems and warnings go to *report*.

    Ends with _NothingRead when entries were skipped and none was taken, so the target stays as it was.
    """
    taken = 0
    keys: set[str] = set()
    children: set[str] = set()
    collections: dict[tuple[str, ...], str] = {}
    for record in records:
        if should_stop():
            raise ExportCancelled
        if isinstance(record, ImportProblem):
            report.problems.append(_at(record.line, record.message))
            continue
        item = record.item
        report.warnings.extend(_at(record.line, message) for message in clean_item(item))
        # Keys in a file are proposals (two entries may share one); a writer needs them distinct.
        if not is_key(item.key) or item.key in keys:
            item.key = new_key()
        keys.add(item.key)
        kids: list[Note | Attachment] = [*item.notes, *item.attachments]
        for child in kids:
            if not is_key(child.key) or child.key in children:
                child.key = new_key()
            children.add(child.key)
        admitted, skipped = admit_attachments(item, roots)
        report.warnings.extend(_at(record.line, message) for message in skipped)
        for entry in admitted:
            why = guard.admit(entry.attachment.key, entry.source)
            if why:
                item.attachments.remove(entry.attachment)
                report.warnings.append(_at(record.line, f"attachment skipped ({why}): {entry.source.name}"))
                continue
            entry.attachment.link_mode, entry.attachment.path = "linked_file", str(entry.source)
        item.collections = [_collection(path, collections, ctx) for path in record.collections]
        taken += 1
        yield item
    if not taken and report.problems:
        raise _NothingRead


def _collection(path: tuple[str, ...], known: dict[tuple[str, ...], str], ctx: ExportContext) -> str:
    """The key standing for the collection at *path* in this file, its ancestors made too (for the writers' tree)."""
    parent: str | None = None
    for depth in range(1, len(path) + 1):
        prefix = path[:depth]
        key = known.get(prefix)
        if key is None:
            key = known[prefix] = new_key()
            ctx.collections[key] = (prefix[-1], parent)
        parent = key
    assert parent is not None  # readers give no empty path
    return parent


def _at(line: int, message: str) -> str:
    return f"line {line}: {message}" if line else message
