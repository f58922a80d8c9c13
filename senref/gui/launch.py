"""Start the desktop window from the CLI context (demo library created first when asked for)."""

from __future__ import annotations

from senref.cli.context import Context


def launch_gui(ctx: Context, files: list[str]) -> int:
    if ctx.demo:
        from senref.demo import ensure_demo_library

        ensure_demo_library(ctx.paths)
    from senref.gui.app import run_gui

    return run_gui(ctx.library_folder, demo=ctx.demo, files=files)
