"""`senref backup create|list|restore [NAME]`: the verified, rotated backups in `<library>/backups/`."""

from __future__ import annotations

import argparse
from pathlib import Path

from senref.cli.context import Context
from senref.cli.display import terminal_safe


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


def run_create(args: argparse.Namespace, ctx: Context) -> int:
    from senref.core import maintenance

    info, verified = maintenance.create_backup(ctx.library(create=False), label="manual")
    print(f"backup written: {terminal_safe(str(info.path))} ({_items(verified.items)}, {_size(_file_size(info.path))}, "
          "integrity ok)")
    return 0


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    from senref.core import maintenance

    found = maintenance.list_backups(ctx.library_folder)
    if not found:
        print(f"no backups yet in {terminal_safe(str(maintenance.backups_folder(ctx.library_folder)))}")
        return 0
    for entry in reversed(found):
        info, count = entry.info, entry.items
        label = info.label + (" (left by an earlier senref, unverified)" if info.legacy else "")
        print(f"{info.name}  {info.created:%Y-%m-%d %H:%M} UTC  "
              f"{_items(count) if count is not None else 'unreadable':>12}  {_size(entry.size):>9}  {label}".rstrip())
    return 0


def run_restore(args: argparse.Namespace, ctx: Context) -> int:
    from senref.core import maintenance

    report = maintenance.restore_backup(ctx.library_folder, args.name, force=args.force, role="cli")
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


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _size(count: int | None) -> str:
    if count is None:
        return "?"
    size = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
