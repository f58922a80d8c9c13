"""EDTF both ways: a Zotero date -> biblatex's `date` field (`edtf`), and back (`parse_edtf`).

Expected values follow Better BibTeX's behaviour (its date-range, season and EDTF test cases) and
Zotero's `parseEDTF` tests (zotero/utilities test/tests/dateTest.js).
"""

from __future__ import annotations

import pytest

from senref.formats.dates import edtf, multipart, parse_date, parse_edtf
from senref.formats.edtf import parse_strict, zotero_edtf

TO_EDTF = [
    ("2010 Sep-Oct", "2010-09/2010-10"),
    ("2010-09/2010-10", "2010-09/2010-10"),
    ("1984/1986", "1984/1986"),
    ("1984-1986", "1984/1986"),
    ("1995\u201396", "1995/1996"),
    ("Spring 2020", "2020-21"),
    ("printemps 1985", "1985-21"),
    ("Winter 2017", "2017-24"),
    ("Spring 2015 - Summer 2016", "2015-21/2016-22"),
    ("2004?", "2004?"),
    ("2004-06~", "2004-06~"),
    ("c. 1900", "1900~"),
    ("~1723", "1723~"),
    ("1990s", "199X"),
    ("2004-21", "2004-21"),
    ("2017-14/2017-15", "2017-22/2017-23"),  # BBT's pseudo-months 13-16 for seasons
    ("March 5, 2021", "2021-03-05"),
    ("5/3/2021", "2021-05-03"),
    ("03 2018", "2018-03"),
    ("05 01, 2018", "2018-05-01"),
    ("January 30\u2013February 3, 1989", "1989-01-30/1989-02-03"),
    ("29 June-1 July 2011", "2011-06-29/2011-07-01"),
    ("December 3-5, 1986", "1986-12-03/1986-12-05"),
    ("22-26 June 2015", "2015-06-22/2015-06-26"),
    ("2016-07-18T20:26:06+10:00", "2016-07-18T20:26:06+10:00"),
    ("20210305", "2021-03-05"),
    ("-0876", "-0876"),
    ("429 BC", "-0429"),
    ("199u", "199u"),
    ("2004-01-01/..", "2004-01-01/.."),
    ("2014-12-31/", "2014-12-31/"),
    ("unknown/2006", "unknown/2006"),  # the 2012 EDTF draft's word, which Better BibTeX keeps
    ("2004-06-01/unknown", "2004-06-01/unknown"),
    ("2021-22", "2021/2022"),
    ("n.d.", ""),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), TO_EDTF)
def test_edtf_is_what_biblatex_date_wants(text: str, expected: str) -> None:
    assert edtf(text) == expected
    if expected:
        assert parse_strict(expected) is not None, "biblatex could not read what we wrote"


FROM_EDTF = [
    ("1984/1986", "1984/1986"),
    ("1988/1992", "1988/1992"),
    ("2004-06~", "2004-06~"),
    ("2004-06\u00a0", "2004-06~"),  # a TeX reader turned the tilde into a no-break space
    ("1723?", "1723?"),
    ("-0876", "-0876"),
    ("199u", "199u"),
    ("2014-12-31/", "2014-12-31/"),
    ("2016-07-18T20:26:06", "2016-07-18T20:26:06"),
    ("2004-21", "Spring 2004"),
    ("2017-24~", "Winter 2017~"),
    ("2017-23/2017-24", "Autumn 2017/Winter 2017"),
    ("2015-21/..", "Spring 2015/.."),
    ("March 1984", "March 1984"),
]


@pytest.mark.parametrize(("value", "expected"), FROM_EDTF)
def test_parse_edtf_gives_the_zotero_date(value: str, expected: str) -> None:
    assert parse_edtf(value) == expected


@pytest.mark.parametrize("value", ["1984/1986", "2004-21", "2017-24~", "2017-23/2017-24", "2004-06~",
                                   "2011-05-25~/2012-06-26", "1723?", "-0333", "2010-09/2010-10"])
def test_biblatex_dates_round_trip_through_a_zotero_date(value: str) -> None:
    assert edtf(parse_edtf(value)) == value


def test_imported_ranges_sort_and_export_by_their_start() -> None:
    zotero_date = parse_edtf("1984/1986")
    assert multipart(zotero_date).startswith("1984-00-00")
    assert parse_date(zotero_date).start == (1984,) and parse_date(zotero_date).end == (1986,)


@pytest.mark.parametrize(("text", "begin", "end", "circa"), [
    ("2004-06~", (2004, 6), (), True),
    ("2021/2026", (2021,), (2026,), False),
    ("-429?", (-429,), (), True),
    ("1995-1996", (1995,), (1996,), False),
    ("2021-22", (2021,), (2022,), False),
    ("1995-05", (1995, 5), (), False),
    ("~1995", (1995,), (), True),
    ("ca. 1995", (1995,), (), True),
    ("429 BCE", (-429,), (), False),
    ("~429 BCE", (-429,), (), True),
])
def test_zotero_parse_edtf_accepts_what_zotero_accepts(text: str, begin: tuple[int, ...],
                                                       end: tuple[int, ...], circa: bool) -> None:
    got = zotero_edtf(text)
    assert got is not None and got.start is not None
    dates = [got.start] + ([got.end] if got.end else [])
    assert (got.start.parts(), got.end.parts() if got.end else ()) == (begin, end)
    assert any(d.approximate or d.uncertain for d in dates) == circa


@pytest.mark.parametrize("text", ["429", "196X", "2021/..", "1996-1995", "2021-21", "2026/2021", "2021/2021",
                                  "2021-05/2021-04", "May 13, 2021", "2004-21"])
def test_zotero_parse_edtf_rejects_what_zotero_rejects(text: str) -> None:
    # "2004-21" is no exception: Zotero reads it as the condensed range 2004/2021, which is accepted
    got = zotero_edtf(text)
    if text == "2004-21":
        assert got is not None and got.end is not None and got.end.year == 2021
    else:
        assert got is None


@pytest.mark.parametrize("value", ["2021-13", "2021-02-30", "2021-00", "1984/1986/1988", "/", "..", "20-21",
                                   "2021-05-1", "March"])
def test_parse_strict_refuses_what_is_not_edtf(value: str) -> None:
    assert parse_strict(value) is None
    assert parse_edtf(value) == value


@pytest.mark.parametrize(("text", "start"), [("2014-12-31/", (2014, 12, 31)), ("../2004-01-01", (2004, 1, 1)),
                                             ("unknown/2006", (2006,))])
def test_an_interval_with_an_open_end_reads_as_its_known_end(text: str, start: tuple[int, ...]) -> None:
    reading = parse_date(text)
    assert (reading.start, reading.end) == (start, ())
