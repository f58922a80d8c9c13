"""The integrity parsers over every recording in shared/fixtures/{crossref-updates,openalex,pubmed-updates}.

What each file should give is read from its name (the recordings are named for what they show); a file whose
name promises nothing known fails, so a new recording forces a decision. No expected value is copied from the
recordings themselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from senref.sources.integrity import crossref_notices, notices_from_update_to, openalex_notices, pubmed_notices, status_of
from senref.sources.integrity_notices import is_notice

FOLDERS = ("crossref-updates", "openalex", "pubmed-updates")
#: recordings that are not answers these parsers read, with the reason
NOT_OURS = {
    "zotero_retractions_list_cache__bbt.json": "Zotero's on-disk retraction cache, not a service answer",
    "works_404_not_found.html": "an HTML 404 page: the checker treats the status, there is nothing to parse",
}
#: name token -> the status the work's own notices must give (first match wins)
STATUS_TOKENS = (("_retracted_", "retracted"), ("_is_retracted_", "retracted"), ("_correction_", "corrected"),
                 ("_new_version", "updated"), ("_UpdateIn", "updated"), ("_commentin", "ok"),
                 ("_is-preprint-of", "ok"), ("_has-preprint", "ok"))
#: name token -> the kind a notice record says about the work it points at
NOTICE_TOKENS = (("_retraction-notice_", "retracted"), ("_eoc-notice_", "expression_of_concern"))


def _body(path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))
    # researcher snapshots wrap the live answer; replay its response_body
    if isinstance(data, dict) and "response_body" in data and "endpoint" in data:
        data = data["response_body"]
    return data


def _crossref(path: Path) -> list[str]:
    name, data = path.name, _body(path)
    message = data["message"]
    problems: list[str] = []
    if "items" in message:  # a work-list: its notices say something about their targets, never about themselves
        notices = [i for i in message["items"] if i.get("update-to")]
        if "notices" in name and not notices:
            problems.append("no notice in a list named for notices")
        for item in notices:
            targets = {e["DOI"] for e in item["update-to"]} - {item["DOI"]}
            if crossref_notices(item):
                problems.append(f"notice {item['DOI']} marked itself")
            for target in targets:
                if not notices_from_update_to(item, target):
                    problems.append(f"notice {item['DOI']} said nothing about {target}")
        return problems
    own = crossref_notices(message)
    for token, kind in NOTICE_TOKENS:
        if token in name:
            targets = {e["DOI"] for e in message.get("update-to") or []} - {message["DOI"]}
            said = {n.kind for t in targets for n in notices_from_update_to(message, t)}
            return [p for p in (f"the notice marked itself {status_of(own)}" if own else "",
                                "" if kind in said else f"the notice's {kind} not read (read {sorted(said)})") if p]
    if "_updated-by_retraction-watch" in name and not any(n.source == "retraction-watch" for n in own):
        problems.append("no Retraction Watch notice kept")
    if "_update-to_publisher" in name and (is_notice(message) or status_of(own) == "ok"):
        problems.append("a work carrying update-to taken for its own notice")
    return problems + _status(name, status_of(own), known="_updated-by_" in name or "_update-to_" in name)


def _status(name: str, status: str, *, known: bool = False) -> list[str]:
    for token, expected in STATUS_TOKENS:
        if token in name:
            return [] if status == expected else [f"status {status}, the name promises {expected}"]
    return [] if known else ["the name promises nothing this test knows: decide what the file should give"]


def _openalex(path: Path) -> list[str]:
    data = _body(path)
    works = data["results"] if isinstance(data, dict) and "results" in data else [data]
    statuses = {status_of(openalex_notices(w)) for w in works}
    if "_notice_" in path.name:
        return [] if statuses == {"ok"} else ["a flagged notice marked retracted"]
    if "_is_retracted_" in path.name:
        return _status(path.name, statuses.pop() if len(statuses) == 1 else "mixed")
    # every other recording shows works OpenAlex does not flag
    return [] if statuses == {"ok"} else [f"statuses {sorted(statuses)} for unflagged works"]


def _pubmed(path: Path) -> list[str]:
    return _status(path.name, status_of(pubmed_notices(path.read_bytes())))


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_recording(shared_dir: Path, folder: str) -> None:
    directory = shared_dir / "fixtures" / folder
    files = sorted(p for p in directory.glob("*") if p.is_file()) if directory.is_dir() else []
    if not files:
        pytest.skip(f"no recordings in {directory}")
    read = {"crossref-updates": _crossref, "openalex": _openalex, "pubmed-updates": _pubmed}[folder]
    failures, checked = [], 0
    for path in files:
        if path.name in NOT_OURS:
            continue
        checked += 1
        failures += [f"{path.name}: {p}" for p in read(path)]
    print(f"\nintegrity conformance {folder}: {checked - len({f.split(':')[0] for f in failures})}/{checked} files agree")
    assert not failures, "\n".join(failures)
