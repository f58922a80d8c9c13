"""RIS dates (`YYYY/MM/DD/other`) <-> Zotero's free-text dates, with RIS.js's import rules."""

from __future__ import annotations

import re

from senref.formats.dates import date_parts

_RIS_DATE = re.compile(r"^(\d+)(?:/(\d{0,2})(?:/(\d{0,2})(?:(?:/|\s)([^/]*))?)?)?$")
_ISO_LIKE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ](\d{1,2}:\d{2}(?::\d{2})?)Z?)?$")
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?", re.IGNORECASE)
_SEASON = re.compile(r"^(?:spring|summer|autumn|fall|winter)$", re.IGNORECASE)
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![a-z])", re.IGNORECASE)


def _time(text: str) -> str:
    """"10:05 pm" -> "22:05:00"; "" when *text* holds no time."""
    match = _TIME.search(text)
    if not match:
        return ""
    hour, minute, second, half = int(match.group(1)), match.group(2), match.group(3) or "00", match.group(4)
    if half and half.lower() == "pm" and hour < 12:
        hour += 12
    elif half and half.lower() == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute}:{second}"


def ris_to_zotero(value: str, field: str = "date") -> str:
    """A DA/PY/Y1/Y2 value as a Zotero date.

    RIS.js's rules: `2018/03/05/` -> 2018-03-05, `2018///` -> 2018, zero parts end the date, text without
    a year becomes `0000 Text` (PY later fills the year in). senref also keeps what the fourth part
    adds when it matters: a season (`2018///Spring` -> `2018 Spring`), an access time, or the whole date
    as written (senref puts it there when the parts alone would lose something).

    >>> ris_to_zotero("2018/03/05/"), ris_to_zotero("2018///"), ris_to_zotero("1990/2/27")
    ('2018-03-05', '2018', '1990-02-27')
    >>> ris_to_zotero("2010/09//2010 Sep-Oct"), ris_to_zotero("Date")
    ('2010 Sep-Oct', '0000 Date')
    """
    text = value.strip()
    match = _RIS_DATE.match(text)
    if not match:
        year = re.search(r"\b\d{4}\b", text)
        word = re.search(r"[A-Za-z]+", text)
        if not year and word:
            day = re.search(r"\b(?:[1-3]\d|[1-9])\b", text)
            return f"0000 {word.group(0)}" + (f" {day.group(0)}" if day else "")
        if field != "accessDate":
            return text
        parts = date_parts(text)
        if not parts:
            return text
        out = "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])])
        return out + (f" {_time(text)}" if _time(text) else "")
    numbers: list[str] = []
    for raw in match.groups()[:3]:
        digits = (raw or "").lstrip("0")
        if not digits:
            break  # an empty or zero part ends the date
        numbers.append(digits)
    if not numbers:
        return ""
    out = "-".join([numbers[0].zfill(4), *(n.zfill(2) for n in numbers[1:])])
    other = (match.group(4) or "").strip()
    if not other:
        return out
    if re.search(r"\b\d{4}\b", other) and date_parts(other):
        return other
    if _time(other):
        return f"{out} {_time(other)}"
    return f"{out} {other}" if _SEASON.match(other) else out


def _captured(text: str) -> bool:
    """True when year, month and day say all that *text* says ("March 5, 2018" yes, "Spring 2018" no)."""
    rest = text.lower()
    if len(re.findall(r"\b\d{4}\b", rest)) > 1 or len(_MONTH.findall(rest)) > 1:
        return False
    rest = _MONTH.sub(" ", re.sub(r"\b\d{4}\b", " ", rest, count=1))
    rest = re.sub(r"\b\d{1,2}(?:st|nd|rd|th)?\b", " ", rest, count=1)
    return not re.sub(r"[\s,./-]+", "", rest)


def zotero_to_ris(text: str) -> tuple[str, str]:
    """(DA value, PY value) for a Zotero date; the raw text for both when it has no year.

    >>> zotero_to_ris("2018-03-05")
    ('2018/03/05/', '2018')
    >>> zotero_to_ris("Spring 2018")
    ('2018///Spring 2018', '2018')
    """
    text = text.strip()
    iso = _ISO_LIKE.match(text)
    parts = [int(g) for g in iso.groups()[:3] if g] if iso else date_parts(text)
    if not parts or parts[0] < 0:
        return text, text
    padded = [f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])]
    padded += [""] * (3 - len(padded))
    if iso:
        other = iso.group(4) or ""
    else:
        other = "" if _captured(text) else text
    return "/".join(padded) + "/" + other, padded[0]
