"""What every CLI command receives: the session (paths, settings, library folder), the library on first use, output."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from senref.cli.display import terminal_safe

if TYPE_CHECKING:
    # Types only: `senref --help` and every command's parser are built without loading the library code.
    from senref.core.library import Library
    from senref.core.maintenance import BackupPolicy
    from senref.core.settings import Settings
    from senref.paths import Paths
    from senref.session import Session


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

    def library(self, *, create: bool = True) -> Library:
        """The session's library, opened on first use (commands that never touch it never open it).

        Read-only commands pass `create=False`: `senref show` on a mistyped `--library` must say so,
        not leave an empty library behind. senref's own default library (and the demo) still starts
        on first use, so a first `senref list` shows an empty library rather than an error.
        """
        if self._library is None:
            if not create and not self.demo and self.library_folder != self.paths.default_library:
                self._refuse_missing()
            self._library = self.session.open_library(role="cli", on_wait=self.err)
        return self._library

    def _refuse_missing(self) -> None:
        from senref.core.library import DB_NAME, Library, LibraryError

        folder = self.library_folder.expanduser()
        if (folder / DB_NAME).exists():
            return
        if folder.is_dir() and any(folder.iterdir()):
            # Library.open names what is there (the remains of a library, a stray file) and creates nothing.
            Library.open(folder, create=False, role="cli").close()
        raise LibraryError(f"senref library not found in {folder} (nothing was created; 'senref add' or "
                           "'senref import' starts one there)")

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
