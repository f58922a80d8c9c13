"""Zotero's date rules as senref ports them, and senref's reading of the ambiguous cases.

Each row of `CASES` says what Zotero gives (worked out from zotero/utilities `date.js` strToDate and
strToMultipart, or taken from its tests `test/tests/dateTest.js`) and what senref reads; where the two
differ, `why` says why senref departs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from senref.formats.dates import date_parts, date_range, iso_date, multipart, parse_date, sql_date, str_to_date

#: A fixed "this year" for Zotero's two-digit-year rule.
YEAR = 2025


@dataclass(frozen=True)
class Case:
    text: str
    #: Zotero's strToDate: (year, month 1-12, day, part, order); its multipart (sort) date.
    zotero: tuple[str | None, int | None, int | None, str | None, str]
    sql: str
    #: senref: start parts, end parts (a range), season, approximate, uncertain.
    start: tuple[int, ...]
    end: tuple[int, ...] = ()
    season: int | None = None
    approximate: bool = False
    uncertain: bool = False
    why: str = ""


CASES = [
    Case("03 2018", ("2018", None, 3, None, "dy"), "2018-00-03", (2018, 3),
         why="Zotero takes 03 for a day of no month; read as it reads 3/2018"),
    Case("05 01, 2018", ("2018", None, 5, "01", "dy"), "2018-00-05", (2018, 5, 1),
         why="Zotero finds day 5 and leaves 01; read in en-US order, as Zotero reads 05/01/2018"),
    Case("2010 Sep-Oct", ("2010", 10, None, "Sep undefined", "ym"), "2010-10-00", (2010, 9), (2010, 10),
         why="Zotero's greedy month pattern takes the last month (and prints JS undefined); a range"),
    Case("1984/1986", ("1984", None, None, "1986", "y"), "1984-00-00", (1984,), (1986,),
         why="Zotero reads the start year and keeps 1986 as text; EDTF interval"),
    Case("2021-03-05", ("2021", 3, 5, None, "ymd"), "2021-03-05", (2021, 3, 5)),
    Case("2021/3/5", ("2021", 3, 5, None, "ymd"), "2021-03-05", (2021, 3, 5)),
    Case("5/3/2021", ("2021", 5, 3, None, "mdy"), "2021-05-03", (2021, 5, 3),
         why="en-US order, Zotero's default (see test_numeric_order_follows_the_locale)"),
    Case("13/3/2021", ("2021", 3, 13, None, "dmy"), "2021-03-13", (2021, 3, 13)),
    Case("March 5, 2021", ("2021", 3, 5, None, "mdy"), "2021-03-05", (2021, 3, 5)),
    Case("5 Mar. 2021", ("2021", 3, 5, None, "dmy"), "2021-03-05", (2021, 3, 5)),
    Case("Spring 2020", ("2020", None, None, "Spring", "y"), "2020-00-00", (2020,), season=21),
    Case("printemps 1985", ("1985", None, None, "printemps", "y"), "1985-00-00", (1985,), season=21),
    Case("c. 1900", ("1900", None, None, "c", "y"), "1900-00-00", (1900,), approximate=True),
    Case("ca. 1900", ("1900", None, None, "ca", "y"), "1900-00-00", (1900,), approximate=True),
    Case("1990s", (None, None, None, "1990s", ""), "0000-00-00", (),
         why="no year in Zotero either; edtf() writes 199X"),
    Case("2021-03-05T10:00:00Z", ("2021", 3, 5, "T10:00:00Z", "ymd"), "2021-03-05", (2021, 3, 5)),
    Case("20210305", (None, None, None, "20210305", ""), "0000-00-00", (2021, 3, 5),
         why="ISO 8601 basic format, which Zotero does not read"),
    Case("'98", (None, None, None, "98", ""), "0000-00-00", (1998,),
         why="Zotero finds no year; its own two-digit-year rule applied"),
    Case("429 BC", ("429 BC", None, None, None, "y"), "0000-00-00", (-429,),
         why="Zotero's EDTF conversion: BCE years are negative"),
    Case("-0876", ("0876", None, None, None, "y"), "0000-00-00", (-876,)),
    Case("2004-06~", ("2004", None, 6, None, "yd"), "2004-06-00", (2004, 6), approximate=True,
         why="strToDate alone misreads 06 as a day; Zotero's multipart reads EDTF first, as senref does"),
    Case("2004?", ("2004", None, None, None, "y"), "2004-00-00", (2004,), uncertain=True),
    Case("2004-21", ("2004", None, 21, None, "yd"), "2004-00-00", (2004,), season=21,
         why="an EDTF season; Zotero's parseEDTF would take it for the range 2004/2021"),
    Case("2021-22", ("2021", None, 22, None, "yd"), "2021-00-00", (2021,), (2022,),
         why="a condensed academic year, as Zotero's parseEDTF reads it (not Summer 2021)"),
    Case("2010-09/2010-10", ("2010", None, 9, "2010-10", "yd"), "2010-09-00", (2010, 9), (2010, 10)),
    Case("December 3-5, 1986", ("1986", 12, 3, "5", "mdy"), "1986-12-03", (1986, 12, 3), (1986, 12, 5)),
    Case("22-26 June 2015", ("2015", 6, 22, "26", "dmy"), "2015-06-22", (2015, 6, 22), (2015, 6, 26)),
    Case("January 30\u2013February 3, 1989", ("1989", 2, 30, "January  3", "dmy"), "1989-02-30",
         (1989, 1, 30), (1989, 2, 3)),
    Case("Spring 2015 - Summer 2016", ("2015", None, None, "Spring   - Summer 2016", "y"), "2015-00-00",
         (2015,), (2016,), season=21),
    Case("5 mars 2021", ("2021", 3, 5, None, "dmy"), "2021-03-05", (2021, 3, 5)),
    Case("5 février 2021", ("2021", None, 5, "février", "dy"), "2021-00-05", (2021, 2, 5),
         why="en-US Zotero knows only English months; senref reads French and German ones"),
    Case("5. März 2021", ("2021", None, 5, "März", "dy"), "2021-00-05", (2021, 3, 5)),
    Case("1/1/68", ("1968", 1, 1, None, "mdy"), "1968-01-01", (1968, 1, 1)),
    Case("01/01/08", ("2008", 1, 1, None, "mdy"), "2008-01-01", (2008, 1, 1)),
    Case("0123", ("123", None, None, None, "y"), "0123-00-00", (123,)),
    Case("1", (None, 1, None, None, "m"), "0000-01-00", ()),
    Case("25", (None, None, 25, None, "d"), "0000-00-25", ()),
    Case("n.d.", (None, None, None, "n.d", ""), "0000-00-00", ()),
    Case("forthcoming", (None, None, None, "forthcoming", ""), "0000-00-00", ()),
    Case("", (None, None, None, None, ""), "", ()),
]


@pytest.mark.parametrize("case", CASES, ids=[c.text or "empty" for c in CASES])
def test_str_to_date_gives_what_zotero_gives(case: Case) -> None:
    got = str_to_date(case.text, today_year=YEAR)
    assert (got.year, got.month, got.day, got.part, got.order) == case.zotero
    assert sql_date(case.text) == case.sql


@pytest.mark.parametrize("case", CASES, ids=[c.text or "empty" for c in CASES])
def test_senref_reading(case: Case) -> None:
    got = parse_date(case.text, today_year=YEAR)
    assert (got.start, got.end, got.season, got.approximate, got.uncertain) == \
        (case.start, case.end, case.season, case.approximate, case.uncertain), case.why


def test_zotero_tests_for_two_digit_years_and_leading_zeros() -> None:
    assert [str_to_date(t, today_year=YEAR).year for t in ("001", "0001", "012", "0012")] == ["1", "1", "12", "12"]
    assert str_to_date("1/1/19", today_year=2019).year == "2019"
    assert str_to_date("1/1/26", today_year=2025).year == "1926"
    assert str_to_date("1/1/25", today_year=2025).year == "2025"


def test_numeric_order_follows_the_locale() -> None:
    """Zotero reads month first only for the US, FM, PW and PH; a first number above 12 is a day anywhere."""
    assert (str_to_date("5/3/2021", "en-US").month, str_to_date("5/3/2021", "en-GB").month) == (5, 3)
    assert str_to_date("5/3/2021", "fr-FR").order == "dmy"
    assert parse_date("5/3/2021", "de-DE").start == (2021, 3, 5)
    assert parse_date("05 01, 2018", "en-GB").start == (2018, 1, 5)
    assert str_to_date("13/3/2021", "en-US").order == "dmy"


def test_month_names_follow_zoteros_locale_tables() -> None:
    """A French or German Zotero reads its own month names and English ones; en-US only English."""
    assert str_to_date("5 février 2021", "fr-FR").month == 2
    assert str_to_date("5 février 2021", "fr").month == 2  # two-letter locale resolves as in Zotero
    assert str_to_date("Dezember 2021", "de-AT").month == 12
    assert str_to_date("Dezember 2021", "de-AT").month == str_to_date("December 2021", "de-DE").month
    assert str_to_date("Dezember 2021", "en-US").month is None
    assert str_to_date("juillet 1789", "fr-FR").month == 7


def test_multipart_is_zoteros_sort_form() -> None:
    assert multipart("March 2018") == "2018-03-00 March 2018"
    assert multipart("2021-05-13") == "2021-05-13 2021-05-13"
    assert multipart("2021/2026") == "2021-00-00 2021/2026"
    assert multipart("2021-05/2021-06") == "2021-05-00 2021-05/2021-06"
    assert multipart("ca. 1900") == "1900-00-00 ca. 1900"
    assert multipart("-0429") == "0000-00-00 -0429"
    assert multipart("429 BCE") == "0000-00-00 429 BCE"
    assert multipart("") == ""


def test_date_range_gives_start_and_end_only_for_ranges() -> None:
    assert date_range("2010 Sep-Oct") == ([2010, 9], [2010, 10])
    assert date_range("29 June-1 July 2011") == ([2011, 6, 29], [2011, 7, 1])
    assert date_range("1995\u201396") == ([1995], [1996])
    assert date_range("2021-03-05") is None
    assert date_range("5/3/2021") is None
    assert date_range("Jean-Paul 2019") is None
    assert date_range("2026/2021") is None  # backwards: not a range


def test_date_parts_and_iso_date_keep_their_meaning() -> None:
    assert date_parts("2021-03-05") == [2021, 3, 5]
    assert date_parts("March 5, 2021") == [2021, 3, 5]
    assert date_parts("2021") == [2021]
    assert date_parts("2010 Sep-Oct") == [2010, 9]
    assert date_parts("garbage") == []
    assert iso_date([2021, 3, 5]) == "2021-03-05" and iso_date([2021]) == "2021" and iso_date([]) == ""
    assert iso_date([-429]) == "-0429"


def test_internal_whitespace_is_trimmed_as_zotero_does() -> None:
    assert str_to_date("  March\n 5,\t2021 ") == str_to_date("March 5, 2021")
