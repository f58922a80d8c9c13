"""`senref check [--hashes] [--repair]`: integrity and consistency report, and the safe repairs."""

from __future__ import annotations

import argparse

from senref.cli.context import Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="check the library's database, search index and files")
    p.add_argument("--hashes", action="store_true", help="also re-hash every stored file (slow)")
    p.add_argument("--full", action="store_true",
                   help="SQLite's full integrity_check: every index read back against its table (slower)")
    p.add_argument("--repair", action="store_true",
                   help="move files no item points to into lost+found/ (never deleting) and mend the search index")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.core.check import inspect_library, repair_library

    lib = ctx.library(create=False)
    if args.repair:
        done, findings = repair_library(lib)
        for line in done:
            print(f"repaired: {line}")
        if args.hashes or args.full:
            findings = inspect_library(lib, verify_hashes=args.hashes, full=args.full)
    else:
        findings = inspect_library(lib, verify_hashes=args.hashes, full=args.full)
    items = lib.count()
    if findings:
        for finding in findings:
            print(f"problem: {finding.message}")
        hint = " (senref check --repair moves stray files aside)" if any(
            f.kind in ("orphan", "search-index") for f in findings) and not args.repair else ""
        print(f"{len(findings)} problem(s) in {lib.folder}{hint}")
        return 1
    print(f"library ok: {items} items, {len(lib.list_collections())} collections, "
          f"integrity ok, search index in step, files present ({lib.folder})")
    return 0
