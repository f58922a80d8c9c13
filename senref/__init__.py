"""senref: a reference manager for therapy-induced senescence research."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("senref")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
