"""EDTF (ISO 8601-2, levels 0-1) dates: biblatex's date fields, and the EDTF that Zotero's date field reads.

Three readers, for three contexts:

* `parse_strict` - EDTF as biblatex's `date`/`urldate`/`origdate`/`eventdate` hold it (seasons 21-24,
  qualifiers, unspecified digits `199X`/`199u`, open and unknown interval ends, times).
* `zotero_edtf` - the subset Zotero's own `Zotero.Date.parseEDTF` accepts in a Zotero date field, with
  its normalisations (condensed "1995-96" ranges, "ca." prefixes, "429 BCE" era years); it rejects
  seasons, whose notation collides with condensed ranges.
* `read_edtf` - senref's reading of a Zotero date field: Zotero's, plus seasons when the text cannot be
  a condensed academic year ("2004-21" is Spring 2004; "2021-22" stays the range 2021-2022).

`parse_edtf` turns a biblatex EDTF value into the Zotero date string senref stores (Better BibTeX keeps
EDTF verbatim in Zotero's date field, e.g. "1988/1992"; seasons become words, see there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: EDTF season codes (level 1) and the words Zotero users write for them.
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}

_DATE = re.compile(
    r"(?P<year>-?(?:\d{4}|\d{3}[Xu]|\d{2}[Xu]{2})|[Yy]-?\d{5,})"
    r"(?:-(?P<month>\d{2}|[Xu]{2})"
    r"(?:-(?P<day>\d{2}|[Xu]{2})"
    r"(?P<time>T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
    r"(?P<qualifier>[?~%]{1,2})?",
    re.ASCII,
)


#: An interval end that is unknown ("") or open (".."); "unknown" and "open" are the 2012 EDTF draft's
#: words, which Better BibTeX still writes.
_NO_DATE = ("", "..", "unknown", "open")


@dataclass(frozen=True)
class EdtfDate:
    """One EDTF date; month is 1-12 (None with a season or at year precision)."""

    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None
    uncertain: bool = False
    approximate: bool = False
    #: X/u digits somewhere ("199X", "1999-XX"): year/month/day then hold only the known part.
    unspecified: bool = False
    #: "Y170000" style years beyond four digits.
    long_year: bool = False

    def parts(self) -> tuple[int, ...]:
        """(year,), (year, month) or (year, month, day), as far as the date is precise."""
        if self.unspecified:
            return ()
        if self.month is None:
            return (self.year,)
        return (self.year, self.month) if self.day is None else (self.year, self.month, self.day)


@dataclass(frozen=True)
class Edtf:
    """A date or an interval; an interval end that is open ("..") or unknown ("") is None."""

    start: EdtfDate | None
    end: EdtfDate | None = None
    interval: bool = False

    @property
    def closed(self) -> bool:
        return self.start is not None and (not self.interval or self.end is not None)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _single(text: str) -> EdtfDate | None:
    match = _DATE.fullmatch(text)
    if not match:
        return None
    raw_year, raw_month, raw_day = match.group("year", "month", "day")
    qualifier = match.group("qualifier") or ""
    unspecified = any(c in "Xu" for c in raw_year + (raw_month or "") + (raw_day or ""))
    long_year = raw_year[0] in "Yy"
    year = int(re.sub(r"[Xu]", "0", raw_year.lstrip("Yy")))
    month = day = season = None
    if raw_month and raw_month.isdigit():
        value = int(raw_month)
        if 21 <= value <= 24 and raw_day is None:
            season = value
        elif 1 <= value <= 12:
            month = value
        else:
            return None
    if raw_day and raw_day.isdigit():
        day = int(raw_day)
        if month is None or not 1 <= day <= _days_in_month(year, month):
            return None
    return EdtfDate(year, month, day, season, "?" in qualifier or "%" in qualifier,
                    "~" in qualifier or "%" in qualifier, unspecified, long_year)


def parse_strict(text: str) -> Edtf | None:
    """*text* as biblatex reads an EDTF date field, or None when it is not one.

    >>> parse_strict("2004-21").start.season, parse_strict("1984/1986").end.year
    (21, 1986)
    >>> parse_strict("2004-01-01/..").end is None, parse_strict("March 2004") is None
    (True, True)
    """
    text = text.replace("\u00a0", "~").strip()  # a TeX reader may already have made "~" a no-break space
    if not text:
        return None
    if "/" not in text:
        date = _single(text)
        return Edtf(date) if date else None
    left, _, right = text.partition("/")
    start = None if left in _NO_DATE else _single(left)
    end = None if right in _NO_DATE else _single(right)
    if (start is None and left not in _NO_DATE) or (end is None and right not in _NO_DATE):
        return None
    if start is None and end is None:
        return None
    return Edtf(start, end, interval=True)


# Zotero.Date's normalisations before EDTF (zotero/utilities date.js, parseEDTF and helpers).
_BCE = r"B\.?\s?C\.?(?:\s?E\.?)?"
_CE = r"C\.?\s?E\.?|A\.?\s?D\.?"
_BCE_ONLY = re.compile(rf"^{_BCE}$", re.I)
_ERA_YEAR = re.compile(rf"^(?:({_CE})\s*)?([0-9]{{1,4}})(?:\s*({_BCE}|{_CE}))?$", re.I)
_ERA_RANGE = re.compile(
    rf"^(?:({_CE})\s*)?([0-9]{{1,4}})(?:\s*({_BCE}|{_CE}))?\s*-\s*([0-9]{{1,4}})(?:\s*({_BCE}|{_CE}))?$", re.I)
_ERA_MARKER = re.compile(rf"[0-9]\s*(?:{_BCE}|{_CE})|(?:{_CE})\s*[0-9]", re.I)
_ERA_MARKERS = re.compile(rf"{_BCE}|{_CE}", re.I)
_NEGATIVE_YEAR = re.compile(r"(?:^|/)-[0-9]")
_CIRCA_PREFIX = re.compile(r"^(?:~|circa |ca\.? ?|c\. ?|about |around )\s*", re.I)
_EDTF_CHARS = re.compile(r"^[-0-9T:+Z~?%/\s.]*$", re.I)
_EDTF_SHAPE = re.compile(r"^-?[0-9]{4}[-0-9T:+Z~?%]*(/-?[0-9]{4}[-0-9T:+Z~?%]*)?$", re.I)
_ISO = re.compile(r"^([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?$")


def normalize_dashes(text: str) -> str:
    """En/em dashes, minus signs and "--" as "-": ranges are written with all of them."""
    return re.sub(r"--+", "-", re.sub("[\u2013\u2014\u2212]", "-", text))


def _era_to_edtf(text: str) -> str | None:
    """ "429 BCE" -> "-0429", "1000-900 BC" -> "-1000/-0900" (a marker on one year of a range covers both)."""
    match = _ERA_RANGE.match(text) or _ERA_YEAR.match(text)
    if not match:
        return None
    groups: list[str | None] = [*match.groups(), None, None][:5]
    prefix, _, begin_marker, end, end_marker = groups
    begin = match.group(2)
    if prefix and begin_marker:
        return None
    begin_marker = prefix or begin_marker
    if not begin_marker and not end_marker:
        return None
    if re.fullmatch("0+", begin) or (end and re.fullmatch("0+", end)):
        return None  # neither era has a year zero

    def signed(year: str, marker: str | None) -> str:
        return ("-" if marker and _BCE_ONLY.match(marker) else "") + year.zfill(4)

    out = signed(begin, begin_marker or end_marker)
    return out + "/" + signed(end, end_marker or begin_marker) if end else out


def has_era_notation(text: str) -> bool:
    """A negative year, or an era marker beside nothing but EDTF punctuation (which strToDate misreads)."""
    text = _CIRCA_PREFIX.sub("", normalize_dashes(text.strip()), count=1)
    return bool(_NEGATIVE_YEAR.search(text)) or (
        bool(_ERA_MARKER.search(text)) and bool(_EDTF_CHARS.match(_ERA_MARKERS.sub("", text))))


def _prepare(text: str, *, seasons: bool) -> tuple[str, bool] | None:
    text = normalize_dashes(text.strip())
    circa = bool(_CIRCA_PREFIX.match(text))
    text = _CIRCA_PREFIX.sub("", text, count=1)
    text = _era_to_edtf(text) or text
    if not re.match(r"^[-0-9]\S*$", text):
        return None
    text = re.sub(r"(^|/)-([0-9]{1,3})(?=[-~?%/]|$)", lambda m: m.group(1) + "-" + m.group(2).zfill(4), text)
    condensed = re.match(r"^([0-9]{4})-([0-9]{2}|[0-9]{4})$", text)
    if condensed:
        begin, end = int(condensed.group(1)), int(condensed.group(2))
        if len(condensed.group(2)) == 2:
            is_season = seasons and 21 <= end <= 24 and end != (begin + 1) % 100
            end = 0 if end <= 12 or is_season else begin // 100 * 100 + end
        if end > begin:
            text = f"{condensed.group(1)}/{end:04d}"
    if circa and not re.search(r"[~?%]$", text):
        text += "~"
    return (text, circa) if _EDTF_SHAPE.match(text) else None


def _comparable(date: EdtfDate) -> tuple[int, int, int]:
    return date.year, date.month or date.season or 0, date.day or 0


def _edtf_reading(text: str, *, seasons: bool) -> Edtf | None:
    iso = _ISO.match(normalize_dashes(text.strip()))
    if iso:
        month, day = iso.group(2, 3)
        return Edtf(EdtfDate(int(iso.group(1)), int(month) if month else None, int(day) if day else None))
    prepared = _prepare(text, seasons=seasons)
    parsed = parse_strict(prepared[0]) if prepared else None
    if parsed is None or not parsed.closed:
        return None
    dates = [d for d in (parsed.start, parsed.end) if d is not None]
    if any(d.unspecified or d.long_year or (d.season and not seasons) for d in dates):
        return None
    if parsed.end is not None and parsed.start is not None \
            and _comparable(parsed.end) <= _comparable(parsed.start):
        return None  # reversed or degenerate interval
    return parsed


def zotero_edtf(text: str) -> Edtf | None:
    """What Zotero's `parseEDTF` accepts: closed, level 0-1 dates and intervals, no seasons or X digits.

    >>> zotero_edtf("2021-22").end.year, zotero_edtf("ca. 1995").start.approximate
    (2022, True)
    >>> zotero_edtf("429 BCE").start.year, zotero_edtf("2021/2021"), zotero_edtf("196X")
    (-429, None, None)
    """
    return _edtf_reading(text, seasons=False)


def read_edtf(text: str) -> Edtf | None:
    """senref's EDTF reading of a Zotero date: Zotero's, plus seasons that are no condensed range.

    >>> read_edtf("2004-21").start.season, read_edtf("2021-22").end.year
    (21, 2022)
    """
    return _edtf_reading(text, seasons=True)


def format_date(date: EdtfDate) -> str:
    """An `EdtfDate` back in EDTF ("2004-06~", "-0429", "2020-21")."""
    out = f"-{abs(date.year):04d}" if date.year < 0 else f"{date.year:04d}"
    if date.season:
        out += f"-{date.season}"
    elif date.month:
        out += f"-{date.month:02d}"
        if date.day:
            out += f"-{date.day:02d}"
    if date.uncertain and date.approximate:
        return out + "%"
    return out + ("?" if date.uncertain else "") + ("~" if date.approximate else "")


def _season_words(date: EdtfDate) -> str:
    out = f"{SEASONS[date.season or 21]} {date.year}"
    if date.uncertain and date.approximate:
        return out + "%"
    return out + ("?" if date.uncertain else "") + ("~" if date.approximate else "")


def parse_edtf(value: str) -> str:
    """The Zotero date string for a biblatex EDTF date field.

    EDTF is kept verbatim, as Better BibTeX stores it in Zotero's date field ("1988/1992", "1723?",
    "-0876", "199u"); Zotero reads such ranges by their start. Seasons are the exception: in a Zotero
    date "2004-21" reads as the condensed range 2004-2021, so a season becomes its words ("Spring 2004",
    which `dates.edtf` turns back into "2004-21"). A value that is not EDTF is returned stripped.

    >>> parse_edtf("1984/1986"), parse_edtf("2004-21"), parse_edtf("2017-23/2017-24")
    ('1984/1986', 'Spring 2004', 'Autumn 2017/Winter 2017')
    """
    text = value.replace("\u00a0", "~").strip()
    parsed = parse_strict(text)
    if parsed is None:
        return text
    if not any(d is not None and d.season for d in (parsed.start, parsed.end)):
        return text
    sides = text.split("/")
    dates = [parsed.start, parsed.end][:len(sides)]
    return "/".join(side if d is None else _season_words(d) if d.season else side
                    for side, d in zip(sides, dates, strict=True))
