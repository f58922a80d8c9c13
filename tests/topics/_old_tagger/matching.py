"""Frozen copy of senref/topics/matching.py before the wave-2 speed work (an equivalence oracle). Term matching: text normalisation and one precompiled trie-shaped regular expression over all terms.

Every vocabulary term becomes a sequence of regex *atoms* (single characters, optional letters for
British spellings, a separator between word parts, a plural suffix). All sequences are merged into
a trie and emitted as one pattern, so scanning a text costs one pass of the regex engine whatever
the size of the vocabulary. Each term ends in an empty named group `(?P<tN>)`, so `match.lastgroup`
says which term matched without a second lookup.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

#: Greek letters (and the German ß, which PDF extraction and keyboards put where β belongs) as Latin names.
GREEK_NAMES: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Α": "alpha", "Β": "beta", "Γ": "gamma", "Δ": "delta", "Κ": "kappa", "Ω": "omega",
    "ß": "beta", "ϐ": "beta", "ɣ": "gamma", "µ": "mu",
}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
_SPACES = "\u00a0\u2009\u202f\u2007\u200a"
#: Applied to record text: offsets change only where a Greek letter becomes its name.
TEXT_TABLE = str.maketrans({**GREEK_NAMES, **dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SPACES, " ")})
#: Applied to terms: Greek names become separate word parts, so "NF-κB" matches "NF-kappaB" and "NFκB".
_TERM_TABLE = str.maketrans({**{k: f" {v} " for k, v in GREEK_NAMES.items()},
                             **dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SPACES, " ")})
#: Between the parts of a term: nothing, spaces, hyphens, slashes or parentheses ("p16(INK4a)").
SEP = r"[\s\-/()]*"
_TOKEN = re.compile(r"[a-z]+|[0-9]+|[^\sa-z0-9\-/()]")
_ATOM = re.compile(r"\(\?:[^)]*\)\??|\[[^\]]*\]\??|\\.\??|.\??")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")
#: After the first character of a term: the character before it must not be a letter or a digit.
#: (Placed after the first character, so that every top-level branch starts with a literal and the
#: regex engine can skip non-candidate positions with a character-set test.)
_START_BOUNDARY = r"(?<![a-z0-9].)"
_END_BOUNDARY = r"(?![a-z0-9])"

# British spellings, rewritten to the American form before variants are generated.
_BRITISH = (
    (re.compile(r"tumour"), "tumor"), (re.compile(r"ageing"), "aging"), (re.compile(r"^haem"), "hem"),
    (re.compile(r"aemia$"), "emia"), (re.compile(r"^paed"), "ped"), (re.compile(r"fibre$"), "fiber"),
    (re.compile(r"centre$"), "center"), (re.compile(r"(?<=..)our$"), "or"),
    (re.compile(r"(?<=..)is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"), (re.compile(r"yse$"), "yze"),
)
# American spellings as regex fragments that accept both forms.
_VARIANTS = (
    (re.compile(r"tumor"), "tumou?r"), (re.compile(r"aging"), "age?ing"), (re.compile(r"^hem"), "ha?em"),
    (re.compile(r"emia$"), "a?emia"), (re.compile(r"^ped(?=iatric)"), "pa?ed"), (re.compile(r"fiber$"), "fib(?:er|re)"),
    (re.compile(r"center$"), "cent(?:er|re)"),
    (re.compile(r"(?<=..)iz(?=(e|ed|es|ing|ation|ations|er|ers)$)"), "i[sz]"), (re.compile(r"yze$"), "y[sz]e"),
)
_OR_END = re.compile(r"(?<=...)or$")


def normalize_text(text: str) -> str:
    """Record text with Greek letters spelled out and dashes/spaces unified (case kept).

    >>> normalize_text("SA-β-gal and NF‑κB")
    'SA-beta-gal and NF-kappaB'
    """
    return text.translate(TEXT_TABLE)


_EXPANDING = re.compile("[" + "".join(k for k, v in GREEK_NAMES.items() if len(v) > 1) + "]")


class SpanMapper:
    """Maps spans of normalised text back to the original (Greek letters expand when normalised).

    >>> text = "NF-κB and IL-6"
    >>> mapper = SpanMapper(text)
    >>> mapper.original(0, len("NF-kappaB")), mapper.original(len("NF-kappaB and "), len("NF-kappaB and IL-6"))
    ('NF-κB', 'IL-6')
    """

    def __init__(self, original: str) -> None:
        self.text = original
        #: (normalised start, original index, normalised width) of each expanded character
        self.breaks: list[tuple[int, int, int]] = []
        shift = 0
        for match in _EXPANDING.finditer(original):
            width = len(GREEK_NAMES[match.group()])
            self.breaks.append((match.start() + shift, match.start(), width))
            shift += width - 1
        self.starts = [b[0] for b in self.breaks]

    def _index(self, position: int, end: bool) -> int:
        slot = bisect_right(self.starts, position) - 1
        if slot < 0:
            return position
        norm_start, orig, width = self.breaks[slot]
        if position < norm_start + width:
            return orig + 1 if end and position > norm_start else orig
        return position - (norm_start - orig) - (width - 1)

    def original(self, start: int, end: int) -> str:
        if not self.breaks:
            return self.text[start:end]
        return self.text[self._index(start, False):self._index(end, True)]


def lower_same_length(text: str) -> str:
    """Lower-case *text* without changing its length, so offsets stay valid in the original."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def american(word: str) -> str:
    """A lower-case word in American spelling (the form variants are generated from).

    >>> [american(w) for w in ("tumour", "ageing", "ionising", "haematopoietic", "behaviour", "leukaemia")]
    ['tumor', 'aging', 'ionizing', 'hematopoietic', 'behavior', 'leukemia']
    """
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word


def _word_regex(word: str, last: bool) -> str:
    """Regex for one alphabetic word part: spelling variants, and a plural if it ends the term."""
    word = american(word)
    plural = ""
    if last:
        if word.endswith("sis"):
            word, plural = word[:-2], "[ie]s"  # metastasis / metastases
        elif len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
            word, plural = word[:-1], "(?:y|ies)"
        elif word.endswith(("s", "x", "z")):
            plural = "(?:es)?"
        else:
            plural = "(?:e?s)?"
    out = word
    for pattern, repl in _VARIANTS:
        out = pattern.sub(repl, out)
    if out == word and "tumou" not in out:
        out = _OR_END.sub("ou?r", out)  # colour/color, behaviour/behavior
    return out + plural


def term_atoms(term: str) -> list[str]:
    """The regex atoms of a term; empty when the term has nothing matchable.

    >>> "".join(term_atoms("NF-κB")) == "nf" + SEP + "kappa" + SEP + "b(?:e?s)?"
    True
    >>> term_atoms("--")
    []
    """
    tokens = _TOKEN.findall(term.translate(_TERM_TABLE).lower())
    if not any(t[0].isalnum() for t in tokens):
        return []
    atoms: list[str] = []
    for index, token in enumerate(tokens):
        if index:
            atoms.append(SEP)
        if token.isalpha():
            atoms.extend(_ATOM.findall(_word_regex(token, index == len(tokens) - 1)))
        elif token.isdigit():
            atoms.extend(token)
        else:
            atoms.append(re.escape(token))
    return atoms


def case_key(term: str) -> str:
    """Letters and digits of a term as written, for case-sensitive acronyms ("SnC", "IR").

    >>> case_key("SA-β-gal")
    'SAbetagal'
    """
    return _NON_ALNUM.sub("", term.translate(TEXT_TABLE))


def _atom_order(atom: str) -> int:
    if atom == SEP:
        return 1
    return 2 if atom.endswith(("?", "*")) else 0


class TermScanner:
    """All terms compiled into one regex; `scan(text)` yields the leftmost-longest occurrences."""

    def __init__(self, terms: list[str], patterns: list[str] | None = None) -> None:
        #: term id -> atom sequence key; equal sequences (same term in two topics) share one id.
        self.ids: dict[tuple[str, ...], int] = {}
        self.term_of_id: list[str] = []
        trie: dict[str, dict] = {}  # type: ignore[type-arg]
        for term in terms:
            atoms = tuple(term_atoms(term))
            if not atoms or atoms in self.ids:
                continue
            term_id = len(self.term_of_id)
            self.ids[atoms] = term_id
            self.term_of_id.append(term)
            node = trie
            for atom in atoms:
                node = node.setdefault(atom, {})
            node[""] = {"id": term_id}  # "" is never an atom, so it marks the end of a term
        self.regex = re.compile(self._emit_root(trie)) if trie else None
        self.patterns = [re.compile(p, re.IGNORECASE) for p in (patterns or [])]

    def id_of(self, term: str) -> int | None:
        return self.ids.get(tuple(term_atoms(term)))

    def _emit_root(self, trie: dict) -> str:  # type: ignore[type-arg]
        alternatives = []
        for atom, child in trie.items():
            if atom == "":
                continue
            alternatives.append(atom + _START_BOUNDARY + self._emit(child))
        return "(?:" + "|".join(alternatives) + ")" + _END_BOUNDARY

    def _emit(self, node: dict) -> str:  # type: ignore[type-arg]
        # The regex engine takes the first alternative that succeeds, so the longest term must come
        # first: atoms that consume text, then the separator, then optional atoms (a plural suffix can
        # match nothing and end the term early), then the end marker.
        atoms = sorted((a for a in node if a != ""), key=_atom_order)
        alternatives = [atom + self._emit(node[atom]) for atom in atoms]
        if "" in node:
            alternatives.append(f"(?P<t{node['']['id']}>)")
        if len(alternatives) == 1:
            return str(alternatives[0])
        return "(?:" + "|".join(alternatives) + ")"

    def scan(self, lowered: str) -> list[tuple[int, int, int]]:
        """(term id, start, end) of terms in lower-cased normalised text, left to right, not overlapping."""
        if self.regex is None:
            return []
        # Tuples, not objects: this runs for every occurrence in every record.
        return [(int(m.lastgroup[1:]), m.start(), m.end()) for m in self.regex.finditer(lowered) if m.lastgroup]

    def scan_patterns(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(pattern index, start, end) for each raw pattern match."""
        for index, pattern in enumerate(self.patterns):
            for match in pattern.finditer(text):
                yield index, match.start(), match.end()
