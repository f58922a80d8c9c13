"""Zotero dates <-> BibLaTeX's EDTF `date` and BibTeX's `year`/`month`, over `senref.formats.dates`.

dates.py reads Zotero's free text (ranges such as "2010 Sep-Oct", seasons, "circa") and writes the EDTF
biblatex wants; this module adds what is particular to the .bib fields: BibTeX's year and month (where a
range starts), `year`/`month`/`day` fields read back into one Zotero date, and access dates without times.
"""

from __future__ import annotations

import re

from senref.formats.dates import edtf, parse_date, parse_edtf

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


_ISO_RANGE = re.compile(r"^\s*(-?\d{4}-\d{2}(?:-\d{2})?)\s*(?:--|[–—])\s*(-?\d{4}-\d{2}(?:-\d{2})?)\s*$")


def zotero_to_edtf(text: str) -> str:
    """BibLaTeX `date` for a Zotero date ("2010 Sep-Oct" -> "2010-09/2010-10"); "" when it holds no date."""
    # Two ISO dates joined by a TeX or Unicode dash are a range; dates.py would read the first date's
    # hyphens as the range (lead: the same case belongs in dates.parse_date).
    iso = _ISO_RANGE.match(text)
    if iso:
        return f"{iso.group(1)}/{iso.group(2)}"
    return edtf(text)


def access_date(text: str) -> str:
    """`urldate` for Zotero's access date ("2021-03-05 10:11:12" -> "2021-03-05")."""
    day = re.match(r"^\s*(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?Z?)?\s*$", text)
    return day.group(1) if day else edtf(text)


def year_month(text: str) -> tuple[str, int]:
    """BibTeX's year and month (0: none) for a Zotero date, where a range starts; ("", 0) when unreadable."""
    reading = parse_date(text)
    if not reading.start:
        return "", 0
    month = reading.start[1] if len(reading.start) > 1 and reading.start[1] <= 12 else 0
    return str(reading.start[0]), month


def bib_to_zotero(date: str, year: str = "", month: str = "", day: str = "") -> str:
    """The Zotero date for an entry's `date`, or its `year`/`month`/`day` fields."""
    date = re.sub(r"\s+", " ", date).strip()
    if date:
        return parse_edtf(date)
    year = year.strip()
    if not year:
        return ""
    month = month.strip().lower()
    number = int(month) if month.isdigit() else (_MONTHS.index(month[:3]) + 1 if month[:3] in _MONTHS else 0)
    if not re.fullmatch(r"-?\d{1,4}", year):
        return f"{month} {year}".strip() if month and not number else year
    out = f"{int(year):04d}" if not year.startswith("-") else year
    if 1 <= number <= 12:
        out += f"-{number:02d}"
        if day.strip().isdigit() and 1 <= int(day) <= 31:
            out += f"-{int(day):02d}"
    elif month:
        out = f"{month} {out}"  # "Spring", "Jan.-Feb.": Zotero reads what it can of the words
    return out
