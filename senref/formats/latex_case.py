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

import re
from functools import cached_property
from typing import NamedTuple

#: words that stay lower case in a Title Cased English title (articles, conjunctions, short prepositions)
STOP_WORDS = frozenset("""
a an the and or nor but for so yet of in on at to by with from into onto upon over under via vs versus as
per than about after before between through during without within among against along across toward towards
up down out off is are be was were its it if de la le les des du von van der den und et y e el al
""".split())  # noqa: SIM905 - a word list reads best as text
#: a word: a run of characters between spaces, hyphens and slashes
_RUN = re.compile(r"[^\s\-‐‑‒–—/]+")
_SENTENCE_END = re.compile(r"[.:?!]\s")
_SEPARATOR = re.compile(r"[\s\-‐‑‒–—/]")
_PUNCT = "\"'“”‘’«»„([{¿¡*.,;:!?…)]}"
#: a character that makes its run a word: neither a separator nor leading/trailing punctuation
_WORD_CHAR = re.compile("[^\\s\\-‐‑‒–—/" + re.escape(_PUNCT) + "]")


class Word(NamedTuple):  # a tuple, not a dataclass: titles are read by the ten thousand on import
    start: int  #: offset of the word's core (its letters and digits, outer punctuation left out)
    end: int
    text: str
    sentence_start: bool  #: first word, or after ". ", ": ", "? ", "! " (capitalised in any convention)
    first: bool  #: the title's first word, whose capital every style keeps


def words(plain: str) -> list[Word]:
    """The words of *plain*, each trimmed of leading and trailing punctuation."""
    found: list[Word] = []
    append = found.append
    for match in _RUN.finditer(plain):
        word = _word(plain, match, not found)
        if word is not None:
            append(word)
    return found


def _word(plain: str, match: re.Match[str], first: bool) -> Word | None:
    """The word of one run of *plain* (None for a run of punctuation only)."""
    stripped = match.group(0).lstrip(_PUNCT)
    core = stripped.rstrip(_PUNCT)
    if not core:
        return None
    start = match.end() - len(stripped)
    gap = start  # back over the punctuation and spaces since the previous word
    while gap > 0 and not plain[gap - 1].isalnum():
        gap -= 1
    return Word(start, start + len(core), core, gap == 0 or _SENTENCE_END.search(plain, gap, start) is not None,
                first)


def _words_over(plain: str, start: int, end: int) -> list[Word]:
    """The words of *plain* that overlap plain[start:end], exactly as words() gives them, read from the
    run around *start* on (a run is maximal, so the one holding *start* begins after a separator)."""
    begin = start
    while begin > 0 and not _SEPARATOR.match(plain, begin - 1):
        begin -= 1
    found: list[Word] = []
    for match in _RUN.finditer(plain, begin):
        if match.start() >= end:
            break
        # a word is the title's first when no earlier run holds anything but punctuation
        first = not found and _WORD_CHAR.search(plain, 0, match.start()) is None
        word = _word(plain, match, first)
        if word is not None:
            if word.start >= end:
                break
            found.append(word)
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
    """The case-protection reading of one title's plain text: which words the writer braces.

    The reader asks about the few words its braces touch, so each word's verdict (and the title's
    sentence-case guess) is worked out only when first needed.
    """

    def __init__(self, plain: str) -> None:
        self.plain = plain
        self._all_caps: bool | None = None
        self._sentence_case: bool | None = None

    @cached_property
    def words(self) -> list[Word]:
        return words(self.plain)

    @cached_property
    def protected(self) -> frozenset[tuple[int, int]]:
        return frozenset((w.start, w.end) for w in self.words if self._protects(w))

    def _protects(self, word: Word) -> bool:
        if self._all_caps is None:
            # an all-caps title: bracing would freeze it in capitals
            self._all_caps = not any(c.islower() for c in self.plain) and len(self.words) > 1
        if self._all_caps or not _cased(word.text):
            return False
        if self_protecting(word):
            return True
        if word.first or not _capitalised(word.text):
            return False
        if self._sentence_case is None:
            self._sentence_case = is_sentence_case(self.words)
        return self._sentence_case

    def brace_is_redundant(self, start: int, end: int) -> bool:
        """Whether braces around plain[start:end] protect nothing the writer would not brace by itself."""
        inner = self.plain[start:end].strip()
        if not _cased(inner):
            return True
        if len(inner) == 1 and inner.isupper():
            return True  # "{T}itle", "d{B}": the initial-capital habit of .bib files
        touching = [word for word in _words_over(self.plain, start, end)
                    if word.end > start and _cased(self.plain[max(word.start, start):min(word.end, end)])]
        return bool(touching) and all(self._protects(w) for w in touching)
