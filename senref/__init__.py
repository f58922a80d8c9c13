"""senref: a reference manager for therapy-induced senescence research."""

from __future__ import annotations

from functools import cache


def __getattr__(name: str) -> str:
    # Read on first use: importlib.metadata costs more than the rest of `senref --version` (issue 15).
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'senref' has no attribute {name!r}")


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("senref")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"
