# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
r"""Which words of a title need case protection in BibTeX, shared by the writer and the reader.

BibTeX and biblatex styles may lower-case a title (sentence case); braces stop them. Only words whose
capitals carry meaning are braced, so styles can still do their job:

- a word with a capital after its first character (DNA, mRNA, iPhone, p16INK4a, McDonald, R&D, II) or a
  capital next to a digit (T4, 3D), and a lone capital letter (vitamin D) but the title's first word;
- a capitalised word (Alzheimer, Europe) other than the first only when the title is in sentence case, as
  Zotero recommends: there a capital marks a name or a subtitle's start (biblatex's \MakeSentenceCase
  lower-cases after a colon too). In a Title Cased title ("Opportunities to Improve") the capitals say
  nothing, and bracing them would freeze the title case.

The reader uses the same rules backwards: a brace in a .bib title becomes a `nocase` span only when the
writer would not brace that text by itself, so writing and reading a title give it back unchanged.
Better BibTeX braces every capitalised word on export; on import it drops braces around words with capitals
("as-needed"); we part from it for capitalised words in Title Cased titles, which keep a span.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

#: words that stay lower case in a Title Cased English title (articles, conjunctions, short prepositions)
STOP_WORDS = frozenset("""
a an the and or nor but for so yet of in on at to by with from into onto upon over under via vs versus as
per than about after before between through during without within among against along across toward towards
up down out off is are be was were its it if de la le les des du von van der den und et y e el al
""".split())  # noqa: SIM905 - a word list reads best as text
#: a word: a run of characters between spaces, hyphens and slashes
_RUN = re.compile(r"[^\s\-‐‑‒–—/]+")
_SENTENCE_END = re.compile(r"[.:?!]\s")


@dataclass(frozen=True)
class Word:
    start: int  #: offset of the word's core (its letters and digits, outer punctuation left out)
    end: int
    text: str
    sentence_start: bool  #: first word, or after ". ", ": ", "? ", "! " (capitalised in any convention)
    first: bool  #: the title's first word, whose capital every style keeps


def words(plain: str) -> list[Word]:
    """The words of *plain*, each trimmed of leading and trailing punctuation."""
    found: list[Word] = []
    for match in _RUN.finditer(plain):
        run = match.group(0)
        lead = len(run) - len(run.lstrip("\"'“”‘’«»„([{¿¡*.,;:!?…)]}"))
        core = run[lead:].rstrip("\"'“”‘’«»„([{¿¡*.,;:!?…)]}")
        if not core:
            continue
        start = match.start() + lead
        gap = start  # back over the punctuation and spaces since the previous word
        while gap > 0 and not plain[gap - 1].isalnum():
            gap -= 1
        found.append(Word(start, start + len(core), core, gap == 0 or bool(_SENTENCE_END.search(plain, gap, start)),
                          not found))
    return found


def _cased(text: str) -> bool:
    return any(c.isupper() or c.islower() for c in text)


def self_protecting(word: Word) -> bool:
    """A word whose capitals mean something wherever it stands."""
    text = word.text
    if any(c.isupper() for c in text[1:]):
        return True
    letters = [c for c in text if c.isalpha()]
    if text[:1].isupper() and any(c.isdigit() for c in text):
        return True
    return len(letters) == 1 and letters[0].isupper() and not word.first


def _capitalised(text: str) -> bool:
    return text[:1].isupper() and not any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)


def is_sentence_case(found: list[Word]) -> bool:
    """Guess whether a title is in sentence case: lower-case words inside it that Title Case would capitalise
    (two are enough, as Better BibTeX's guess has it; one when it outnumbers the capitalised words)."""
    lower = cap = 0
    for word in found:
        text = word.text
        if word.sentence_start or len(text) < 2 or not text.isalpha() or text.lower() in STOP_WORDS:
            continue
        if text.islower():
            lower += 1
        elif _capitalised(text):
            cap += 1
    return lower >= 2 or (lower == 1 and cap <= 1)


class TitleCase:
    """The case-protection reading of one title's plain text: which words the writer braces."""

    def __init__(self, plain: str) -> None:
        self.plain = plain
        self.words = words(plain)
        self.protected = self._protected()
        self._starts = [w.start for w in self.words]

    def _protected(self) -> frozenset[tuple[int, int]]:
        found = self.words
        if not any(c.islower() for c in self.plain) and len(found) > 1:
            return frozenset()  # an all-caps title: bracing would freeze it in capitals
        sentence_case = is_sentence_case(found)
        return frozenset((w.start, w.end) for w in found if _cased(w.text) and (
            self_protecting(w) or (sentence_case and not w.first and _capitalised(w.text))))

    def brace_is_redundant(self, start: int, end: int) -> bool:
        """Whether braces around plain[start:end] protect nothing the writer would not brace by itself."""
        inner = self.plain[start:end].strip()
        if not _cased(inner):
            return True
        if len(inner) == 1 and inner.isupper():
            return True  # "{T}itle", "d{B}": the initial-capital habit of .bib files
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        touching = []
        for word in self.words[first:]:
            if word.start >= end:
                break
            if word.end > start and _cased(self.plain[max(word.start, start):min(word.end, end)]):
                touching.append(word)
        return bool(touching) and all((w.start, w.end) in self.protected for w in touching)
