"""Link clinical trials (items with an NCT id) and the papers about them, both ways, as Zotero relations.

A paper belongs to a trial when the trial's registry record lists the paper's PMID (its results or its
references), or when the paper's title, abstract or Extra names the trial's NCT id. The trial record keeps
the keys of its papers in `extras["trial"]["papers"]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from senref.core.library import Library
from senref.core.merge import RELATED, add_relation
from senref.core.model import Item
from senref.core.query import ItemQuery

_NCT = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)


def trials_named(item: Item) -> list[str]:
    """The NCT ids a paper's title, abstract or Extra names (upper-cased, in order, once each)."""
    text = " ".join(item.fields.get(name, "") for name in ("title", "abstractNote", "extra"))
    return list(dict.fromkeys(m.group(0).upper() for m in _NCT.finditer(text)))


def link_trials(library: Library, keys: Iterable[str]) -> list[tuple[str, str]]:
    """Link each of *keys* (trials or papers) with its counterparts in the library; the new (trial, paper) pairs."""
    pairs: list[tuple[str, str]] = []
    for key in keys:
        if not library.has_item(key):
            continue
        item = library.get_item(key)
        nct = item.identifiers.get("nct")
        if nct:
            trial = item.extras.get("trial") or {}
            papers = {library.find_by_identifier("pmid", p) for p in
                      [*trial.get("result_pmids", []), *trial.get("reference_pmids", [])]}
            papers |= {k for k in library.keys(ItemQuery(search=nct)) if nct in trials_named(library.get_item(k))}
            pairs += [(key, p) for p in sorted(k for k in papers if k and k != key) if _link(library, key, p)]
        else:
            for named in trials_named(item):
                trial_key = library.find_by_identifier("nct", named)
                if trial_key and trial_key != key and _link(library, trial_key, key):
                    pairs.append((trial_key, key))
    return pairs


def _link(library: Library, trial_key: str, paper_key: str) -> bool:
    def change(item: Item) -> bool:
        if item.key == trial_key:
            trial = item.extras.setdefault("trial", {})
            papers = trial.setdefault("papers", [])
            added = paper_key not in papers
            if added:
                papers.append(paper_key)
            return add_relation(item, RELATED, paper_key) or added
        return add_relation(item, RELATED, trial_key)
    return bool(library.edit_items([trial_key, paper_key], change))
