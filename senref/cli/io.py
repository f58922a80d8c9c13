"""`senref import FILE...`, `senref export [scope] [--format F] [-o FILE]` and `senref convert IN [-o OUT]`."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from senref.cli.context import Context
from senref.cli.items import collection_key
from senref.cli.main import UsageError

if TYPE_CHECKING:
    from senref.actions.progress import Progress
    from senref.formats.base import Format


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="import BibTeX, BibLaTeX, RIS, CSL-JSON, Zotero RDF, PubMed XML or senref JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--collection", metavar="NAME", help="file the imported items in this collection (created if needed)")
    p.add_argument("--format", metavar="F", help="skip format detection")
    p.add_argument("--link-files", action="store_true",
                   help="link attached files where they are instead of copying them into the library")
    p.add_argument("--files-from", metavar="DIR", action="append", default=[],
                   help="also take attached files from inside DIR (by default only from the imported file's folder)")
    p.set_defaults(func=run_import)

    p = sub.add_parser("export", help="export the library, a collection, a tag or a search")
    p.add_argument("--collection", metavar="NAME")
    p.add_argument("--recursive", action="store_true", help="include subcollections")
    p.add_argument("--tag", metavar="TAG")
    p.add_argument("--search", metavar="QUERY")
    p.add_argument("--format", metavar="F", help="zotero-rdf, csljson, bibtex, biblatex, ris, json "
                                                  "(default: from the -o extension, else json)")
    p.add_argument("--with-files", action="store_true", help="copy attachments into files/ beside the export")
    p.add_argument("--unicode", action="store_true",
                   help="BibTeX/BibLaTeX: keep UTF-8 (default: LaTeX-encode non-ASCII characters so pdflatex compiles)")
    p.add_argument("--integrity-note", action="store_true",
                   help="say in each retracted or flagged record's note that it is (BibTeX note, CSL note, RIS M2)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically); default: standard output")
    p.set_defaults(func=run_export)

    p = sub.add_parser("convert", help="convert a bibliography file to another format (no library is opened)",
                       description="Read IN with senref's import readers and write it with its export writers: "
                                   "no duplicates merged, no tags suggested. Attached files are named only when "
                                   "inside IN's folder or a --files-from folder; Zotero RDF copies them beside "
                                   "OUT (files/<key>/), as Zotero's own export does.")
    p.add_argument("input", metavar="IN")
    p.add_argument("--from", dest="from_format", metavar="F", help="the input's format (default: from its content)")
    p.add_argument("--format", metavar="F", help="zotero-rdf, csljson, bibtex, biblatex, ris, json "
                                                  "(default: from the -o extension, else json)")
    p.add_argument("--unicode", action="store_true",
                   help="BibTeX/BibLaTeX: keep UTF-8 (default: LaTeX-encode non-ASCII characters so pdflatex compiles)")
    p.add_argument("--files-from", metavar="DIR", action="append", default=[],
                   help="also name attached files inside DIR (by default only those in IN's folder)")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically); default or '-': standard output")
    p.set_defaults(func=run_convert)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.imports import import_files

    extra_roots = tuple(Path(folder).expanduser() for folder in args.files_from)
    for folder in extra_roots:
        if not folder.is_dir():
            raise UsageError(f"--files-from {folder}: not a folder")
    report = import_files(ctx.library(), ctx.settings, args.files, collection=args.collection,
                          format_name=args.format, link_files=args.link_files, files_from=extra_roots,
                          progress=_print_event(ctx))
    if report.possible_duplicates:
        ctx.progress(f"senref import: {report.possible_duplicates} possible duplicates (senref duplicates list)")
    return 1 if report.failed else 0


def _print_event(ctx: Context) -> Callable[[Progress], None]:
    """Progress lines as they come; problems and warnings as errors (named by file and line)."""
    def show(event: Progress) -> None:
        if event.level == "info":
            if event.message:
                ctx.progress(event.message)
        else:
            ctx.err(event.message)
    return show


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.export import ExportError, choose_format, export_items
    from senref.core.query import ItemQuery

    lib = ctx.library(create=False)
    try:
        fmt = choose_format(args.format, Path(args.output) if args.output else None)
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    query = ItemQuery(collection=collection_key(lib, args.collection), recursive=args.recursive,
                      tags=[args.tag] if args.tag else [], search=args.search or "")
    if args.output:
        report = export_items(lib, ctx.settings, query, Path(args.output), fmt.name, with_files=args.with_files,
                              unicode=args.unicode, integrity_note=args.integrity_note)
        for line in report.warnings:
            ctx.err(line)
        ctx.progress(f"wrote {_items(report.count)} as {report.label} to {args.output}{_other_formats(args, fmt)}")
        return 0
    # Standard output: render to a temp file first so a failure never prints half an export.
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"export{fmt.extensions[0] if fmt.extensions else ''}"
        report = export_items(lib, ctx.settings, query, out, fmt.name, with_files=args.with_files,
                              unicode=args.unicode, integrity_note=args.integrity_note)
        sys.stdout.write(out.read_text(encoding="utf-8"))
    for line in report.warnings:
        ctx.err(line)
    ctx.progress(f"wrote {_items(report.count)} as {report.label}{_other_formats(args, fmt)}")
    return 0


def run_convert(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.convert import ConvertError, convert_file
    from senref.actions.export import ExportError, choose_format

    extra_roots = tuple(Path(folder).expanduser() for folder in args.files_from)
    for folder in extra_roots:
        if not folder.is_dir():
            raise UsageError(f"--files-from {folder}: not a folder")
    source = Path(args.input).expanduser()
    output = args.output if args.output != "-" else None
    try:
        if output:
            report = convert_file(source, Path(output).expanduser(), ctx.settings, to_format=args.format,
                                  from_format=args.from_format, unicode=args.unicode, files_from=extra_roots)
        else:
            fmt = choose_format(args.format)
            if fmt.name == "zotero-rdf":
                raise UsageError("Zotero RDF keeps its files beside it; give -o FILE.rdf")
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / f"convert{fmt.extensions[0] if fmt.extensions else ''}"
                report = convert_file(source, out, ctx.settings, to_format=fmt.name, from_format=args.from_format,
                                      unicode=args.unicode, files_from=extra_roots)
                if out.exists():  # not when every entry was skipped
                    sys.stdout.write(out.read_text(encoding="utf-8"))
    except (ConvertError, ExportError) as exc:
        raise UsageError(str(exc)) from exc
    for line in report.problems:
        ctx.err(f"{args.input}: {line}")
    for line in report.warnings:
        ctx.err(f"{args.input}: warning: {line}")
    where = f" to {output}" if output else ""
    ctx.progress(f"{report.summary(where)}{_other_formats(args, choose_format(report.to_format))}")
    return 1 if report.failed else 0


def _items(count: int) -> str:
    return f"{count} item{'' if count == 1 else 's'}"


def _other_formats(args: argparse.Namespace, chosen: Format) -> str:
    """When senref picked the format itself, the writers it could have meant (`.json`: CSL-JSON or senref JSON)."""
    from senref.formats import registry

    if args.format:
        return ""
    name = Path(args.output).name.lower() if args.output else ""
    suffixes = [ext for ext in chosen.extensions if not name or name.endswith(ext)]
    others = [f for f in registry.all() if f.can_write and f.name != chosen.name
              and any(ext in f.extensions for ext in suffixes)]
    hints = ", ".join(f"--format {f.name} for {f.label}" for f in others)
    return f" (use {hints})" if hints else ""
