# Frozen oracle copy (see tests/formats/_old/__init__.py): the pre-issue-15 code, kept unchanged on purpose.
"""BibTeX name lists ("Last, First and {Corporate Name}") <-> Creator objects."""

from __future__ import annotations

import re

from senref.core.model import Creator
from senref.formats.latex import escape
from tests.formats._old.latex_decode import to_unicode


def split_top(text: str, sep_re: str) -> list[str]:
    """Split *text* on a regex separator, ignoring separators inside braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    pattern = re.compile(sep_re, re.I)
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            match = pattern.match(text, i)
            if match and match.end() > i:
                parts.append(text[start:i])
                start = i = match.end()
                continue
        i += 1
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


def parse_name(raw: str, creator_type: str) -> Creator:
    raw = raw.strip().rstrip(",")
    if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
        return Creator(creator_type, name=to_unicode(raw[1:-1]).strip())
    if re.match(r"^(family|given|prefix|suffix|useprefix)\s*=", raw, re.I):
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
