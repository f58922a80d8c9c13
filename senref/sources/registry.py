"""Source plugins: entry-point group `senref.sources`; built-ins are registered there the same way."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from senref.sources.base import Source

log = logging.getLogger(__name__)
GROUP = "senref.sources"


def load_sources() -> list[type[Source]]:
    """Every installed source class, highest priority first. A plugin that fails to load is logged and skipped."""
    found: dict[str, type[Source]] = {}
    for ep in entry_points(group=GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # a broken third-party plugin must not stop senref
            log.warning("source plugin %r could not be loaded (%s: %s); skipped", ep.name, type(exc).__name__, exc)
            continue
        if not (isinstance(cls, type) and issubclass(cls, Source)):
            log.warning("source plugin %r is not a Source subclass; skipped", ep.name)
            continue
        found.setdefault(cls.name or ep.name, cls)
    return sorted(found.values(), key=lambda c: -c.priority)


def names() -> list[str]:
    return [cls.name for cls in load_sources()]
