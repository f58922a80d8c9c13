"""`senref check`: integrity and consistency report."""

from __future__ import annotations

import argparse

from senref.cli.context import Context


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="check the library's database, search index and files")
    p.add_argument("--hashes", action="store_true", help="also re-hash every stored file (slow)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from senref.core.check import check_library

    lib = ctx.library()
    problems = check_library(lib, verify_hashes=args.hashes)
    items = lib.count()
    if problems:
        for line in problems:
            print(f"problem: {line}")
        print(f"{len(problems)} problem(s) in {lib.folder}")
        return 1
    print(f"library ok: {items} items, {len(lib.list_collections())} collections, "
          f"integrity ok, search index in step, files present ({lib.folder})")
    return 0
