"""`senref add`: identifiers, URLs, pasted citations (or `-` for stdin) and PDF files -> items with PDFs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from senref.cli.context import Context


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "add", help="add works by DOI, HAL id, PMID, arXiv id, URL, pasted text or PDF file",
        description="Find every identifier in the arguments (or in stdin with '-'), fetch one complete "
                    "record per work from HAL, Crossref/DataCite, PubMed and arXiv, and store its "
                    "open-access PDF. A PDF file argument is attached to the record found in it.")
    parser.add_argument("inputs", nargs="+", metavar="ID_OR_TEXT", help="identifier, URL, text, PDF path, or '-'")
    parser.add_argument("--collection", metavar="NAME", help="also put the items in this collection (A/B for nested)")
    parser.add_argument("--no-pdf", action="store_true", help="do not download PDFs")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.actions.add import add_inputs
    from senref.actions.progress import Progress

    texts: list[str] = []
    for value in args.inputs:
        texts.append(sys.stdin.read() if value == "-" else value)

    def progress(event: Progress) -> None:
        ctx.progress(f"[{event.done}/{event.total}] {event.message}")

    report = add_inputs(ctx.library(), ctx.settings, texts, collection=args.collection, pdf=not args.no_pdf,
                        progress=progress, cache_dir=ctx.paths.cache)
    for outcome in report.outcomes:
        for reason in outcome.pdf_reasons:
            ctx.progress(f"  no PDF for {outcome.key}: {reason}")
    ctx.progress(f"senref add: {report.summary()}")
    for reason, labels in report.failures_by_reason():
        if len(labels) == 1:
            ctx.err(f"failed: {labels[0]}: {reason}")
        else:
            shown = ", ".join(labels[:10]) + (f" and {len(labels) - 10} more" if len(labels) > 10 else "")
            ctx.err(f"failed ({len(labels)}): {reason}: {shown}")
    return 1 if report.failed else 0
