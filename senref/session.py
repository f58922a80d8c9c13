"""What both front ends share to open a library: the folders, the settings, the tagger, backups, the demo."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from senref.core.settings import Settings, load_settings
from senref.paths import Paths, get_paths

if TYPE_CHECKING:
    from senref.core.library import Library, Tagger
    from senref.core.maintenance import BackupPolicy


@dataclass
class Session:
    """One run of senref on one library: the CLI and the window each start one and open the library through it."""

    paths: Paths
    settings: Settings
    library_folder: Path
    demo: bool = False

    @classmethod
    def start(cls, *, library: str | Path | None = None, demo: bool = False, paths: Paths | None = None) -> Session:
        """Folders and settings for this run; the library is `--library`, else the demo, else the settings', else the default."""
        paths = paths or get_paths()
        settings = load_settings(paths)
        if library:
            folder = Path(library).expanduser()
        elif demo:
            folder = paths.demo_library
        elif settings.library:
            folder = Path(settings.library).expanduser()
        else:
            folder = paths.default_library
        return cls(paths=paths, settings=settings, library_folder=folder, demo=demo)

    def switched(self, folder: Path, *, demo: bool) -> Session:
        """The same folders and settings on another library (the window's switch to the demo)."""
        return dataclasses.replace(self, library_folder=Path(folder), demo=demo)

    def tagger(self) -> Tagger:
        """The topic tagger with the user's vocabulary; compiled on the first record saved, not here."""
        from senref.topics.deferred import DeferredTagger

        return DeferredTagger(self.paths)

    def backup_policy(self) -> BackupPolicy:
        """`[backup]` in settings.toml: how many backups to keep, how often to make one on close."""
        from senref.core.maintenance import backup_policy

        return backup_policy(self.settings)

    def ensure_demo(self) -> None:
        """Create the demo library on first use (a no-op for any other library)."""
        if self.demo:
            from senref.demo import ensure_demo_library

            ensure_demo_library(self.paths, tagger=self.tagger())

    def open_library(self, *, role: str, on_wait: Callable[[str], None] | None = None) -> Library:
        """Open the session's library (the demo built first when asked for), tagging with the user's vocabulary.

        Raises LibraryError when the library cannot be used; its message says what to do.
        """
        from senref.core.library import Library

        self.ensure_demo()
        return Library.open(self.library_folder, role=role, on_wait=on_wait, backups=self.backup_policy(),
                            tagger=self.tagger())
