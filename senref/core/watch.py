"""Saved watches (a query on a literature service, or "new papers citing these items") and what they remember.

Kept in the library folder, so they travel with it: `watch/watches.json` (the watches, each with when it
last ran and last succeeded), `watch/dismissed.json` (identifiers of works the user dismissed from the
Inbox: never offered again). A library that has no watches file yet starts with the default watches
shipped in `resources/watch/default-watches.json`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from senref.core import identifiers as ids
from senref.core.atomic import atomic_write
from senref.core.model import Item

WATCHES_FILE = Path("watch") / "watches.json"
DISMISSED_FILE = Path("watch") / "dismissed.json"
INBOX = "Inbox"
SOURCES = ("europepmc", "openalex", "crossref", "hal")
KINDS = ("search", "cites")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass
class Watch:
    id: str
    name: str
    source: str = "europepmc"
    kind: str = "search"
    query: str = ""
    #: for "cites": the library items whose citing papers are watched
    keys: list[str] = field(default_factory=list)
    limit: int = 200
    #: a collection key accepted papers go to by default ("" = none)
    collection: str = ""
    last_run: str = ""
    last_ok: str = ""
    last_error: str = ""

    def problems(self) -> list[str]:
        out = []
        if not _ID.match(self.id):
            out.append(f"watch id {self.id!r}: lower-case letters, digits and '-', at most 40")
        if self.source not in SOURCES:
            out.append(f"unknown source {self.source!r} (one of {', '.join(SOURCES)})")
        if self.kind not in KINDS:
            out.append(f"unknown kind {self.kind!r} (one of {', '.join(KINDS)})")
        if self.kind == "search" and not self.query.strip():
            out.append("a search watch needs a query")
        if self.kind == "cites" and (not self.keys or self.source != "openalex"):
            out.append("a cites watch needs items to watch and the openalex source")
        if not 1 <= self.limit <= 10_000:
            out.append("the limit must be between 1 and 10000")
        return out

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Watch:
        names = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in names}
        values["keys"] = [str(k) for k in values.get("keys") or []]
        values["limit"] = int(values.get("limit") or 200)
        return cls(**values)


def default_watches() -> list[Watch]:
    text = resources.files("senref.resources").joinpath("watch/default-watches.json").read_text(encoding="utf-8")
    return [Watch.from_json(w) for w in json.loads(text)["watches"]]


def load_watches(folder: Path) -> list[Watch]:
    path = folder / WATCHES_FILE
    if not path.exists():
        return default_watches()
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Watch.from_json(w) for w in data.get("watches") or [] if isinstance(w, dict)]


def save_watches(folder: Path, watches: list[Watch]) -> None:
    path = folder / WATCHES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:
        out.write(json.dumps({"watches": [w.to_json() for w in watches]}, indent=1, ensure_ascii=False))


def identity(item: Item) -> list[str]:
    """The keys a work is remembered by ("doi:10.…", "pmid:…"): the same work found again matches one."""
    return [f"{scheme}:{ids.identifier_key(scheme, value)}" for scheme, value in sorted(item.identifiers.items())
            if value and scheme in ("doi", "pmid", "pmcid", "arxiv", "hal")]


def load_dismissed(folder: Path) -> set[str]:
    try:
        data = json.loads((folder / DISMISSED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {str(k) for k in data} if isinstance(data, list) else set()


def save_dismissed(folder: Path, dismissed: set[str]) -> None:
    path = folder / DISMISSED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:
        out.write(json.dumps(sorted(dismissed), indent=0))
