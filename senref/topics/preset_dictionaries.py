"""Make the preset deflate dictionaries that senref.core.presets ships (resources/storage/KIND-N.zdict).

    python -m senref.topics.preset_dictionaries evidence|profile OUT

A dictionary primes deflate with text the stored values are likely to repeat, in the shape they write it,
so that even a short row finds long matches. Deflate codes a near match in fewer bits, so the most frequent
fragments come last, and it looks back at most 32 KiB.

Number 1 of each kind was made by this module from the bundled vocabulary of December 2026. A stored value
names the dictionary it was deflated with and cannot be read without that very file, so a shipped dictionary
is frozen forever (core.presets pins it). When the vocabulary has changed enough to matter, make a new file
under the next number, ship it beside the old one and make it the one new values are packed with; never
regenerate or edit a shipped file. Running this today need not give number 1's bytes back: it gives what the
current vocabulary would.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from senref.core.matching import title_key
from senref.topics.tagger import RULES
from senref.topics.vocabulary import Vocabulary, build_vocabulary, builtin_documents

#: zlib uses at most the last 32 KiB of a preset dictionary (the deflate window)
MAX_BYTES = 32768
#: The JSON a duplicate profile is stored as (senref.core.dupscore.Profile.to_json), its keys in order.
_PROFILE_SKELETON = ('{"k":"","t":"journalArticle","ti":"","m":"","f":[""],"y":20,"c":"","p":"",'
                     '"n":{"volume":"","issue":""},"s":{"doi":"10.","pmid":"","hal":""},"i":"","d":')


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def evidence_fragments(vocabulary: Vocabulary, rule_labels: Iterable[str]) -> list[str]:
    """The evidence dictionary's pieces, rarest first, as core.stored_evidence.compact_form writes them;
    *rule_labels*: what the tagger calls each kind of occurrence (tagger.RULES)."""
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


def profile_fragments(vocabulary: Vocabulary) -> list[str]:
    """The profile dictionary's pieces: the field's words as a profile's title holds them (title_key):
    entities (drugs, genes), then concepts, then the topics' own words; the profile's skeleton last."""
    terms = [t for e in vocabulary.entities for t in e.aliases()]
    terms += [t for c in vocabulary.concepts.values() for t in c.terms]
    terms += [t for topic in vocabulary.topics for t in (*topic.generic, *topic.markers, *topic.terms)]
    return [f"{folded} " for folded in map(title_key, terms) if folded] + [_PROFILE_SKELETON]


def build(pieces: Iterable[str], limit: int = MAX_BYTES) -> bytes:
    """The dictionary: each piece once (its last place, the frequent one, wins), cut at the front to *limit*."""
    seen: dict[str, None] = {}
    for piece in pieces:
        seen.pop(piece, None)
        seen[piece] = None
    data = "".join(seen).encode()
    return data[-limit:] if len(data) > limit else data


def _vocabulary() -> Vocabulary:
    return build_vocabulary(builtin_documents())


def evidence_dictionary() -> bytes:
    """The evidence dictionary the bundled vocabulary gives today."""
    return build(evidence_fragments(_vocabulary(), RULES.values()))


def profile_dictionary() -> bytes:
    """The profile dictionary the bundled vocabulary gives today."""
    return build(profile_fragments(_vocabulary()))


KINDS: dict[str, Callable[[], bytes]] = {"evidence": evidence_dictionary, "profile": profile_dictionary}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    data = KINDS[args.kind]()
    args.out.write_bytes(data)
    print(f"{len(data)} bytes written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
