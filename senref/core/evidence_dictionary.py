"""How the preset deflate dictionaries of stored topic evidence are made (`python -m senref.core.evidence_dictionary OUT`).

A dictionary primes deflate with text the evidence is likely to repeat: topic names, terms, rule labels, field
codes, each in the shape the compact JSON writes it (stored_evidence.compact_form), so that even a short row
finds long matches. Deflate codes a near match in fewer bits, so the most frequent fragments come LAST.

Dictionary 1 (resources/storage/evidence-1.zdict) was made by this module from the bundled vocabulary of
December 2026. A stored row names the dictionary it was deflated with and cannot be read without that very
file, so a shipped dictionary is frozen forever: its SHA-256 is pinned in stored_evidence. When the vocabulary
has changed enough to matter, generate a new file under a new id (evidence-2.zdict), add it beside the old one
and make it the one `pack` writes; never regenerate or edit an existing file. Running this module today need
not give dictionary 1's bytes back: it gives what the current vocabulary would.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: zlib uses at most the last 32 KiB of a preset dictionary (the deflate window)
MAX_BYTES = 32768


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fragments(vocabulary: Any, rule_labels: Iterable[str]) -> list[str]:
    """The dictionary's pieces, rarest first: *vocabulary* is a senref.topics Vocabulary (duck-typed: the core
    imports nothing of topics), *rule_labels* what the tagger calls each kind of occurrence (tagger.RULES)."""
    out: list[str] = []
    for topic in vocabulary.topics:  # the words of one topic, then its rules and its name, stay together
        for term in [*topic.terms, *topic.markers, *topic.generic, *topic.mesh]:
            out.append(f'["a",{_js(term)},')
        out.extend(f',{_js(rule.label)}]' for rule in topic.rules)
    for entity in vocabulary.entities:
        out.append(f'{_js(entity.tag)}:[["a",')
        out.extend(f'["a",{_js(term)},' for term in entity.terms[:3])  # the first names are the common ones
    for topic in vocabulary.topics:
        out.append(f'{_js(topic.name)}:[["a","')
        out.append(f'],{_js(topic.name)}:[["I","')
    out.extend(f',{_js(label)}]' for label in rule_labels)
    out.extend(f'["{code}","' for code in "xkmta")
    out.append('"implied by a subtopic"],["I","')
    return out


def build(pieces: Iterable[str], limit: int = MAX_BYTES) -> bytes:
    """The dictionary: each piece once (its last place, the frequent one, wins), cut at the front to *limit*."""
    seen: dict[str, None] = {}
    for piece in pieces:
        seen.pop(piece, None)
        seen[piece] = None
    data = "".join(seen).encode()
    return data[-limit:] if len(data) > limit else data


def from_builtin_vocabulary() -> bytes:
    """The dictionary the bundled vocabulary gives today."""
    # A build-time tool, not part of any run: topics is loaded by name so that the core keeps no import of it.
    vocabulary = importlib.import_module("senref.topics.vocabulary")
    tagger = importlib.import_module("senref.topics.tagger")
    return build(fragments(vocabulary.build_vocabulary(vocabulary.builtin_documents()), tagger.RULES.values()))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m senref.core.evidence_dictionary OUT", file=sys.stderr)
        return 2
    data = from_builtin_vocabulary()
    Path(args[0]).write_bytes(data)
    print(f"{len(data)} bytes written to {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
