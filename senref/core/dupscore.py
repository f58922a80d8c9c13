"""The duplicate scorer: how alike two records are (with reasons), whether a shared identifier proves
them one work, and the blocking keys that bring likely pairs together without comparing all pairs.

Works on a `Profile`, the few folded values of an item the comparison needs; profiles are small
enough to be stored beside the items (see `senref.storage.dupstore`) and compared by the hundred
thousand.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

from senref.core import identifiers as ids
from senref.core.matching import family_key, fold, title_key
from senref.core.model import Item


class _LoadedOnUse:
    """rapidfuzz's `fuzz`, imported at its first use: its compiled code is 4 MB of a window that may never
    compare two records. The first use puts the module itself in this one's place."""

    def __getattr__(self, name: str) -> Any:
        from rapidfuzz import fuzz as module

        globals()["fuzz"] = module
        return getattr(module, name)


fuzz: Any = _LoadedOnUse()

#: Identifiers that name exactly one work (an ISBN is shared by a book's chapters, so it is not here).
STRONG_SCHEMES = ("doi", "hal", "pmid", "pmcid", "arxiv")
#: Score (log-odds-like sum of evidence) from which a pair is offered as a likely duplicate.
LIKELY = 4.0
#: Title similarity from which a shared identifier proves two records one work: below it the
#: identifier was probably inherited (a chapter with its book's DOI, a proceedings paper via crossref).
PROOF_TITLE = 0.85
#: Blocks bigger than this hold a common key ("introduction", a prolific author's year): skipped, the
#: other keys of the pair still meet.
MAX_BLOCK = 100

#: Item types that describe the same kind of publication in different databases.
_COMPATIBLE = [frozenset({"journalArticle", "magazineArticle", "newspaperArticle"}),
               frozenset({"conferencePaper", "bookSection"}),
               frozenset({"document", "manuscript", "report", "webpage"})]
#: Types never the same work as a record of another type (a preprint is not its article, a thesis
#: not its book, a book not one of its chapters).
_APART = frozenset({"preprint", "thesis", "book", "bookSection", "patent", "dataset", "videoRecording",
                    "podcast", "tvBroadcast", "radioBroadcast", "presentation"})
#: Words that make a record a notice about another work (erratum, reply...), not that work.
_NOTICE = re.compile(r"\b(errat(um|a)|corrigend(um|a)|correction|retraction|retracted article|"
                     r"expression of concern|reply|replies|response to|comment on|comments on|commentary on|"
                     r"re|author s reply|in reply|addendum|withdrawn|matters arising)\b")
#: Prefixes a database adds to the same article's title.
_TITLE_PREFIX = re.compile(r"^(retracted|withdrawn|editorial|review)\s+(article\s+)?")
#: Containers that make an "article" a preprint (BibTeX `journal = {arXiv preprint ...}`, DBLP's CoRR).
_PREPRINT_SERVER = re.compile(r"\b(arxiv|corr|biorxiv|medrxiv|chemrxiv|ssrn|research square|preprints?)\b")
#: Types a record of another type is never the same work as, whatever else agrees.
_NEVER = frozenset({"preprint", "report", "thesis"})
#: Types whose records are episodes of a series: two with dates weeks apart are two episodes.
_EPISODIC = frozenset({"videoRecording", "podcast", "tvBroadcast", "radioBroadcast", "audioRecording"})
#: Days two listings of one episode may differ by (a platform's upload date vs the broadcast).
_EPISODE_DAYS = 7
_ROMAN = frozenset({"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})
_STOP = frozenset({"the", "a", "an", "of", "and", "in", "on", "for", "to", "with", "by", "from", "at", "is",
                   "are", "as", "or", "its", "their", "la", "le", "les", "des", "de", "du", "et", "en", "un",
                   "une", "der", "die", "das", "und", "via", "into", "after", "versus", "vs"})
#: Fields holding the number of a work within a series or set: differing, the records are two works.
_NUMBERS = ("volume", "issue", "number", "seriesNumber", "episodeNumber", "edition", "reportNumber")


@dataclass(frozen=True)
class Candidate:
    """A stored likely pair (keys in sorted order), its 0..1 score, the reasons and any proof."""

    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    proof: str | None


@dataclass
class Profile:
    """What the scorer compares of one item, already folded."""

    key: str
    item_type: str = ""
    title: str = ""
    #: the title before its first colon (subtitles come and go between databases)
    main: str = ""
    families: list[str] = field(default_factory=list)
    year: int | None = None
    container: str = ""
    page: str = ""
    numbers: dict[str, str] = field(default_factory=dict)
    strong: dict[str, str] = field(default_factory=dict)
    isbn: str = ""
    #: the order items were added in (row id): the oldest is the suggested master
    rank: int = 0
    #: day number of the full date, for episodes of a series (which differ by little else)
    day: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"k": self.key, "t": self.item_type, "ti": self.title, "m": self.main, "f": self.families,
                "y": self.year, "c": self.container, "p": self.page, "n": self.numbers, "s": self.strong,
                "i": self.isbn, "d": self.day}

    @classmethod
    def from_json(cls, data: dict[str, Any], rank: int = 0) -> Profile:
        return cls(key=data["k"], item_type=data["t"], title=data["ti"], main=data["m"], families=data["f"],
                   year=data["y"], container=data["c"], page=data["p"], numbers=data["n"], strong=data["s"],
                   isbn=data["i"], rank=rank, day=data.get("d"))


def strong_identifiers(item: Item) -> dict[str, str]:
    """The item's unique identifiers in the form they compare in (DOIs case-folded; a 10.48550 DOI is
    the arXiv id it names).

    >>> strong_identifiers(Item(identifiers={"doi": "10.48550/arXiv.2101.00001"}))
    {'arxiv': '2101.00001'}
    """
    found: dict[str, str] = {}
    for scheme in STRONG_SCHEMES:
        value = item.identifiers.get(scheme)
        norm = ids.normalize(scheme, value) if value else None
        if norm:
            found[scheme] = ids.identifier_key(scheme, norm)
    doi = found.get("doi", "")
    if doi.startswith("10.48550/arxiv."):
        arxiv = ids.normalize_arxiv(doi.removeprefix("10.48550/arxiv."))
        if arxiv and found.setdefault("arxiv", arxiv) == arxiv:
            del found["doi"]
    return found


def _extra_values(item: Item) -> dict[str, str]:
    """`name: value` and Better BibTeX `tex.name: value` lines of Extra (fields a format had no home for)."""
    found: dict[str, str] = {}
    for line in item.fields.get("extra", "").splitlines():
        name, sep, value = line.partition(":")
        if sep and value.strip():
            found.setdefault(name.strip().lower().removeprefix("tex.").removeprefix("biblatex."), value.strip())
    return found


_MAIN_TITLE_END = re.compile(r"[:.?!]\s| [-–—] ")


def profile(item: Item, rank: int = 0) -> Profile:
    extra = _extra_values(item)
    raw = re.sub(r"<[^>]{0,200}>", "", item.title)
    if extra.get("subtitle") and ":" not in raw:
        raw = f"{raw}: {extra['subtitle']}"
    title = _TITLE_PREFIX.sub("", title_key(raw))
    head = _MAIN_TITLE_END.split(raw, maxsplit=1)[0]
    main = title if head == raw else _TITLE_PREFIX.sub("", title_key(head))
    # Only the first twelve families are kept: a 40-author record need not fold the other 28.
    families: list[str] = []
    for creator in item.creators:
        family = family_key(creator)
        if family and family not in ("others", "etal"):
            families.append(family)
            if len(families) == 12:
                break
    pages = re.search(r"[a-z]?(\d+)", fold(item.fields.get("pages", "")))
    numbers = {}
    for name in _NUMBERS:
        digits = re.findall(r"\d+", item.fields.get(name, "") or extra.get(name.lower(), ""))
        if digits:
            numbers[name] = digits[0].lstrip("0") or "0"
    isbn = ids.isbn_key(item.identifiers["isbn"]) if item.identifiers.get("isbn") else ""
    container = title_key(item.publication)
    item_type = item.item_type
    strong = strong_identifiers(item)
    if item_type in ("journalArticle", "document") and _PREPRINT_SERVER.search(container):
        item_type = "preprint"
    elif "arxiv" in strong and (item_type in ("webpage", "document", "manuscript")
                                or (item_type == "journalArticle" and not container and "doi" not in strong)):
        item_type = "preprint"  # an arXiv e-print entered as @online, @misc or a journal-less @article
    return Profile(key=item.key, item_type=item_type, title=title, main=main, families=families,
                   year=item.year, container=container, page=pages.group(1) if pages else "",
                   numbers=numbers, strong=strong, isbn=isbn or "", rank=rank,
                   day=_day(item.fields.get("date", "")) if item_type in _EPISODIC else None)


def _day(date: str) -> int | None:
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", date.strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups())).toordinal()
    except ValueError:
        return None


# -- proof ---------------------------------------------------------------------------------------
def compatible_types(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _COMPATIBLE)


def shared_identifiers(a: Profile, b: Profile) -> tuple[list[str], list[str]]:
    """(schemes both carry with one value, schemes both carry with different values)."""
    both = [s for s in STRONG_SCHEMES if s in a.strong and s in b.strong]
    return [s for s in both if a.strong[s] == b.strong[s]], [s for s in both if a.strong[s] != b.strong[s]]


def proof(a: Profile, b: Profile) -> str | None:
    """The identifier scheme(s) proving *a* and *b* one work ("doi", "doi+pmid"), or None.

    Proof is a shared unique identifier with none disagreeing, compatible item types and titles
    that agree: an identifier alone is inherited too often (crossref'd chapters, a journal record
    carrying its preprint's arXiv id) to merge on it.
    """
    same, differ = shared_identifiers(a, b)
    if not same or differ or not compatible_types(a.item_type, b.item_type):
        return None
    if a.title and b.title and title_similarity(a, b) < PROOF_TITLE:
        return None
    if _notice(a.title) != _notice(b.title) or _differing_numbers(a, b):
        return None
    return "+".join(same)


def linkable(a: Profile, b: Profile) -> bool:
    """A preprint and its published version: one identifier shared, alike titles, different types."""
    same, _differ = shared_identifiers(a, b)
    return bool(same) and "preprint" in (a.item_type, b.item_type) and a.item_type != b.item_type \
        and title_similarity(a, b) >= PROOF_TITLE


# -- likely duplicates ---------------------------------------------------------------------------
def title_similarity(a: Profile, b: Profile) -> float:
    """0..1: the full titles, word order aside, or one title being the other without its subtitle."""
    if not a.title or not b.title:
        return 0.0
    best = max(fuzz.ratio(a.title, b.title), fuzz.token_sort_ratio(a.title, b.title))
    if len(a.main) >= 12 and len(b.main) >= 12:
        best = max(best, 0.97 * max(fuzz.ratio(a.main, b.title), fuzz.ratio(a.title, b.main)))
    return float(best) / 100.0


def _notice(title: str) -> bool:
    return bool(_NOTICE.search(title))


def _title_numbers(title: str) -> set[str]:
    words = title.split()
    found = {w.lstrip("0") for w in words if w.isdigit()}
    found.update(w for w in words if w in _ROMAN)
    found.update(f"part {words[i + 1]}" for i, w in enumerate(words[:-1]) if w == "part")
    return found


def _same_number(a: Profile, b: Profile, name: str) -> bool:
    return bool(a.numbers.get(name)) and a.numbers.get(name) == b.numbers.get(name)


def _differing_numbers(a: Profile, b: Profile) -> list[str]:
    return [n for n in _NUMBERS if n in a.numbers and n in b.numbers and a.numbers[n] != b.numbers[n]]


def _creators(a: list[str], b: list[str]) -> tuple[float, bool]:
    """(share of the shorter list found in the longer one, first creators alike)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    found = sum(1 for name in short if any(name == other or fuzz.ratio(name, other) >= 85 for other in long))
    first = a[0] == b[0] or fuzz.ratio(a[0], b[0]) >= 85
    return found / len(short), first


#: The most the titles, the creators and the container can add to a pair's evidence (3.5 + 2.0 + 0.5).
_MOST_FROM_TEXT = 6.0


def score(a: Profile, b: Profile, *, reach: float | None = None) -> tuple[float, list[str]]:
    """Sum of evidence that *a* and *b* are one work (>= LIKELY: offer them), and why, in words.

    With *reach*: a pair whose identifiers, dates, pages, numbers and types leave it short of *reach*
    whatever its titles, creators and container say is given up before those (the costly part) are
    compared; its total is then that upper bound, below *reach*, and it has no reasons.
    """
    ids, after_names, kinds = _identifier_evidence(a, b), _place_evidence(a, b), _type_evidence(a, b)
    if reach is not None:
        most = _most(ids, after_names, kinds)
        if most < reach:
            return most, []
    total, reasons = ids[0], list(ids[1])
    sim = title_similarity(a, b)
    share, first = _creators(a.families, b.families) if a.families and b.families else (0.0, False)
    if a.title and b.title:
        points = 3.5 if sim >= 0.97 else 2.5 if sim >= 0.9 else 1.5 if sim >= 0.8 else -1.0 if sim >= 0.65 else -3.0
        placed = bool(a.page) and a.page == b.page and (a.year == b.year or _same_number(a, b, "volume"))
        if points < 0 and placed and share >= 0.8:
            # Same people, same place in the same volume: one article under a translated title.
            points = 1.0
        total += points
        reasons.append(f"title {round(sim * 100)} % alike")
        if _notice(a.title) != _notice(b.title):
            total -= 4.0
            reasons.append("one is a notice (erratum, reply, ...) about the other")
        numbers_a, numbers_b = _title_numbers(a.title), _title_numbers(b.title)
        if numbers_a and numbers_b and numbers_a != numbers_b:
            total -= 3.0
            reasons.append("titles carry different numbers")
    if a.families and b.families:
        if share >= 0.8 and first:
            total += 2.0
            reasons.append("same creators" if len(a.families) == len(b.families) else "same first creators")
        elif share >= 0.5:
            total += 1.0
            reasons.append("some creators in common")
        else:
            total -= 3.0
            reasons.append("different creators")
    total += after_names[0]
    reasons += after_names[1]
    if a.container and b.container and fuzz.token_set_ratio(a.container, b.container) >= 90:
        total += 0.5
        reasons.append("same container")
    return total + kinds[0], reasons + kinds[1]


def may_reach(a: Profile, b: Profile, reach: float) -> bool:
    """Whether `score(a, b)` can reach *reach* or `linkable(a, b)` hold, judged without the titles,
    creators and container (a profile without them answers as the whole one): False means neither can."""
    if shared_identifiers(a, b)[0]:
        return True
    return _most(_identifier_evidence(a, b), _place_evidence(a, b), _type_evidence(a, b)) >= reach


Evidence = tuple[float, list[str]]


def _most(ids: Evidence, after_names: Evidence, kinds: Evidence) -> float:
    """The most a pair can score with this evidence, whatever its titles, creators and container add."""
    return ids[0] + after_names[0] + kinds[0] + _MOST_FROM_TEXT


def _identifier_evidence(a: Profile, b: Profile) -> tuple[float, list[str]]:
    total, reasons = 0.0, []
    same, differ = shared_identifiers(a, b)
    if same:
        total += 4.0
        reasons += [f"same {s.upper() if s != 'arxiv' else 'arXiv id'}" for s in same]
    if differ:
        total -= 3.0
        reasons += [f"different {s.upper() if s != 'arxiv' else 'arXiv id'}" for s in differ]
    return total, reasons


def _place_evidence(a: Profile, b: Profile) -> tuple[float, list[str]]:
    """Years, pages, dates, volume/issue numbers and ISBNs."""
    total, reasons = 0.0, []
    if a.year is not None and b.year is not None:
        gap = abs(a.year - b.year)
        if gap == 0:
            total += 0.5
        elif gap > 1:
            total -= 3.0
        if gap:
            reasons.append(f"year {a.year} vs {b.year}")
    if a.page and b.page:
        if a.page == b.page:
            total += 1.0
            reasons.append("same first page")
        else:
            total -= 3.0
            reasons.append(f"pages {a.page} vs {b.page}")
    if a.day is not None and b.day is not None and abs(a.day - b.day) > _EPISODE_DAYS:
        total -= 3.0
        reasons.append(f"dates {abs(a.day - b.day)} days apart")
    for name in _differing_numbers(a, b):
        total -= 3.0
        reasons.append(f"{name} {a.numbers[name]} vs {b.numbers[name]}")
    if a.isbn and b.isbn and a.isbn != b.isbn:
        total -= 2.0
        reasons.append("different ISBN")
    return total, reasons


def _type_evidence(a: Profile, b: Profile) -> tuple[float, list[str]]:
    if compatible_types(a.item_type, b.item_type):
        return 0.0, []
    kinds = {a.item_type, b.item_type}
    return -(7.0 if kinds & _NEVER else 4.0 if kinds & _APART else 1.5), [f"{a.item_type} vs {b.item_type}"]


def probability(total: float) -> float:
    """The evidence sum as a 0..1 figure for display (0.5 at the LIKELY threshold)."""
    return round(1.0 / (1.0 + math.exp(-(total - LIKELY) / 2.0)), 3)


# -- blocking ------------------------------------------------------------------------------------
def blocking_keys(p: Profile) -> list[str]:
    """A few keys per item such that a duplicate with a typo, a missing subtitle, other case or
    accents, a shortened author list or no author at all still shares at least one with it."""
    keys = [f"id:{scheme}:{value}" for scheme, value in p.strong.items()]
    words = [w for w in p.title.split() if w not in _STOP and len(w) > 1]
    first = p.families[0] if p.families else ""
    year = str(p.year or "")
    if words:
        keys.append("w3:" + " ".join(words[:3]))
        keys.append("wl:" + " ".join(words[-3:]))
        if first:
            keys.append(f"aw:{first}|{' '.join(words[:2])}")
            keys.append(f"ayw:{first}|{year}|{words[-1]}")
            keys.append(f"al:{first}|{words[-1]}")
    if p.page:
        if first:
            keys.append(f"ayp:{first}|{year}|{p.page}")
        if p.numbers.get("volume"):
            keys.append(f"vp:{p.numbers['volume']}|{p.page}|{year}")
    if p.isbn:
        keys.append(f"isbn:{p.isbn}")
    return keys
