"""senref's reading of Zotero's free-text dates (`parse_date`, `date_parts`, `date_range`) and the EDTF
that biblatex wants (`edtf`; `parse_edtf` for the way back).

Zotero's own reading is `senref.formats.zotero_dates` (`str_to_date`, `multipart`, re-exported here);
`parse_date` starts from it and departs where Zotero's answer cannot be exported, each departure listed
in its docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from senref.formats.edtf import Edtf, EdtfDate, format_date, normalize_dashes, parse_edtf, parse_strict, read_edtf
from senref.formats.zotero_dates import (
    MONTH_FIRST_COUNTRIES,
    ZoteroDate,
    locale_tables,
    month_names,
    multipart,
    sql_date,
    str_to_date,
    str_to_date_with,
    trim_internal,
)

__all__ = ["DateReading", "ZoteroDate", "date_parts", "date_range", "edtf", "iso_date", "multipart",
           "parse_date", "parse_edtf", "sql_date", "str_to_date"]

#: senref reads English, French and German month names whatever the locale: "set", "out", "ago" and
#: "gen" (Italian, Portuguese, Spanish) are English words too often to be read as months by default.
_READING_LOCALES = ("en-US", "fr-FR", "de")
_SEASON_WORDS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24, "printemps": 21,
                 "été": 22, "automne": 23, "hiver": 24, "frühling": 21, "frühjahr": 21, "sommer": 22,
                 "herbst": 23}
#: A numeric date whose dashes are no range ("2014-12-31", "1995-05").
_ISO_DATE = re.compile(r"(?<![0-9])[0-9]{4}-[0-9]{1,2}(?:-[0-9]{1,2})?(?![0-9])")
_ISO_SIDE = r"-?[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?[~?%]?"
#: dates written in ISO form: if such a text is no valid EDTF, it holds no date to read
ISO_SHAPED = re.compile(rf"^(?:{_ISO_SIDE}/(?:{_ISO_SIDE})?|/{_ISO_SIDE}|-?[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[~?%]?)$")
_CIRCA_WORDS = {"c", "ca", "circa", "about", "around", "approx", "approximately", "vers", "um"}


@dataclass(frozen=True)
class DateReading:
    """senref's reading of a Zotero date: its start (and end, for a range) as date parts."""

    text: str
    start: tuple[int, ...] = ()
    end: tuple[int, ...] = ()
    season: int | None = None
    end_season: int | None = None
    approximate: bool = False
    uncertain: bool = False
    part: str = ""


@dataclass
class _Side:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: int | None = None
    approximate: bool = False
    uncertain: bool = False
    part: str = ""
    whole: bool = False

    def any(self) -> bool:
        return any(v is not None for v in (self.year, self.month, self.day, self.season))

    def parts(self) -> tuple[int, ...]:
        if self.year is None:
            return ()
        if self.month is None:
            return (self.year,)
        return (self.year, self.month) if self.day is None else (self.year, self.month, self.day)

    def key(self) -> tuple[int, int, int]:
        return self.year or 0, self.month or self.season or 0, self.day or 0


def _year_value(raw: str | None, side: _Side) -> int | None:
    """Zotero's year string as a number: "429 BC" -> -429, "c. 1900" -> 1900 and approximate."""
    if not raw:
        return None
    digits = re.search(r"[0-9]{1,4}", raw)
    if not digits:
        return None
    if re.match(r"(?:circa|around|about|c\b)", raw, re.I):
        side.approximate = True
    return -int(digits[0]) if re.search(r"B\.? ?C", raw, re.I) else int(digits[0])


def _read_single(text: str, months: tuple[str, ...], month_first: bool, today_year: int | None,
                 *, lone_day_is_month: bool = True) -> _Side:
    text = text.strip()
    side = _Side(approximate=text.startswith("~"))
    qualifier = re.search(r"[?~%]+$", text)
    if qualifier and text[:qualifier.start()].strip():
        side.uncertain = any(c in qualifier[0] for c in "?%")
        side.approximate = side.approximate or any(c in qualifier[0] for c in "~%")
        text = text[:qualifier.start()]
    apostrophe = re.fullmatch(r"['\u2019]([0-9]{2})", text)
    compact = re.fullmatch(r"([0-9]{4})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])", text)
    if apostrophe:  # '98: Zotero finds no year; senref applies Zotero's own two-digit-year rule
        zdate = str_to_date_with(f"1/1/{apostrophe[1]}", months, True, today_year)
        side.year = int(zdate.year or 0)
        return side
    if compact:  # 20210305: ISO 8601 basic format, which Zotero does not read
        side.year, side.month, side.day = (int(g) for g in compact.groups())
        return side
    zdate = str_to_date_with(text, months, month_first, today_year)
    side.year, side.month, side.day, side.whole = _year_value(zdate.year, side), zdate.month, zdate.day, zdate.whole
    words = re.sub(r"\bundefined\b", " ", zdate.part or "").split()
    side.part = " ".join(words)
    lowered = [w.lower().strip(".,") for w in words]
    side.approximate = side.approximate or any(w in _CIRCA_WORDS for w in lowered)
    if side.month is None:
        side.season = next((_SEASON_WORDS[w] for w in lowered if w in _SEASON_WORDS), None)
    numbers = [int(w) for w in lowered if w.isdigit() and len(w) <= 2]
    lone_numbers = not any(c.isalpha() for c in side.part)
    if lone_day_is_month and lone_numbers and side.day is not None and side.month is None:
        # Zotero reads "03 2018" as day 3 and "05 01, 2018" as day 5 plus "01": read such numbers
        # as Zotero reads "3/2018" and "05/01/2018", by the locale's numeric order.
        first, second = side.day, numbers[0] if numbers else None
        if second is None:
            side.month, side.day = (first, None) if first <= 12 else (None, first)
        else:
            side.month, side.day = (first, second) if month_first else (second, first)
            if side.month > 12:
                side.month, side.day = side.day, side.month
            if side.month > 12 or side.day > 31:
                side.month, side.day = None, first
    return side


def _reading_from_edtf(text: str, found: Edtf) -> DateReading:
    start, end = found.start, found.end
    assert start is not None  # read_edtf returns closed dates only
    return DateReading(text, start.parts(), end.parts() if end else (), start.season,
                       end.season if end else None,
                       start.approximate or bool(end and end.approximate),
                       start.uncertain or bool(end and end.uncertain))


def _split_range(text: str, months: tuple[str, ...], month_first: bool,
                 today_year: int | None) -> tuple[_Side, _Side] | None:
    candidates: list[tuple[str, str]] = []
    if " - " in text:
        candidates.append(text.partition(" - ")[::2])
    if text.count("/") == 1:
        candidates.append(text.partition("/")[::2])
    inside_dates = {i for m in _ISO_DATE.finditer(text) for i in range(m.start() + 1, m.end())}
    candidates += [(text[:i], text[i + 1:]) for i, c in enumerate(text)
                   if c == "-" and 0 < i < len(text) - 1 and i not in inside_dates]
    for left_text, right_text in candidates:
        left = _read_single(left_text, months, month_first, today_year, lone_day_is_month=False)
        right = _read_single(right_text, months, month_first, today_year, lone_day_is_month=False)
        if not left.any() or not right.any() or (left.year is None and right.year is None):
            continue
        if re.fullmatch(r"\s*[0-9]{1,2}\s*", left_text) and right.month and right.day:
            left.month, left.day = right.month, int(left_text)  # "3-5 June 2015"
        left.year = right.year if left.year is None else left.year
        right.year = left.year if right.year is None else right.year
        if left.month is None and left.day is not None and right.month:
            left.month = right.month
        if right.month is None and right.day is not None and left.month:
            right.month = left.month
        if any(side.day is not None and side.month is None for side in (left, right)):
            continue
        if left.key() < right.key():
            return left, right
    return None


def parse_date(text: str, locale: str | None = None, *, today_year: int | None = None) -> DateReading:
    """senref's reading of a Zotero date field.

    Zotero's rules (`str_to_date`, EDTF first as Zotero's `strToMultipart` does), read with English,
    French and German month names and, unless *locale* says otherwise, en-US numeric order. Departures,
    each because Zotero's answer has nothing an export format can hold:

    * a number Zotero takes for a day with no month ("03 2018", "05 01, 2018") is read in the
      locale's numeric order, as Zotero reads "3/2018" and "05/01/2018";
    * a range ("2010 Sep-Oct", "1984/1986", "December 3-5, 1986", "Spring 2015 - Summer 2016") is read
      by its start and keeps its end (Zotero reads the last month it sees, or the first year);
    * "YYYY-21" .. "YYYY-24" are EDTF seasons unless they are a condensed academic year ("2021-22");
    * `'98` and `20210305` are read (Zotero finds no year in them); "c."/"~"/"?" set the flags;
      "429 BC" is the year -429, as Zotero's EDTF conversion has it.
    """
    string = trim_internal(text)
    if not string:
        return DateReading(text)
    found = read_edtf(string)
    if found is not None:
        return _reading_from_edtf(text, found)
    strict = parse_strict(string)
    if strict is not None and strict.interval:  # an open or unknown end: read the end that is known
        known = strict.start or strict.end
        assert known is not None
        return _reading_from_edtf(text, Edtf(known))
    months = month_names(_READING_LOCALES if locale is None else locale_tables(locale))
    month_first = locale is None or locale[3:] in MONTH_FIRST_COUNTRIES
    side = _read_single(string, months, month_first, today_year)
    dashed = normalize_dashes(string)
    pair = None if side.whole or not re.search("[-/]", dashed) else \
        _split_range(dashed, months, month_first, today_year)
    if pair:
        left, right = pair
        return DateReading(text, left.parts(), right.parts(), left.season, right.season,
                           left.approximate or right.approximate, left.uncertain or right.uncertain,
                           left.part)
    return DateReading(text, side.parts(), (), side.season, None, side.approximate, side.uncertain, side.part)


def date_parts(text: str) -> list[int]:
    """[year], [year, month] or [year, month, day] of a Zotero date (a range's start); [] without a year.

    >>> date_parts("2021-03-05"), date_parts("March 2018"), date_parts("03 2018"), date_parts("n.d.")
    ([2021, 3, 5], [2018, 3], [2018, 3], [])
    """
    return list(parse_date(text).start)


def date_range(text: str) -> tuple[list[int], list[int]] | None:
    """(start parts, end parts) when the date is a range, else None.

    >>> date_range("2010 Sep-Oct"), date_range("1984/1986"), date_range("2021-03-05")
    (([2010, 9], [2010, 10]), ([1984], [1986]), None)
    """
    reading = parse_date(text)
    return (list(reading.start), list(reading.end)) if reading.start and reading.end else None


def iso_date(parts: list[int]) -> str:
    """[2021, 3, 5] -> "2021-03-05"; [2021, 3] -> "2021-03"; [-429] -> "-0429"; [] -> ""."""
    if not parts:
        return ""
    out = f"{parts[0]:04d}" if parts[0] >= 0 else f"-{abs(parts[0]):04d}"
    for part in parts[1:3]:
        out += f"-{part:02d}"
    return out


def _edtf_side(parts: tuple[int, ...], season: int | None, approximate: bool, uncertain: bool) -> str:
    year, month, day = [*parts, None, None][:3]
    assert year is not None
    return format_date(EdtfDate(year, month, day, season, uncertain, approximate))


def edtf(text: str) -> str:
    """The EDTF value biblatex's `date` field wants for a Zotero date, "" when there is none.

    A Zotero date that is already EDTF is kept (times, "199X", open ranges); BBT's pseudo-months
    13-16 become seasons 21-24. Otherwise senref's reading is written: "2010 Sep-Oct" ->
    "2010-09/2010-10", "Spring 2020" -> "2020-21", "c. 1900" -> "1900~", "1990s" -> "199X".

    >>> edtf("2010 Sep-Oct"), edtf("Spring 2020"), edtf("c. 1900"), edtf("1984/1986"), edtf("2004?")
    ('2010-09/2010-10', '2020-21', '1900~', '1984/1986', '2004?')
    """
    string = trim_internal(text)
    if not string:
        return ""
    string = re.sub(r"(?<![0-9])([0-9]{4})-(1[3-6])(?![0-9])", lambda m: f"{m[1]}-{int(m[2]) + 8}", string)
    decade = re.fullmatch(r"(?:the )?([0-9]{3})0['\u2019]?s", string, re.I)
    if decade:
        return f"{decade[1]}X"
    strict = parse_strict(string)
    if strict is None and ISO_SHAPED.match(string):
        return ""  # "2017-14/2017-99": dates in ISO form, one of them impossible (BBT keeps such text verbatim)
    reading = parse_date(string)
    condensed = re.fullmatch(r"[0-9]{4}-[0-9]{2}", string) and reading.end
    if strict is not None and not condensed:
        return string
    if not reading.start:
        return ""
    out = _edtf_side(reading.start, reading.season, reading.approximate, reading.uncertain)
    if reading.end:
        out += "/" + _edtf_side(reading.end, reading.end_season, reading.approximate, reading.uncertain)
    return out
