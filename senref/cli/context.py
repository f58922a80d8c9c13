"""What every CLI command receives: paths, settings, the library (opened on first use), error output."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from senref.cli.display import terminal_safe
from senref.core.settings import Settings
from senref.paths import Paths

if TYPE_CHECKING:
    from senref.core.library import Library
    from senref.storage.backup import BackupPolicy


@dataclass
class Context:
    paths: Paths
    settings: Settings
    library_folder: Path
    demo: bool = False
    _library: Library | None = field(default=None, repr=False)

    def library(self) -> Library:
        if self._library is None:
            from senref.core.library import Library

            if self.demo:
                from senref.demo import ensure_demo_library

                ensure_demo_library(self.paths)
            self._library = Library.open(self.library_folder, role="cli", on_wait=self.err,
                                         backups=self.backup_policy())
        return self._library

    def backup_policy(self) -> BackupPolicy:
        """`[backup]` in settings.toml: how many backups to keep, how often to make one on close."""
        from senref.storage.backup import BackupPolicy

        return BackupPolicy.from_settings(self.settings.raw)

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
