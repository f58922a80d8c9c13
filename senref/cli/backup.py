"""`senref backup create|list|restore [NAME]`: the verified, rotated backups in `<library>/backups/`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from senref.cli.context import Context
from senref.cli.display import terminal_safe
from senref.core.library import DB_NAME, LibraryError
from senref.storage import backup
from senref.storage.health import StorageProblem
from senref.storage.lock import LibraryLock

Command = Callable[[argparse.Namespace, Context], int]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("backup", help="make, list or restore backups of the library database",
                       description="Backups are made before every schema upgrade and, when the library changed, "
                                   "on close once the newest is older than [backup] interval_hours (default 6); "
                                   "the newest [backup] keep (default 10) are kept in <library>/backups/.")
    actions = p.add_subparsers(dest="backup_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="back up the library now (verified before it is listed)")
    create.set_defaults(func=run_create)
    listing = actions.add_parser("list", help="list the backups, newest first")
    listing.set_defaults(func=run_list)
    restore = actions.add_parser("restore", help="put a backup in place of the library database "
                                                 "(the current one is moved aside, never deleted)")
    restore.add_argument("name", nargs="?", metavar="NAME",
                         help="a backup from 'senref backup list' (default: the newest that passes verification)")
    restore.add_argument("--force", action="store_true",
                         help="restore even a backup holding far fewer items than the library")
    restore.set_defaults(func=run_restore)


def _plain_errors(command: Command) -> Command:
    """Storage problems become the one-line LibraryError every command prints."""
    @wraps(command)
    def run(args: argparse.Namespace, ctx: Context) -> int:
        try:
            return command(args, ctx)
        except StorageProblem as exc:
            raise LibraryError(str(exc)) from exc
    return run


@_plain_errors
def run_create(args: argparse.Namespace, ctx: Context) -> int:
    info, verified = ctx.library().db.create_backup(label="manual")
    print(f"backup written: {terminal_safe(str(info.path))} ({_items(verified.items)}, {_size(info.path)}, "
          "integrity ok)")
    return 0


@_plain_errors
def run_list(args: argparse.Namespace, ctx: Context) -> int:
    found = backup.list_backups(ctx.library_folder)
    if not found:
        print(f"no backups yet in {terminal_safe(str(backup.backups_dir(ctx.library_folder)))}")
        return 0
    for info in reversed(found):
        count = backup.item_count(info.path)
        label = info.label + (" (left by an earlier senref, unverified)" if info.legacy else "")
        print(f"{info.name}  {info.created:%Y-%m-%d %H:%M} UTC  "
              f"{_items(count) if count is not None else 'unreadable':>12}  {_size(info.path):>9}  {label}".rstrip())
    return 0


@_plain_errors
def run_restore(args: argparse.Namespace, ctx: Context) -> int:
    folder = ctx.library_folder
    lock = LibraryLock(folder / "library.lock", role="cli")
    report = backup.restore(folder / DB_NAME, lock, args.name, force=args.force)
    for name in report.skipped:
        ctx.err(f"passed over {name}: it failed verification")
    verified = report.verified
    trash = f" ({verified.trashed} in the trash)" if verified.trashed else ""
    print(f"restored {report.backup.name} ({report.backup.created:%Y-%m-%d %H:%M} UTC): "
          f"{_items(verified.items)} brought back{trash}")
    if report.moved_aside is not None:
        print(f"the database it replaced was moved to {terminal_safe(str(report.moved_aside))}")
    # Files stored after the backup was made are still in files/: check names them.
    print("run 'senref check' to compare it with the stored files")
    return 0


def _items(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def _size(path: Path) -> str:
    try:
        size = float(path.stat().st_size)
    except OSError:
        return "?"
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
