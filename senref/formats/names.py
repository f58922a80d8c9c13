"""BibTeX name lists ("Last, First and {Corporate Name}") <-> Creator objects."""

from __future__ import annotations

import re

from senref.core.model import Creator
from senref.formats.latex import escape, to_unicode

_NESTING = re.compile(r"[\\{}]")
_SEPARATORS: dict[str, re.Pattern[str]] = {}


def split_top(text: str, sep_re: str) -> list[str]:
    """Split *text* on a regex separator, ignoring separators inside braces.

    A separator must not match a backslash, a brace or the empty string, nor hold a group (none of ours
    does): the text between two braces or escapes is searched in one step, only those are followed one by one.
    """
    pattern = _SEPARATORS.get(sep_re)
    if pattern is None:
        pattern = _SEPARATORS[sep_re] = re.compile(sep_re, re.I)
    if not _NESTING.search(text):
        parts = pattern.split(text)  # no brace to respect: one split (separators never match empty)
        return [p.strip() for p in parts if p.strip()]
    parts = []
    depth = 0
    start = 0
    i = 0
    while True:
        nest = _NESTING.search(text, i)
        j = len(text) if nest is None else nest.start()
        if depth == 0:
            for sep in pattern.finditer(text, i, j):
                if sep.end() > sep.start():
                    parts.append(text[start:sep.start()])
                    start = sep.end()
        if nest is None:
            break
        if text[j] == "\\":
            i = j + 2  # the escaped character is skipped, whatever it is
            continue
        depth += 1 if text[j] == "{" else -1
        i = j + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


#: lower-case words that join an organisation's name ("Corporation for Digital Scholarship"), never particles
_FUNCTION_WORDS = frozenset({"at", "for", "of", "the", "and", "on", "in", "to", "with", "from", "by"})


def parse_names(raw: str, creator_type: str) -> list[Creator]:
    creators: list[Creator] = []
    for part in split_top(raw.replace("\n", " "), r"\s+and\s+"):
        if part.lower() == "others":
            # BibTeX's "et al.": Zotero has no flag for it, so (as Better BibTeX does) it stays a creator
            # named "others", which format_name writes back unbraced.
            creators.append(Creator(creator_type, last_name="others"))
            continue
        creators.append(parse_name(part, creator_type))
    return creators


_EXTENDED = re.compile(r"^(family|given|prefix|suffix|useprefix)\s*=", re.I)


#: one name as written -> (first, last, single-field name): the same people recur all through a library,
#: and the reading does not depend on the creator type; bounded, a fresh Creator each time
_PARSED: dict[str, tuple[str, str, str]] = {}
_PARSED_MAX = 8192


def parse_name(raw: str, creator_type: str) -> Creator:
    known = _PARSED.get(raw)
    if known is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        found = _parse_name(raw, creator_type)
        known = _PARSED[raw] = (found.first_name, found.last_name, found.name)
    return Creator(creator_type, *known)


def _parse_name(raw: str, creator_type: str) -> Creator:
    raw = raw.strip().rstrip(",")
    if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
        return Creator(creator_type, name=to_unicode(raw[1:-1]).strip())
    if "=" in raw and _EXTENDED.match(raw):
        # Better BibTeX's extended name format: family=..., given=..., prefix=...
        bits = {k.strip().lower(): to_unicode(v.strip()) for k, _, v in
                (p.partition("=") for p in split_top(raw, r","))}
        last = " ".join(filter(None, [bits.get("prefix", ""), bits.get("family", "")]))
        first = bits.get("given", "")
        if bits.get("suffix"):
            first = f"{first}, {bits['suffix']}" if first else bits["suffix"]
        return Creator(creator_type, first_name=first, last_name=last)
    pieces = split_top(raw, r",")
    if len(pieces) >= 2:
        last = pieces[0]
        first = pieces[-1]
        if len(pieces) == 3:  # "von Last, Jr, First"
            first = f"{pieces[2]}, {pieces[1]}"
        return Creator(creator_type, first_name=to_unicode(first).strip(), last_name=to_unicode(last).strip())
    words = split_top(raw, r"\s+")
    if len(words) == 1:
        return Creator(creator_type, first_name="", last_name=to_unicode(words[0]).strip()) if not words[0].startswith("{") \
            else Creator(creator_type, name=to_unicode(words[0]).strip())
    if any(word in _FUNCTION_WORDS for word in words[1:-1]):
        # "American Rights at Work": an English function word is no "von" particle, the name is an organisation's
        return Creator(creator_type, name=to_unicode(" ".join(words)).strip())
    # "First von Last": the last name starts at the first lower-case word (a particle), else it is the last word.
    split_at = len(words) - 1
    for index, word in enumerate(words[:-1]):
        if index > 0 and word[:1].islower():
            split_at = index
            break
    return Creator(creator_type, first_name=to_unicode(" ".join(words[:split_at])).strip(),
                   last_name=to_unicode(" ".join(words[split_at:])).strip())


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def format_name(creator: Creator, *, unicode: bool) -> str:
    """One name for a BibTeX list: "Last, First"; single-field and comma-bearing names are braced."""
    if creator.last_name == "others" and not creator.first_name and not creator.name:
        return "others"
    if creator.name or not creator.first_name:
        name = creator.name or creator.last_name
        return "{" + escape(name, unicode=unicode) + "}"
    last = escape(creator.last_name, unicode=unicode)
    if " and " in f" {last} " or "," in creator.last_name:
        last = "{" + last + "}"
    # A comma inside the first name means "First, Jr" as parse_name reads it back.
    first = creator.first_name
    if ", " in first:
        given, _, suffix = first.partition(", ")
        return f"{last}, {escape(suffix, unicode=unicode)}, {escape(given, unicode=unicode)}"
    return f"{last}, {escape(first, unicode=unicode)}"


def format_names(creators: list[Creator], *, unicode: bool) -> str:
    return " and ".join(format_name(c, unicode=unicode) for c in creators)
