"""Source-level work for adding a work: run the installed sources on its identifiers, merge what they say."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from senref.core.extract import Work
from senref.core.model import Item
from senref.core.settings import Settings
from senref.sources.base import NotFound, PdfCandidate, Source, SourceError, SourceResult
from senref.sources.http import HttpClient, HttpError
from senref.sources.merge import merge_results
from senref.sources.registry import load_sources

log = logging.getLogger(__name__)


@dataclass
class Resolved:
    """What the sources made of one work: the merged item (None when none knew it) and its PDF candidates."""

    work: Work
    item: Item | None
    candidates: list[PdfCandidate] = field(default_factory=list)
    reason: str = ""
    #: the user's own PDF file the work was read from, when it came from one
    pdf_file: Path | None = None


class Resolver:
    """Runs the sources for one work until no source can learn more."""

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources

    def resolve(self, work: Work) -> Resolved:
        known = dict(work.identifiers)
        results: list[SourceResult] = []
        problems: list[str] = []
        tried: set[str] = set()
        progress = True
        while progress:
            progress = False
            for source in self.sources:
                if source.name in tried or not source.can_fetch(known):
                    continue
                tried.add(source.name)
                progress = True
                try:
                    result = source.fetch(known)
                except NotFound as exc:
                    log.info("%s: %s", source.name, exc)
                    problems.append(f"{source.name}: {exc}")
                    continue
                except (SourceError, HttpError) as exc:
                    problems.append(f"{source.name}: {exc}")
                    continue
                results.append(result)
                for scheme, value in result.item.identifiers.items():
                    known.setdefault(scheme, value)
                # New identifiers (a DOI found by HAL, a PMID by PubMed) may let skipped sources run.
                break
        substantive = [r for r in results if not _is_auxiliary(self.sources, r) and r.item.fields.get("title")]
        if not substantive:
            return Resolved(work, None, [], "; ".join(problems) or "no source knows this identifier")
        item = merge_results(results)
        if work.hal_version and item.identifiers.get("hal") == work.identifiers.get("hal"):
            item.hal_version = work.hal_version
        candidates = [c for r in results for c in r.pdfs]
        return Resolved(work, item, candidates)


def _is_auxiliary(sources: list[Source], result: SourceResult) -> bool:
    return any(s.auxiliary and s.name == result.source for s in sources)


def make_sources(client: HttpClient, settings: Settings) -> list[Source]:
    """One instance of every installed source, highest priority first."""
    return [cls(client, settings) for cls in load_sources()]
