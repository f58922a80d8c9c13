"""Make the preset deflate dictionaries that senref.storage.presets ships (resources/storage/*.zdict).

    python -m senref.topics.preset_dictionaries profile OUT

What made number 1 of each kind is kept here. A shipped file never changes: rows packed with it name it. A
dictionary made later (from a larger vocabulary, say) is shipped as the next number, beside the old one.
Deflate looks back at most 32 KiB, and finds near matches cheaper: the commonest fragments come last.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from senref.core.matching import title_key
from senref.topics.vocabulary import build_vocabulary, builtin_documents

#: The JSON a duplicate profile is stored as (senref.core.dupscore.Profile.to_json), its keys in order.
_PROFILE_SKELETON = ('{"k":"","t":"journalArticle","ti":"","m":"","f":[""],"y":20,"c":"","p":"",'
                     '"n":{"volume":"","issue":""},"s":{"doi":"10.","pmid":"","hal":""},"i":"","d":')
_LIMIT = 32 * 1024


def profile_dictionary() -> bytes:
    """The field's words as a profile's title holds them (folded by title_key), then the profile's skeleton:
    entities (drugs, genes) first, then concepts, then the topics' own words, nearest the end."""
    vocabulary = build_vocabulary(builtin_documents())
    terms = [t for e in vocabulary.entities for t in e.aliases()]
    terms += [t for c in vocabulary.concepts.values() for t in c.terms]
    terms += [t for topic in vocabulary.topics for t in (*topic.generic, *topic.markers, *topic.terms)]
    words: dict[str, None] = {}
    for term in reversed(terms):  # each kept where it comes last, so the topics' words stay nearest the end
        folded = title_key(term)
        if folded:
            words.pop(folded, None)
            words[folded] = None
    words = dict.fromkeys(reversed(list(words)))
    head = " ".join(words).encode()
    tail = _PROFILE_SKELETON.encode()
    return (head[-(_LIMIT - len(tail)):] + tail)[-_LIMIT:]


_KINDS = {"profile": profile_dictionary}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(_KINDS))
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.write_bytes(_KINDS[args.kind]())
    return 0


if __name__ == "__main__":
    sys.exit(main())
