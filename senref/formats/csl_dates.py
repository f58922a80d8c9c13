"""Zotero dates <-> CSL dates, the way Better BibTeX writes them (and citeproc-js reads them).

* date-parts only, no `raw`, when they say everything the text says ("June 1, 2016" -> [["2016", 6, 1]]);
  `raw` is added only when words are left over that no date part holds ("1985 (reprint)");
* years as strings, as Zotero writes them; a year before 1 in CSL's count: EDTF and ISO 8601 have a
  year 0 (= 1 BC), CSL has none, so EDTF "-0333" (334 BC) is CSL "-334", while "429 BC" is "-429";
* one season: `"season": 1..4` beside the year; a season inside a range: the pseudo-months 13-16, which
  citeproc-js prints as season names (Better BibTeX #860); BBT's own pseudo-months in a Zotero date
  ("2017-14") read as the seasons they stand for;
* an open or unknown range end is `[0]`; `circa` for "~", "?", "ca.";
* an ISO-shaped text that is no valid date ("2017-14/2017-99") stays a `literal`, as BBT keeps it.
"""

from __future__ import annotations

import re
from typing import Any

from senref.formats.dates import ISO_SHAPED, iso_date, parse_date
from senref.formats.edtf import SEASONS, EdtfDate, parse_strict, read_edtf

#: Zotero's access dates carry a time, which CSL has no place for (dropped, as Zotero and BBT drop it)
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
_ISO_SIDE = r"-?\d{4}-\d{2}(?:-\d{2})?[~?%]?"
_ISO_DASHED_RANGE = re.compile(rf"^({_ISO_SIDE})\s*(?:--|[–—])\s*({_ISO_SIDE})$")
_PSEUDO_MONTH = re.compile(r"(?<![0-9])(-?[0-9]{4})-(1[3-6])(?![0-9])")
#: "429 BC": a year counted in the era, which is already CSL's count
_ERA_BC = re.compile(r"[0-9]\s*B\.?\s?C", re.I)
_FILLER = {"c", "ca", "circa", "about", "around", "approx", "approximately", "vers", "um"}
_SEASON_WORDS = {"spring", "summer", "autumn", "fall", "winter", "printemps", "été", "automne", "hiver",
                 "frühling", "frühjahr", "sommer", "herbst"}


def _csl_year(year: int, era: bool) -> int:
    return year if era or year > 0 else year - 1


def _side(date: tuple[int, ...], season: int | None, era: bool) -> list[Any]:
    """One end of a range; a season there is its pseudo-month (21 -> 13)."""
    year = str(_csl_year(date[0], era))
    if season and len(date) == 1:
        return [year, season - 8]
    return [year, *date[1:3]]


def _build(start: tuple[int, ...] | None, end: tuple[int, ...] | None, seasons: tuple[int | None, int | None],
           *, interval: bool, circa: bool, era: bool) -> dict[str, Any]:
    out: dict[str, Any]
    if not interval and start and seasons[0] and len(start) == 1:
        out = {"date-parts": [[_csl_year(start[0], era)]], "season": seasons[0] - 20}
    elif not interval:
        assert start
        out = {"date-parts": [_side(start, None, era)]}
    else:
        out = {"date-parts": [_side(start, seasons[0], era) if start else [0],
                              _side(end, seasons[1], era) if end else [0]]}
    if circa:
        out["circa"] = True
    return out


def _parts(date: EdtfDate | None) -> tuple[int, ...] | None:
    return date.parts() if date is not None else None


def _from_edtf(text: str, era: bool) -> dict[str, Any] | None:
    strict = parse_strict(text)
    if strict is None:
        return None
    condensed = re.fullmatch(r"[0-9]{4}-[0-9]{2}", text)
    if condensed and (reading := read_edtf(text)) is not None and reading.end is not None:
        return None  # "2021-22": the academic year 2021-2022, not summer 2021
    dates = [d for d in (strict.start, strict.end) if d is not None]
    if any(d.unspecified or d.long_year for d in dates):
        return {"literal": text}
    circa = any(d.approximate or d.uncertain for d in dates)
    seasons = (strict.start.season if strict.start else None, strict.end.season if strict.end else None)
    return _build(_parts(strict.start), _parts(strict.end), seasons, interval=strict.interval, circa=circa, era=era)


def csl_date(text: str) -> dict[str, Any]:
    """A Zotero date as a CSL date (see the module docstring); `literal` when it holds no date."""
    text = text.strip()
    if _DATETIME.match(text):
        text = text[:10]
    era = bool(_ERA_BC.search(text))
    prepared = _PSEUDO_MONTH.sub(lambda m: f"{m[1]}-{int(m[2]) + 8}", text)
    dashed = _ISO_DASHED_RANGE.match(prepared)
    if dashed:
        prepared = f"{dashed[1]}/{dashed[2]}"
    found = _from_edtf(prepared, era)
    if found is not None:
        return found
    if ISO_SHAPED.match(prepared):
        return {"literal": text}
    reading = parse_date(text)
    if not reading.start:
        return {"literal": text}
    out = _build(reading.start, reading.end or None, (reading.season, reading.end_season),
                 interval=bool(reading.end), circa=reading.approximate or reading.uncertain, era=era)
    words = [w for w in re.findall(r"[^\W\d_]+", reading.part.lower()) if w not in _FILLER | _SEASON_WORDS]
    if words:
        out["raw"] = text  # words no date part holds: citeproc-js and Zotero read them from `raw`
    return out


# -- import ---------------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    text = str(value).strip()
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else None


def _edtf_side(end: list[Any]) -> tuple[str, int | None] | None:
    """(EDTF text, season 21-24 or None) of one CSL date-parts end; ("", None) for an open end."""
    numbers = [_int(p) for p in end[:3]]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if not values or values[0] == 0:
        return "", None
    year = values[0] + 1 if values[0] < 0 else values[0]  # CSL has no year 0
    month = values[1] if len(values) > 1 else None
    if month is not None and (13 <= month <= 16 or 21 <= month <= 24):
        season = month + 8 if month <= 16 else month
        return f"{iso_date([year])}-{season}", season
    return iso_date([year, *values[1:3]]), None


def date_from_csl(value: Any) -> str:
    """The Zotero date text for a CSL date: its `raw`/`literal` form, else the date-parts as EDTF
    ("2014-12-31/" for an open end, "Spring 1985" for a season, "1900~" for circa)."""
    if isinstance(value, str | int):
        return str(value)
    if not isinstance(value, dict):
        return ""
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str) and value[key].strip():
            return str(value[key]).strip()
    raw_parts = value.get("date-parts")
    if not isinstance(raw_parts, list):
        return ""
    sides = [_edtf_side(end) for end in raw_parts[:2] if isinstance(end, list)]
    if not sides or any(s is None for s in sides):
        return ""
    texts = [s[0] for s in sides if s is not None]
    if not any(texts):
        return ""
    mark = "~" if value.get("circa") in (True, 1, "1", "true") else ""
    season = _int(value.get("season", "")) if len(texts) == 1 else None
    if season is not None and season in (1, 2, 3, 4, 21, 22, 23, 24) and re.fullmatch(r"-?\d{4}", texts[0]):
        return f"{SEASONS[season if season > 4 else season + 20]} {texts[0]}{mark}"
    if len(texts) == 1:
        return texts[0] + mark
    return "/".join(t + mark if t else "" for t in texts)
