"""Start the desktop window for a session (the demo library created first when asked for)."""

from __future__ import annotations

from senref.session import Session


def launch_gui(session: Session, files: list[str]) -> int:
    # Before run_gui: the single-instance name comes from the resolved folder, so it must exist first.
    session.ensure_demo()
    from senref.gui.app import run_gui

    return run_gui(session.library_folder, demo=session.demo, files=files, session=session)
