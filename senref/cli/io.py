"""`senref import FILE... [--collection NAME]` and `senref export [scope] [--format F] [-o FILE]`."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from senref.cli.context import Context
from senref.cli.items import collection_key
from senref.cli.main import UsageError
from senref.core.importfiles import FileRoots
from senref.core.query import ItemQuery


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
    p.add_argument("-o", "--output", metavar="FILE", help="write here (atomically); default: standard output")
    p.set_defaults(func=run_export)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    from senref.formats import registry

    lib = ctx.library()
    target = None
    if args.collection:
        target = lib.find_collection(args.collection) or lib.ensure_collection_path(
            [part for part in args.collection.split("/") if part])
    extra_roots = tuple(Path(folder).expanduser() for folder in args.files_from)
    for folder in extra_roots:
        if not folder.is_dir():
            raise UsageError(f"--files-from {folder}: not a folder")
    failed = 0
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            ctx.err(f"{name}: no such file")
            failed += 1
            continue
        refused = registry.too_large(path, ctx.settings.max_import_mb)
        if refused:
            ctx.err(f"{name}: {refused}")
            failed += 1
            continue
        fmt = registry.get(args.format) if args.format else registry.sniff(path)
        if fmt is None:
            ctx.err(f"{name}: not a format senref reads (BibTeX, BibLaTeX, RIS, CSL-JSON, Zotero RDF, PubMed XML, JSON)")
            failed += 1
            continue

        def progress(done: int, name: str = name) -> None:
            ctx.progress(f"{name}: {done} entries")
        roots = FileRoots(path.absolute().parent, extra_roots)
        report = lib.import_records(fmt.read(path), collection=target, progress=progress,
                                    source=f"import:{fmt.name}", copy_files=not args.link_files, file_roots=roots)
        for line, message in report.problems:
            ctx.err(f"{name}:{line}: {message}" if line else f"{name}: {message}")
        for line, message in report.warnings:
            ctx.err(f"{name}:{line}: warning: {message}" if line else f"{name}: warning: {message}")
        ctx.progress(f"{name}: {fmt.label}: {report.created} added, {report.merged} merged into existing items, "
                     f"{len(report.problems)} skipped")
        if report.problems:
            failed += 1
    return 1 if failed else 0


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    from senref.formats import registry
    from senref.formats.base import ExportContext

    lib = ctx.library()
    if args.format:
        fmt = registry.get(args.format)
        if fmt is None:
            raise UsageError(f"unknown format {args.format!r}; known: {', '.join(f.name for f in registry.all() if f.can_write)}")
    elif args.output:
        fmt = registry.for_path(Path(args.output))
        if fmt is None:
            raise UsageError(f"cannot tell the format from {args.output!r}; give --format")
    else:
        fmt = registry.get("json")
    assert fmt is not None
    if not fmt.can_write:
        raise UsageError(f"senref reads {fmt.name} but does not write it")
    query = ItemQuery(collection=collection_key(lib, args.collection), recursive=args.recursive,
                      tags=[args.tag] if args.tag else [], search=args.search or "")
    from senref.core.citekeys import LibraryCitationKeys

    export_ctx = ExportContext(
        library_dir=lib.folder,
        collections={c.key: (c.name, c.parent_key) for c in lib.list_collections()},
        with_files=args.with_files,
        # Citation keys are pinned in the library on first export, so they never change afterwards.
        citation_keys=LibraryCitationKeys(lib),
        options={"citekey_pattern": ctx.settings.citation_key_pattern},
    )
    items = lib.iter_items(query=query)
    if args.output:
        count = fmt.write(items, Path(args.output), export_ctx)
        ctx.progress(f"exported {count} item(s) as {fmt.label} to {args.output}")
        return 0
    # Standard output: render to a temp file first so a failure never prints half an export.
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"export{fmt.extensions[0] if fmt.extensions else ''}"
        count = fmt.write(items, out, export_ctx)
        sys.stdout.write(out.read_text(encoding="utf-8"))
    ctx.progress(f"exported {count} item(s) as {fmt.label}")
    return 0
