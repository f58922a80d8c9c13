"""Zotero's own reading of its free-text date field: `Zotero.Date.strToDate` and `strToMultipart`.

A port of zotero/utilities date.js, rule for rule and quirk for quirk (the greedy month pattern that
takes the last month, JavaScript's "undefined" in the leftover part), so that tests can state what
Zotero gives. senref's own reading, which starts from this one, is `senref.formats.dates.parse_date`.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from senref.formats.edtf import has_era_notation, zotero_edtf

#: Month names per Zotero locale (Zotero's resource/schema/dateFormats.json), short then long.
_MONTHS = {
    "en-US": ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
              "January February March April May June July August September October November December"),
    "fr-FR": ("jan fév mar avr mai juin juil aoû sep oct nov déc",
              "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"),
    "de": ("Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez",
           "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"),
    "es-ES": ("Ene Feb Mar Abr May Jun Jul Ago Sep Oct Nov Dic",
              "Enero Febrero Marzo Abril Mayo Junio Julio Agosto Septiembre Octubre Noviembre Diciembre"),
    "it-IT": ("Gen Feb Mar Apr Mag Giu Lug Ago Set Ott Nov Dic",
              "Gennaio Febbraio Marzo Aprile Maggio Giugno Luglio Agosto Settembre Ottobre Novembre Dicembre"),
}
#: Countries whose Zotero reads 5/3/2021 month first (strToDate's list).
MONTH_FIRST_COUNTRIES = {"US", "FM", "PW", "PH"}
_SLASH = re.compile(r"^(.*?)\b([0-9]{1,4})(?:([\-/.\u5e74])([0-9]{1,2}))?(?:([\-/.\u6708])([0-9]{1,4}))?"
                    r"((?:\b|[^0-9]).*?)$", re.ASCII)
_YEAR = re.compile(r"^(.*?)\b((?:circa |around |about |c\.? ?)?[0-9]{1,4}(?: ?B\.? ?C\.?(?: ?E\.?)?| ?C\.? ?E\.?"
                   r"| ?A\.? ?D\.?)|[0-9]{3,4})\b(.*?)$", re.ASCII | re.I)
#: Zotero's English day suffixes ("date.daySuffixes").
_DAY = re.compile(r"\b([0-9]{1,2})(?:st|nd|rd|th)?\b(.*)", re.ASCII | re.I)


@functools.cache
def month_names(locales: tuple[str, ...]) -> tuple[str, ...]:
    short = [m.lower() for loc in locales for m in _MONTHS[loc][0].split()]
    return (*short, *(m.lower() for loc in locales for m in _MONTHS[loc][1].split()))


@functools.cache
def _month_regex(months: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(.*)(?:^|[\W\d_])(" + "|".join(map(re.escape, months)) + r")[^ ]*(?: (.*)$|$)", re.I)


def locale_tables(locale: str) -> tuple[str, ...]:
    """Zotero.Date.init's choice of month table for *locale*, English appended as Zotero does."""
    name = locale
    if name not in _MONTHS:
        name = locale[:2]
    if name not in _MONTHS:
        name = f"{name}-{name.upper()}"
    if name not in _MONTHS:
        name = next((key for key in _MONTHS if key.startswith(locale[:2])), "en-US")
    return ("en-US",) if name == "en-US" or locale.startswith("en") else (name, "en-US")


@dataclass
class _Part:
    text: str | None  # None is JavaScript's undefined, which Zotero concatenates as "undefined"
    before: bool | str = False
    after: bool | str = False


def _js(text: str | None) -> str:
    return "undefined" if text is None else text


def _insert_order(order: str, part: str, where: _Part) -> str:
    if not order:
        return part
    if where.before is True:
        return part + order
    if where.after is True:
        return order + part
    if isinstance(where.before, str) and where.before:
        return order.replace(where.before, part + where.before, 1) if where.before in order else order
    if isinstance(where.after, str) and where.after:
        return order.replace(where.after, where.after + part, 1) if where.after in order else order + part
    return order + part


@dataclass(frozen=True)
class ZoteroDate:
    """What `Zotero.Date.strToDate` returns; month is 1-12 here (Zotero counts from 0).

    year is Zotero's string ("2021", "0876", "429 BC"); part is the rest ("Spring", "c").
    whole is True when the numeric algorithm read the entire text as one date (e.g. "5/3/2021").
    """

    year: str | None = None
    month: int | None = None
    day: int | None = None
    part: str | None = None
    order: str = ""
    whole: bool = False


def trim_internal(text: str) -> str:
    return re.sub(r"[\xa0\r\n\s]+", " ", text).strip()


def str_to_date_with(text: str, months: tuple[str, ...], month_first: bool, today_year: int | None) -> ZoteroDate:
    string = trim_internal(text)
    if not string:
        return ZoteroDate()
    year: int | str | None = None
    month: int | None = None
    day: int | None = None
    order = ""
    whole = False
    parts: list[_Part] = []
    m = _SLASH.match(string)
    if m and ((not m[5] or not m[3]) or m[3] == m[5] or (m[3] == "\u5e74" and m[5] == "\u6708")) \
            and ((m[2] and m[4] and m[6]) or (not m[1] and not m[7])):
        raw_year, raw_month, raw_day = None, None, None
        if len(m[2]) in (3, 4) or m[3] == "\u5e74":
            raw_year, raw_month, raw_day = m[2], m[4], m[6]
            order = "y" + ("m" if m[4] else "") + ("d" if m[6] else "")
        elif m[2] and not m[4] and m[6]:
            raw_month, raw_year, order = m[2], m[6], "my"
        else:
            if month_first:
                raw_month, raw_day, order = m[2], m[4], "m" + ("d" if m[4] else "")
            else:
                raw_month, raw_day, order = m[4], m[2], "d" + ("m" if m[4] else "")
            raw_year = m[6]
            order += "y" if m[6] is not None else ""
        long_year = raw_year is not None and len(raw_year) > 2
        year = int(raw_year) if raw_year else None
        day = int(raw_day) if raw_day else None
        month = int(raw_month) if raw_month else None
        if month and month > 12:
            month, day = day, month
            order = order.replace("m", "D", 1).replace("d", "M", 1).replace("D", "d", 1).replace("M", "m", 1)
        if (not month or month <= 12) and (not day or day <= 31):
            if year and year < 100 and not long_year:
                now = today_year or datetime.date.today().year
                year += now - now % 100 if year <= now % 100 else now - now % 100 - 100
            month = month or None
            parts += [_Part(m[1], before=True), _Part(m[7])]
            whole = not m[1] and not m[7]
        else:
            year = month = day = None
            order = ""
            parts.append(_Part(string))
    else:
        parts.append(_Part(string))

    if not year:
        for i, part in enumerate(parts):
            ym = _YEAR.match(_js(part.text))
            if ym:
                year = ym[2]
                order = _insert_order(order, "y", part)
                parts[i:i + 1] = [_Part(ym[1], before=True), _Part(ym[3])]
                break
    if month is None:
        month_re = _month_regex(months)
        for i, part in enumerate(parts):
            mm = month_re.match(_js(part.text))
            if mm and mm[2].lower() in months:
                month = months.index(mm[2].lower()) % 12 + 1
                order = _insert_order(order, "m", part)
                parts[i:i + 1] = [_Part(mm[1], before="m"), _Part(mm[3], after="m")]
                break
    if not day:
        for i, part in enumerate(parts):
            text_i = _js(part.text)
            dm = _DAY.search(text_i)
            if dm and int(dm[1]) <= 31:
                day = int(dm[1])
                order = _insert_order(order, "d", part)
                rest = text_i[:dm.start()] + (" " + dm[2] if dm[2] else "") if dm.start() > 0 else dm[2]
                parts[i:i + 1] = [_Part(rest)]
                break
    joined = "".join(_js(p.text) + " " for p in parts)
    cleaned = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", joined)
    return ZoteroDate(None if year is None else str(year), month, day, cleaned or None, order, whole)


def str_to_date(text: str, locale: str = "en-US", *, today_year: int | None = None) -> ZoteroDate:
    """`Zotero.Date.strToDate` for a Zotero interface *locale* (its month names plus English; its
    numeric order: month first in en-US, FM, PW and PH, day first elsewhere).

    Two-digit years are read as Zotero reads them: up to this year's two digits in this century,
    above them in the last (*today_year* fixes "this year" for tests).

    >>> str_to_date("March 5, 2021")
    ZoteroDate(year='2021', month=3, day=5, part=None, order='mdy', whole=False)
    >>> str_to_date("5/3/2021", "en-GB").month, str_to_date("5/3/2021").month
    (3, 5)
    """
    country = locale[3:]
    return str_to_date_with(text, month_names(locale_tables(locale)), country in MONTH_FIRST_COUNTRIES, today_year)


def multipart(text: str) -> str:
    """Zotero's `strToMultipart`: the SQL sort date, a space, the text ("2018-03-00 March 2018").

    As in Zotero, EDTF is read first (an interval sorts by its start) and a year Zotero cannot sort
    (BCE, negative, beyond 9999) becomes 0000.

    >>> multipart("March 2018"), multipart("2004-06~"), multipart("429 BCE")
    ('2018-03-00 March 2018', '2004-06-00 2004-06~', '0000-00-00 429 BCE')
    """
    if not text:
        return ""
    found = zotero_edtf(text)
    year: str | None
    if found and found.start:
        year, month, day = str(found.start.year), found.start.month, found.start.day
    elif has_era_notation(text):
        year, month, day = None, None, None
    else:
        zdate = str_to_date(text)
        year, month, day = zdate.year, zdate.month, zdate.day
    sort_year = year.zfill(4) if year and re.fullmatch(r"[0-9]{1,4}", year) else "0000"
    return f"{sort_year}-{month or 0:02d}-{day or 0:02d} {text}"


def sql_date(text: str) -> str:
    """The SQL half of `multipart` ("2018-03-00"), "" for an empty date."""
    return multipart(text)[:10]
