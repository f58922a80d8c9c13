"""Preprints and their published versions: find the links, and update a preprint to its article (undoably).

`find_versions` asks the services (senref.sources.versions) about the library's preprints, keeps what they
name in the preprint (`extras["versions"]["published"]`) and links the two items when the article is in
the library too. `update_to_published` makes the article the cited item (adding it first when it is not
in the library), and `undo_update` puts things back; what each update moved is kept in
`<library>/versions/updates.json`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from senref.actions.progress import Progress, ProgressSink, Report, ShouldStop, never_stop, no_progress
from senref.core.atomic import atomic_write
from senref.core.library import Library
from senref.core.model import Item, new_key
from senref.core.query import ItemQuery
from senref.core.settings import Settings
from senref.core.versions import Moved, link, move_back, move_to_article, record_published, versions_of

UPDATES_FILE = Path("versions") / "updates.json"


class Finder(Protocol):
    def find(self, item: Item) -> Any: ...


#: Adds a work by DOI (or "PMID:n") and answers its key, or raises ValueError with the reason.
Adder = Callable[[str], str]


@dataclass
class VersionsReport(Report):
    looked: int = 0
    answered: int = 0
    #: preprint key -> the published versions newly named for it (as "doi:…" / "PMID …" labels)
    found: dict[str, list[str]] = field(default_factory=dict)
    #: (preprint key, article key) pairs linked by this run
    linked: list[tuple[str, str]] = field(default_factory=list)
    #: for an update: the preprint, the article and the undo token
    preprint: str = ""
    article: str = ""
    token: str = ""

    def summary(self) -> str:
        if self.token:
            return f"{self.article} is now cited in place of {self.preprint} (undo: senref versions --undo {self.token})"
        news = f"{len(self.found)} preprint{'s' if len(self.found) != 1 else ''} with a newly found published version"
        linked = f", {len(self.linked)} linked to an article in the library" if self.linked else ""
        asked = (f"{self.looked} looked at" if self.answered == self.looked
                 else f"{self.looked} looked at, {self.answered} answered: offline?")
        return f"{news}{linked} ({asked})"


def find_versions(library: Library, settings: Settings, *, keys: Iterable[str] | None = None,
                  finder: Finder | None = None, progress: ProgressSink = no_progress,
                  should_stop: ShouldStop = never_stop) -> VersionsReport:
    """Ask about *keys* (every preprint when None) and keep what the sources say."""
    from senref.sources.versions import is_preprint

    if finder is None:
        from senref.sources.versions import VersionFinder

        finder = VersionFinder(settings)
    report = VersionsReport()
    if keys is None:
        todo = [k for k in library.keys(ItemQuery()) if is_preprint(library.get_item(k))]
    else:
        todo = [library.resolve_key(k) for k in keys]
    for done, key in enumerate(todo, 1):
        if should_stop():
            report.cancelled = True
            break
        item = library.get_item(key)
        result = finder.find(item)
        report.looked += 1
        report.warnings.extend(f"{key}: {problem}" for problem in result.errors)
        if result.answered:
            report.answered += 1
            _keep(library, item, result, report)
        progress(Progress(done, len(todo), key))
    return report


def _keep(library: Library, item: Item, result: Any, report: VersionsReport) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    found = [v.to_json() for v in result.published]
    if found or not result.errors:
        before = {(v.get("doi") or "").lower() for v in versions_of(item).get("published") or []}
        library.edit_items([item.key], lambda it: record_published(it, found, now) or bool(found))
        new = [v.label for v in result.published if v.doi.lower() not in before]
        if new:
            report.found[item.key] = new
    for version in result.published:
        article = library.find_by_identifier("doi", version.doi) if version.doi else None
        if article is None and version.pmid:
            article = library.find_by_identifier("pmid", version.pmid)
        if article and article != item.key and _link(library, item.key, article):
            report.linked.append((item.key, article))
    for version in result.preprints:
        preprint = library.find_by_identifier("doi", version.doi) if version.doi else None
        if preprint and preprint != item.key and _link(library, preprint, item.key):
            report.linked.append((preprint, item.key))


def _link(library: Library, preprint_key: str, article_key: str) -> bool:
    """Link the two in one transaction; True when anything changed."""
    state: dict[str, Item] = {}

    def change(item: Item) -> bool:
        if item.key == preprint_key:
            article = library.get_item(article_key)
            changed = link(item, article)
            state["article"] = article
            return changed
        item.__dict__.update(vars(state["article"]))
        return True
    changed = library.edit_items([preprint_key, article_key], change)
    return bool(changed)


def update_to_published(library: Library, settings: Settings, key: str, *, adder: Adder | None = None,
                        article: str | None = None) -> VersionsReport:
    """Make the preprint *key*'s published version the cited item (see senref.core.versions)."""
    report = VersionsReport()
    try:
        preprint_key = library.resolve_key(key)
    except KeyError:
        report.problems.append(f"no such item: {key}")
        return report
    preprint = library.get_item(preprint_key)
    data = versions_of(preprint)
    if data.get("updated_to"):
        report.problems.append(f"{preprint_key} was already updated to {data['updated_to']}")
        return report
    target = library.resolve_key(article) if article else _article_of(library, preprint)
    if target is None:
        wanted = next((v for v in data.get("published") or [] if isinstance(v, dict)), None)
        if wanted is None:
            report.problems.append(f"no published version is known for {preprint_key}: run `senref versions "
                                   f"{preprint_key}` first")
            return report
        text = wanted.get("doi") or f"PMID:{wanted.get('pmid')}"
        try:
            target = (adder or _default_adder(library, settings))(str(text))
        except ValueError as exc:
            report.problems.append(f"the published version {text} could not be added: {exc}")
            return report
    if target == preprint_key:
        report.problems.append("an item cannot be its own published version")
        return report
    moved = Moved(token=new_key().lower(), preprint=preprint_key, article=target,
                  date=datetime.now(UTC).isoformat(timespec="seconds"))
    state: dict[str, Item] = {}

    def change(item: Item) -> bool:
        if item.key == preprint_key:
            other = library.get_item(target)
            move_to_article(item, other, moved)
            state["article"] = other
        else:
            item.__dict__.update(vars(state["article"]))
        return True
    library.edit_items([preprint_key, target], change)
    _save_update(library.folder, moved)
    report.preprint, report.article, report.token = preprint_key, target, moved.token
    return report


def undo_update(library: Library, token: str) -> VersionsReport:
    """Move back what the update *token* moved; the preprint is the cited item again."""
    report = VersionsReport()
    updates = _load_updates(library.folder)
    record = updates.get(token.strip().lower())
    if record is None or record.undone:
        report.problems.append(f"no update {token} to undo" if record is None else f"update {token} was undone")
        return report
    if not (library.has_item(record.preprint) and library.has_item(record.article)):
        report.problems.append("the preprint or the article is no longer in the library")
        return report
    state: dict[str, Item] = {}

    def change(item: Item) -> bool:
        if item.key == record.article:
            preprint = library.get_item(record.preprint)
            move_back(preprint, item, record)
            state["preprint"] = preprint
        else:
            item.__dict__.update(vars(state["preprint"]))
        return True
    # The article first: the notes and files it gives back must leave it before the preprint takes them.
    library.edit_items([record.article, record.preprint], change)
    record.undone = True
    _save_update(library.folder, record)
    report.preprint, report.article = record.preprint, record.article
    return report


def linked_versions(library: Library) -> list[tuple[Item, list[dict[str, Any]], str]]:
    """(preprint, published versions known, linked article key or "") for every preprint with any."""
    out: list[tuple[Item, list[dict[str, Any]], str]] = []
    for key in library.keys(ItemQuery()):
        item = library.get_item(key)
        data = versions_of(item)
        published = [v for v in data.get("published") or [] if isinstance(v, dict)]
        if published or data.get("article"):
            out.append((item, published, str(data.get("article") or "")))
    return out


def _article_of(library: Library, preprint: Item) -> str | None:
    data = versions_of(preprint)
    linked = data.get("article")
    if isinstance(linked, str) and library.has_item(linked):
        return linked
    for version in data.get("published") or []:
        if not isinstance(version, dict):
            continue
        found = (library.find_by_identifier("doi", str(version["doi"])) if version.get("doi") else None) or (
            library.find_by_identifier("pmid", str(version["pmid"])) if version.get("pmid") else None)
        if found and found != preprint.key:
            return found
    return None


def _default_adder(library: Library, settings: Settings) -> Adder:
    def add(text: str) -> str:
        from senref.actions.add import add_inputs

        result = add_inputs(library, settings, [text])
        done = [o for o in result.outcomes if o.status != "failed" and o.key]
        if not done:
            raise ValueError(result.outcomes[0].reason if result.outcomes else "nothing found")
        return done[0].key
    return add


def _load_updates(folder: Path) -> dict[str, Moved]:
    try:
        data = json.loads((folder / UPDATES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): Moved.from_json(v) for k, v in data.items() if isinstance(v, dict)}


def _save_update(folder: Path, moved: Moved) -> None:
    updates = _load_updates(folder)
    updates[moved.token] = copy.copy(moved)
    path = folder / UPDATES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:
        out.write(json.dumps({k: v.to_json() for k, v in updates.items()}, indent=1))
