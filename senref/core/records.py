"""Records that cross packages: what a format reader yields and the library imports."""

from __future__ import annotations

from dataclasses import dataclass, field

from senref.core.model import Item


@dataclass
class ImportRecord:
    """One item read from a file, with the collection paths it belongs to (names, root first)."""

    item: Item
    collections: list[tuple[str, ...]] = field(default_factory=list)
    line: int = 0


@dataclass
class ImportProblem:
    """An entry that could not be read; the rest of the file still imports."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message
