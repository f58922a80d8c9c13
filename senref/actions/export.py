"""Export the items a query selects to one file in one format, keys by the settings' pattern and pinned."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.citekeys import LibraryCitationKeys
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import Settings

if TYPE_CHECKING:
    from senref.core.library import Library
    from senref.formats.base import ExportContext, Format


class ExportError(ValueError):
    """A format that is unknown, read-only or cannot be told from the file name (shown as is)."""


def export_options(settings: Settings) -> dict[str, str]:
    """The writers' options from the settings, the same for an export and a sync target."""
    return {"citekey_pattern": settings.citation_key_pattern}


def choose_format(name: str | None, path: Path | None = None) -> Format:
    """The writer named *name*, else the one *path*'s extension names, else senref JSON."""
    from senref.formats import registry

    if name:
        fmt = registry.get(name)
        if fmt is None:
            known = ", ".join(f.name for f in registry.all() if f.can_write)
            raise ExportError(f"unknown format {name!r}; known: {known}")
    elif path is not None:
        fmt = registry.for_path(path)
        if fmt is None:
            raise ExportError(f"cannot tell the format from {str(path)!r}; give --format")
    else:
        fmt = registry.get("json")
        assert fmt is not None  # a built-in
    if not fmt.can_write:
        raise ExportError(f"senref reads {fmt.name} but does not write it")
    return fmt


@dataclass
class ExportReport(Report):
    """Where the items went, how many, in which format, and how many citation keys were pinned."""

    path: Path = Path()
    count: int = 0
    label: str = ""
    pinned: int = 0

    def summary(self) -> str:
        if self.cancelled:
            return "cancelled; nothing written"
        return f"{self.count} item{'s' if self.count != 1 else ''} written as {self.label} to {self.path.name}"


class ExportCancelled(Exception):
    """Raised inside a writer's loop so it removes its temporary file and leaves the target untouched."""


def export_items(library: Library, settings: Settings, query: ItemQuery, path: Path,
                 format_name: str | None = None, *, with_files: bool = False, unicode: bool = False,
                 integrity_note: bool = False, progress: ProgressSink = no_progress,
                 should_stop: ShouldStop = never_stop) -> ExportReport:
    """Write the items matching *query* to *path* (atomically, as every writer does).

    The one export path of both front ends, so `senref export` and the window's Export write the same
    bytes; new citation keys follow the settings' pattern and are pinned, so a key never changes once
    exported. *format_name* None takes the format from the extension of *path* (else senref JSON). On
    a stop the target is left as it was and no key is pinned. With *unicode*, BibTeX and BibLaTeX keep
    UTF-8 instead of LaTeX-encoding every non-ASCII character (the default, which pdflatex compiles).
    A retracted or flagged item is named in the report's warnings; with *integrity_note* its status
    and notice also go into the exported record's note (BibTeX `note`, CSL `note`, RIS `M2`).
    """
    fmt = choose_format(format_name, path if format_name is None else None)
    total = library.count(query)
    progress(Progress(0, total, f"exporting {total} items as {fmt.label} to {path.name}"))
    keys = LibraryCitationKeys(library)
    ctx = export_context(library, settings, with_files=with_files, citation_keys=keys,
                         progress=lambda n: progress(Progress(n, total)))
    if unicode:
        ctx.options["bibtex_unicode"] = "true"
    flagged: list[str] = []
    items = _flag_integrity(_until_stopped(library.iter_items(query=query), should_stop), flagged, integrity_note)
    try:
        count = fmt.write(items, path, ctx)
    except ExportCancelled:
        return ExportReport(path=path, label=fmt.label, cancelled=True)
    progress(Progress(count, total))
    report = ExportReport(path=path, count=count, label=fmt.label, pinned=len(keys.pinned_versions))
    report.warnings.extend(flagged)
    return report


def _flag_integrity(items: Iterable[Item], flagged: list[str], note: bool) -> Iterator[Item]:
    """Note the retracted or flagged items going out (and, with *note*, say so in their exported copy)."""
    from senref.core.integrity import warning

    for item in items:
        line = warning(item)
        if line:
            flagged.append(line)
            if note:
                item.fields["extra"] = "\n".join(part for part in (line[0].upper() + line[1:],
                                                                    item.fields.get("extra", "")) if part)
        yield item


def export_context(library: Library, settings: Settings, *, with_files: bool = False,
                   citation_keys: LibraryCitationKeys | None = None,
                   progress: Callable[[int], None] | None = None) -> ExportContext:
    """What a writer needs from the library and the settings besides the items (*progress*: items written)."""
    from senref.formats.base import ExportContext

    return ExportContext(
        library_dir=library.folder,
        collections={c.key: (c.name, c.parent_key) for c in library.list_collections()},
        with_files=with_files,
        progress=progress,
        citation_keys=citation_keys,
        options=export_options(settings),
    )


def _until_stopped(items: Iterable[Item], should_stop: ShouldStop) -> Iterator[Item]:
    """Stop feeding the writer on cancel; it then replaces nothing (the temp file is discarded)."""
    for item in items:
        if should_stop():
            raise ExportCancelled
        yield item
