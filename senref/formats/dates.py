"""Zotero's free-text dates <-> parts (year, month, day), as every export format needs them."""

from __future__ import annotations

import re

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")


def date_parts(text: str) -> list[int]:
    """[year], [year, month] or [year, month, day] from "2021-03-05", "2021/3", "March 5, 2021", "5 Mar 2021"...

    Returns [] when no year can be found.
    """
    text = text.strip()
    match = re.match(r"^(-?\d{1,4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ].*)?$", text)
    if match:
        return [int(g) for g in match.groups() if g]
    match = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", text)  # 05/03/2021: ambiguous, read as d/m/y only if d > 12
    if match:
        first, second, year = (int(g) for g in match.groups())
        return [year, second, first] if first > 12 else [year, first, second]
    year_match = re.search(r"\b(\d{4})\b", text)
    if not year_match:
        return []
    parts = [int(year_match.group(1))]
    low = text.lower()
    for index, name in enumerate(_MONTH_NAMES):
        month = re.search(rf"\b{name[:3]}[a-z]*\.?(?![a-z])", low)
        if month:
            parts.append(index + 1)
            rest = (low[:month.start()] + " " + low[month.end():]).replace(year_match.group(1), " ")
            day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", rest)
            if day and 1 <= int(day.group(1)) <= 31:
                parts.append(int(day.group(1)))
            break
    return parts


def iso_date(parts: list[int]) -> str:
    """[2021, 3, 5] -> "2021-03-05"; [2021, 3] -> "2021-03"; [] -> ""."""
    if not parts:
        return ""
    out = f"{parts[0]:04d}" if parts[0] >= 0 else str(parts[0])
    for part in parts[1:3]:
        out += f"-{part:02d}"
    return out
