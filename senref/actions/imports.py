"""Import bibliography files (BibTeX, BibLaTeX, RIS, CSL-JSON, Zotero RDF, PubMed XML, senref JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from senref.actions.duplicates import possible_duplicates
from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.importfiles import FileRoots
from senref.core.settings import Settings

if TYPE_CHECKING:
    from senref.core.library import Library

#: Why a file was not read because senref does not know its format.
UNKNOWN_FORMAT = "not a format senref reads (BibTeX, BibLaTeX, RIS, CSL-JSON, Zotero RDF, PubMed XML, JSON)"


@dataclass
class FileImport:
    """What one file brought: counts, and (line, message) for each entry skipped or imported with a caveat."""

    name: str  # as the user named it
    format_label: str = ""
    created: int = 0
    merged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    #: why the file was not read at all ('' when it was)
    refused: str = ""

    def summary(self) -> str:
        return (f"{self.name}: {self.format_label}: {self.created} added, {self.merged} merged into existing "
                f"items, {len(self.problems)} skipped")


@dataclass
class ImportFilesReport(Report):
    """One FileImport per file asked for; `problems` and `warnings` hold their lines, file name first."""

    files: list[FileImport] = field(default_factory=list)
    #: likely duplicates (not merged: no identifier proves them) the imported items are in
    possible_duplicates: int = 0

    @property
    def created(self) -> int:
        return sum(f.created for f in self.files)

    @property
    def merged(self) -> int:
        return sum(f.merged for f in self.files)

    @property
    def keys(self) -> list[str]:
        return [k for f in self.files for k in f.keys]

    def summary(self) -> str:
        text = f"{self.created} added, {self.merged} merged"
        text += f", {self.possible_duplicates} possible duplicates" if self.possible_duplicates else ""
        text += f", {len(self.problems)} problems" if self.problems else ""
        text += f", {len(self.warnings)} warnings" if self.warnings else ""
        return text + (" (cancelled)" if self.cancelled else "")

    def lines(self) -> list[str]:
        """The jobs panel's log: entries by line, named by file when there were several files."""
        out: list[str] = []
        named = len(self.files) > 1
        for f in self.files:
            prefix = f"{Path(f.name).name}: " if named else ""
            if f.refused:
                out.append(f"problem: {Path(f.name).name}: {f.refused}")
            out.extend(f"problem at line {line}: {prefix}{message}" for line, message in f.problems)
            out.extend(f"warning at line {line}: {prefix}{message}" if line else f"warning: {prefix}{message}"
                       for line, message in f.warnings)
        return out


def collection_for(library: Library, spec: str) -> str:
    """The key of collection *spec* (a key, a name or a Parent/Child path), created when missing."""
    key = library.find_collection(spec)
    return key or library.ensure_collection_path([part for part in spec.split("/") if part.strip()])


def import_files(library: Library, settings: Settings, paths: Sequence[Path | str], *,
                 collection: str | None = None, format_name: str | None = None, link_files: bool = False,
                 files_from: Sequence[Path] = (), progress: ProgressSink = no_progress,
                 should_stop: ShouldStop = never_stop) -> ImportFilesReport:
    """Import each file into *library* (into *collection* too, created when missing).

    Attached files named by a record are taken only from the file's own folder and *files_from*;
    they are copied into the library unless *link_files*.
    """
    from senref.formats import registry

    report = ImportFilesReport()
    target = collection_for(library, collection) if collection else None
    total = len(paths)
    for done, raw in enumerate(paths):
        if should_stop():
            report.cancelled = True
            break
        name, path = str(raw), Path(raw)
        outcome = FileImport(name)
        report.files.append(outcome)
        if not path.is_file():
            outcome.refused = "no such file"
        else:
            outcome.refused = registry.too_large(path, settings.max_import_mb)
        fmt = None
        if not outcome.refused:
            fmt = registry.get(format_name) if format_name else registry.sniff(path)
            if fmt is None:
                outcome.refused = UNKNOWN_FORMAT
        if fmt is None:
            _problem(report, progress, Progress(done + 1, total, f"{name}: {outcome.refused}", "problem"))
            continue
        outcome.format_label = fmt.label

        def counted(n: int, name: str = name, done: int = done) -> None:
            progress(Progress(done, total, f"{name}: {n} {'entry' if n == 1 else 'entries'}"))
        result = library.import_records(fmt.read(path), collection=target, progress=counted,
                                        should_stop=should_stop, source=f"import:{fmt.name}",
                                        copy_files=not link_files,
                                        file_roots=FileRoots(path.absolute().parent, tuple(files_from)))
        outcome.created, outcome.merged, outcome.keys = result.created, result.merged, list(result.keys)
        outcome.problems, outcome.warnings = list(result.problems), list(result.warnings)
        for line, message in outcome.problems:
            text = f"{name}:{line}: {message}" if line else f"{name}: {message}"
            _problem(report, progress, Progress(done, total, text, "problem"))
        for line, message in outcome.warnings:
            text = f"{name}:{line}: warning: {message}" if line else f"{name}: warning: {message}"
            report.warnings.append(text)
            progress(Progress(done, total, text, "warning"))
        progress(Progress(done + 1, total, outcome.summary()))
        if should_stop():
            report.cancelled = True
    report.possible_duplicates = possible_duplicates(library, report.keys)
    return report


def _problem(report: Report, progress: ProgressSink, event: Progress) -> None:
    report.problems.append(event.message)
    progress(event)


@dataclass
class FileSummary:
    """What a bibliography file holds, for an import confirmation (entries counted by reading it)."""

    path: Path
    format_name: str = ""
    label: str = ""
    entries: int | None = None  # None while counting or when the format is unknown
    problems: int = 0

    @property
    def readable(self) -> bool:
        return bool(self.format_name)


def sniff_file(path: Path) -> FileSummary:
    """The file's format, from its content (no entries counted yet)."""
    from senref.formats.registry import sniff

    fmt = sniff(path) if path.is_file() else None
    return FileSummary(path) if fmt is None else FileSummary(path, fmt.name, fmt.label)


def count_entries(summary: FileSummary, should_stop: ShouldStop = never_stop) -> FileSummary:
    """*summary* with its entries and unreadable entries counted by streaming the reader.

    Reading the whole file is the only way to know what a BibTeX or RDF file holds; a stop leaves
    the counts unset.
    """
    from senref.formats.base import ImportRecord
    from senref.formats.registry import get

    fmt = get(summary.format_name) if summary.format_name else None
    if fmt is None:
        return summary
    entries = problems = 0
    for record in fmt.read(summary.path):
        if should_stop():
            return summary
        if isinstance(record, ImportRecord):
            entries += 1
        else:
            problems += 1
    summary.entries, summary.problems = entries, problems
    return summary
