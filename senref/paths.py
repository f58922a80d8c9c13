"""Where senref keeps config, data and cache: platformdirs, or everything under SENREF_HOME."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "senref"


@dataclass(frozen=True)
class Paths:
    """The three folders senref uses; computed on demand, never at import time."""

    config: Path
    data: Path
    cache: Path

    @property
    def default_library(self) -> Path:
        return self.data / "library"

    @property
    def demo_library(self) -> Path:
        return self.data / "demo-library"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.toml"


def get_paths(env: dict[str, str] | None = None) -> Paths:
    """Folders from `SENREF_HOME` (config/, data/, cache/ under it) or from platformdirs."""
    env = dict(os.environ) if env is None else env
    home = env.get("SENREF_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(config=root / "config", data=root / "data", cache=root / "cache")
    import platformdirs

    return Paths(
        config=Path(platformdirs.user_config_dir(APP_NAME)),
        data=Path(platformdirs.user_data_dir(APP_NAME)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME)),
    )
