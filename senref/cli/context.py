"""What every CLI command receives: the session (paths, settings, library folder), the library on first use, output."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from senref.cli.display import terminal_safe
from senref.core.settings import Settings
from senref.paths import Paths
from senref.session import Session

if TYPE_CHECKING:
    from senref.core.library import Library
    from senref.core.maintenance import BackupPolicy


@dataclass
class Context:
    session: Session
    _library: Library | None = field(default=None, repr=False)

    @property
    def paths(self) -> Paths:
        return self.session.paths

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @property
    def library_folder(self) -> Path:
        return self.session.library_folder

    @property
    def demo(self) -> bool:
        return self.session.demo

    def library(self) -> Library:
        """The session's library, opened on first use (commands that never touch it never open it)."""
        if self._library is None:
            self._library = self.session.open_library(role="cli", on_wait=self.err)
        return self._library

    def backup_policy(self) -> BackupPolicy:
        """`[backup]` in settings.toml: how many backups to keep, how often to make one on close."""
        return self.session.backup_policy()

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

    @staticmethod
    def err(message: str) -> None:
        """One line on stderr (the CLI never shows a traceback)."""
        print(f"senref: {terminal_safe(message, keep_layout=True)}", file=sys.stderr, flush=True)

    @staticmethod
    def progress(message: str) -> None:
        print(terminal_safe(message, keep_layout=True), file=sys.stderr, flush=True)
