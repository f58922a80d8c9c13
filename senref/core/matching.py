"""Fuzzy keys for duplicate detection: folded titles and person names, and merging creator lists."""

from __future__ import annotations

import re
import unicodedata

from senref.core.model import Creator

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
#: Letters NFKD does not decompose into base letter + accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i",
                          "Æ": "AE", "Œ": "OE", "Ø": "O", "Ł": "L", "Đ": "D"})


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces.

    >>> fold("Jörg  O’Loghlen-Van")
    'jorg o loghlen van'
    """
    if text.isascii():  # most titles and names: no normalising or accent stripping to do
        return _NON_WORD.sub(" ", text.translate(_APOSTROPHES).lower()).strip()
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL).translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", text).strip()


def title_key(title: str) -> str:
    """Title folded with markup and punctuation removed, for "same work" comparison.

    >>> title_key("Therapy-Induced <i>Senescence</i>: Opportunities") == title_key("therapy induced senescence opportunities")
    True
    """
    return fold(re.sub(r"<[^>]{0,200}>", "", title))


def name_key(creator: Creator) -> str:
    """Folded family name plus first initial: "Jörg Goronzy" and "Jorg Goronzy" share one key.

    >>> name_key(Creator(first_name="Jan", last_name="Van Deursen")) == name_key(Creator(first_name="Jan", last_name="van Deursen"))
    True
    >>> name_key(Creator(first_name="Ana", last_name="O’loghlen")) == name_key(Creator(first_name="Ana", last_name="O'Loghlen"))
    True
    """
    if creator.name and not creator.last_name:
        return fold(creator.name).replace(" ", "")
    last = fold(creator.last_name).replace(" ", "")
    first = fold(creator.first_name)
    return f"{last}|{first[:1]}"


def richness(creator: Creator) -> tuple[int, int, int]:
    """Prefer accents, then the longer given name, then "O'Loghlen" over a flattened "O’loghlen".

    Particles ("van", "de") are not judged: their case is a convention, and ties keep the
    spelling already in the library.
    """
    text = creator.display
    non_ascii = sum(1 for ch in text if ord(ch) > 127 and ch not in "’‘")
    capital_after_apostrophe = len(re.findall(r"['’][A-Z]", creator.last_name))
    return non_ascii, len(creator.first_name), capital_after_apostrophe


def better_name(a: Creator, b: Creator) -> Creator:
    """The richer spelling of one person (accents kept, full given names over initials)."""
    return b if richness(b) > richness(a) else a


def merge_creators(existing: list[Creator], incoming: list[Creator]) -> tuple[list[Creator], bool]:
    """Union two creator lists of one work, keeping order and the richer spelling of each person.

    Returns the merged list and whether it differs from *existing*.
    """
    if not existing:
        return list(incoming), bool(incoming)
    if not incoming:
        return list(existing), False
    index: dict[tuple[str, str], int] = {}
    merged = list(existing)
    for pos, creator in enumerate(merged):
        index.setdefault((creator.creator_type, name_key(creator)), pos)
    changed = False
    same_length = len(existing) == len(incoming)
    for pos, creator in enumerate(incoming):
        slot = index.get((creator.creator_type, name_key(creator)))
        if slot is None and same_length and _same_family(merged[pos], creator):
            # Same position, same family name, given names spelled apart ("C Norman" / "Norman"):
            # one person, not two.
            slot = pos
        if slot is None:
            # A list that is a strict subset (e.g. "et al." truncation) keeps growing in order.
            index[(creator.creator_type, name_key(creator))] = len(merged)
            merged.append(creator)
            changed = True
            continue
        best = better_name(merged[slot], creator)
        if best is not merged[slot]:
            merged[slot] = Creator(merged[slot].creator_type, best.first_name, best.last_name, best.name)
            changed = True
    return merged, changed


def _same_family(a: Creator, b: Creator) -> bool:
    return bool(a.last_name) and fold(a.last_name) == fold(b.last_name) and a.creator_type == b.creator_type


def first_author_key(creators: list[Creator]) -> str:
    """Folded family name of the first creator ('' when there is none)."""
    for creator in creators:
        key = fold(creator.last_name or creator.name).replace(" ", "")
        if key:
            return key
    return ""


#: Name particles left out of the comparison key ("van Deursen", "Deursen, Jan van", "De la Cruz").
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "degli", "di", "da", "das", "dos", "du",
                       "la", "le", "les", "ten", "ter", "zu", "zum", "zur", "y", "d", "l", "st"})
#: German transliterations: "Müller" folds to "muller", a database may have typed "Mueller".
_TRANSLIT = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def family_key(creator: Creator) -> str:
    """Folded family name without particles or transliteration marks, for "same person" comparison.

    >>> family_key(Creator(last_name="van Deursen")) == family_key(Creator(last_name="Deursen")) == "deursen"
    True
    >>> family_key(Creator(last_name="Mueller")) == family_key(Creator(last_name="Müller"))
    True
    """
    words = fold(creator.last_name or creator.name).split()
    kept = [w for w in words if w not in PARTICLES] or words
    key = "".join(kept)
    for pair, single in _TRANSLIT:
        key = key.replace(pair, single)
    return key
