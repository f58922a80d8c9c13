"""The `senref` command line: global options, subcommand modules, exit codes, one-line errors."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import senref

if TYPE_CHECKING:
    from senref.cli.context import Context
    from senref.session import Session

#: Modules that add subcommands (each has `register(subparsers)`); order = order in --help.
COMMAND_MODULES = (
    "senref.cli.items",
    "senref.cli.edit",
    "senref.cli.add",
    "senref.cli.collections",
    "senref.cli.tags",
    "senref.cli.duplicates",
    "senref.cli.io",
    "senref.cli.cite",
    "senref.cli.topics",
    "senref.cli.sync",
    "senref.cli.zotero",
    "senref.cli.integrity",
    "senref.cli.versions",
    "senref.cli.watch",
    "senref.cli.zotero_desktop",
    "senref.cli.desktop",
    "senref.cli.maintenance",
    "senref.cli.backup",
)

#: Each command and the module that registers it (tests/cli/test_startup.py checks it against
#: COMMAND_MODULES): a command line naming one is parsed with that module alone, not all eighteen.
COMMANDS = {
    "list": "senref.cli.items", "show": "senref.cli.items", "search": "senref.cli.items",
    "delete": "senref.cli.items", "restore": "senref.cli.items", "empty-trash": "senref.cli.items",
    "edit": "senref.cli.edit", "note": "senref.cli.edit", "add": "senref.cli.add",
    "collection": "senref.cli.collections", "tag": "senref.cli.tags", "tags": "senref.cli.tags",
    "duplicates": "senref.cli.duplicates", "import": "senref.cli.io", "export": "senref.cli.io",
    "convert": "senref.cli.io",
    "cite": "senref.cli.cite", "topics": "senref.cli.topics", "sync": "senref.cli.sync", "zotero": "senref.cli.zotero",
    "check-integrity": "senref.cli.integrity", "versions": "senref.cli.versions", "watch": "senref.cli.watch",
    "inbox": "senref.cli.watch", "zotero-desktop": "senref.cli.zotero_desktop",
    "import-zotero": "senref.cli.zotero_desktop", "desktop": "senref.cli.desktop", "check": "senref.cli.maintenance",
    "backup": "senref.cli.backup",
}


class UsageError(Exception):
    """Wrong arguments discovered after parsing (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"senref: {message} (see 'senref --help')\n")


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="senref",
        description="Reference manager for therapy-induced senescence research. "
                    "With no command, opens the desktop window.",
    )
    parser.add_argument("--version", action="version", version=f"senref {senref.__version__}")
    parser.add_argument("--library", metavar="DIR", help="open the library in DIR instead of the default one")
    parser.add_argument("--demo", action="store_true",
                        help="use the bundled demo library of TIS papers (created on first use)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # one broken command must not take the others down
            print(f"senref: the '{name.rsplit('.', 1)[-1]}' commands are unavailable: {exc}", file=sys.stderr)
            continue
        module.register(subparsers)
    return parser


def early_version(argv: Sequence[str]) -> bool:
    """Print the version (as argparse's `--version` would) when the global options ask for it; True if so.

    `senref --version` must start about as fast as Python itself, so it is answered before build_parser
    imports every subcommand module. Only a command line the full parser would read the same way is
    answered here: `--version` (or a prefix argparse accepts) among the global options, before any
    command, help or unknown option.
    """
    args = iter(argv)
    for arg in args:
        if len(arg) >= 3 and "--version".startswith(arg):
            print(f"senref {senref.__version__}")
            return True
        if arg == "--demo" or arg.startswith("--library="):
            continue
        if arg == "--library":
            value = next(args, "-")
            if value.startswith("-"):
                return False
            continue
        return False
    return False


def command_module(argv: Sequence[str]) -> str | None:
    """The module of the command *argv* names right after the global options, if it names a known one.

    Anything the full parser might read otherwise (help, an abbreviated or unknown option, no
    command) gives None, and the full parser reads it.
    """
    args = iter(argv)
    for arg in args:
        if arg == "--demo" or arg.startswith("--library="):
            continue
        if arg == "--library":
            value = next(args, "-")
            if value.startswith("-"):
                return None
            continue
        return COMMANDS.get(arg)
    return None


def start_session(args: argparse.Namespace) -> Session:
    """The session the global options ask for (`--library`, `--demo`); `senref` alone opens it in the window."""
    from senref.session import Session

    return Session.start(library=args.library, demo=bool(args.demo))


def make_context(args: argparse.Namespace) -> Context:
    from senref.cli.context import Context

    return Context(start_session(args))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed command line; `command` is None when no subcommand was given.

    A command's own parser does not depend on the others', so only its module is imported (a
    `senref sync run` skips importing the other seventeen); with no known command, all are.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    only = command_module(argv)
    if only is not None:
        try:
            importlib.import_module(only)
        except Exception:  # the full parser says which commands are unavailable, and why
            only = None
    return build_parser((only,) if only else COMMAND_MODULES).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Run the parsed subcommand; the exit status (senref.__main__ opens the window when there is none)."""
    if not getattr(args, "func", None):
        build_parser().print_usage(sys.stderr)
        print("senref: no command given (the desktop window opens with 'senref' alone)", file=sys.stderr)
        return 2
    ctx = make_context(args)
    try:
        return int(args.func(args, ctx) or 0)
    except UsageError as exc:
        ctx.err(str(exc))
        return 2
    except KeyboardInterrupt:
        ctx.err("interrupted")
        return 130
    except BrokenPipeError:
        # `senref list | head` closed the pipe: not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # every failure is one clear line, never a traceback
        if os.environ.get("SENREF_DEBUG"):
            raise
        ctx.err(describe_error(exc))
        return 1
    finally:
        ctx.close()


def describe_error(exc: BaseException) -> str:
    import sqlite3

    from senref.core.library import LibraryError
    from senref.core.maintenance import LockTimeout

    if isinstance(exc, KeyError):
        return f"not found: {exc.args[0] if exc.args else exc}"
    if isinstance(exc, LibraryError | LockTimeout):
        return str(exc)
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, sqlite3.DatabaseError):
        return f"the library database cannot be read ({exc}); run 'senref check'"
    return f"{type(exc).__name__}: {exc}"
